#pragma once
// Training one seed of a gradient-trained topic model, and evaluation-time θ.
//
// Per epoch: a permutation of the documents from a seeded CPU generator (corpus order with
// shuffle = false or for full-batch models, whose one batch holds every document), batches of batch_size
// (the last one smaller, as DataLoader with drop_last=False; a lone last document joins the
// batch before it, see epoch_batches), Adam steps, a progress line, one
// metrics.jsonl record and a checkpoint (model + Adam + both generators + epoch) in the seed
// directory, so `--resume` continues a killed run to the same final result. A non-finite batch
// loss stops training with an error naming the epoch, the batch and the last finite loss.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "ntm/topic/model.h"

namespace ntm::topic {

// The [begin, end) document ranges of one epoch: batches of batch_size in order, except that a
// lone last document (num_docs mod batch_size == 1) joins the batch before it, since a batch of
// one document has no BatchNorm statistics. Only a one-document corpus or batch_size 1 leaves
// one-document batches; those train with BatchNorm's running statistics.
std::vector<std::pair<int64_t, int64_t>> epoch_batches(int64_t num_docs, int64_t batch_size);

// Batch of the given rows (int64 [B], CPU) of a training set, moved to `device`.
Batch make_batch(const TrainData& data, const at::Tensor& rows, c10::Device device);

struct SeedTraining {
  int64_t seed = 0;
  c10::Device device{c10::kCPU};
  std::string dir;                 // seed directory: checkpoint.safetensors, metrics.jsonl
  std::string identity;            // configuration identity; a checkpoint with another one is refused
  bool resume = false;             // continue from dir's checkpoint if there is one
  // Seconds between checkpoints: one is written after an epoch once this much time has passed
  // since the last (0: after every epoch), after the last epoch, and when a stop signal arrives
  // between epochs. Checkpoints never change the results; they cost writing the model and Adam
  // state (tens of MB for ETM) each time.
  double checkpoint_every = 10.0;
};

struct TrainOutcome {
  int64_t epochs = 0;                      // epochs completed in total
  double final_loss = 0.0;                 // mean per-document loss of the last epoch
  std::vector<nlohmann::json> metrics;     // one record per epoch
};

// Trains `model` (already on run.device, initialised) on `data`. `noise_gen` draws dropout and
// reparameterisation noise on the device and is left in its post-training state (θ sampling
// continues from it, as in the reference).
TrainOutcome train_seed(TopicModel& model, const TrainData& data, const TrainOptions& opts, const SeedTraining& run,
                        at::Generator& noise_gen);

// Evaluation θ [D, K] float32 on the CPU, documents in order in batches of batch_size (0: one
// batch of all documents), model in
// eval mode: kSample = mean over `samples` passes of sampled θ (the reference's get_thetas),
// kMean = softmax(mu).
at::Tensor compute_theta(TopicModel& model, const TrainData& data, ThetaMode mode, int64_t samples,
                         int64_t batch_size, c10::Device device, at::Generator& noise_gen);

// A generator for noise on `device` seeded with `seed` (CPU: a fresh generator; CUDA: the
// device's default generator, re-seeded).
at::Generator make_noise_generator(c10::Device device, uint64_t seed);

// The sha256 a training checkpoint must carry in its metadata: over every tensor and every
// metadata entry but "sha256" itself (tests re-sign a checkpoint they edit with it).
std::string checkpoint_sha256(const std::string& path);

}  // namespace ntm::topic
