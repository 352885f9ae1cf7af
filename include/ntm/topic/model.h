#pragma once
// The interface every topic model implements, and the model registry.
//
// Gradient-trained models (the ProdLDA family, ETM, ECRTM, FASTopic) implement
// loss()/theta()/topic_word() and the state accessors; the shared Trainer runs the optimisation,
// checkpoints and outputs. A model that is not trained by gradient steps (LDA by Gibbs sampling)
// overrides fit() instead and reports gradient_trained() == false.
//
// The registry is one explicit table (src/topic/registry.cpp): name -> inputs + factory.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ntm/topic/train_data.h"
#include "ntm/topic/train_options.h"

namespace ntm::topic {

using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

// One batch, already on the model's device.
struct Batch {
  at::Tensor x;         // [B, H] LM hidden states (contextual input), or undefined
  at::Tensor bow;       // [B, V] dense BoW counts, or undefined
  at::Tensor weight;    // [B, V] reconstruction weights (teacher or counts), see ReconTarget
  bool kl = true;       // KL form (clamped teacher) or CE form (-sum w log(s + 1e-10))
  std::optional<at::Tensor> eps;  // [B, K] reparameterisation noise to use instead of sampling
  int64_t size() const;
};

enum class ThetaMode { kSample, kMean };

class TopicModel {
 public:
  virtual ~TopicModel() = default;
  virtual std::string name() const = 0;
  virtual int64_t num_topics() const = 0;
  virtual bool gradient_trained() const { return true; }
  // Models that are not trained by gradient steps (gradient_trained() == false, e.g. Gibbs LDA)
  // train here instead of through train_seed(); loss() is then never called.
  virtual void fit(const TrainData& data, const TrainOptions& opts, at::Generator& gen);
  // After fit(): θ [D, K] of the training documents, one record per progress report for
  // metrics.jsonl, and the final loss recorded in meta.json.
  virtual at::Tensor fitted_theta() { return {}; }
  virtual std::vector<nlohmann::json> fit_metrics() const { return {}; }
  virtual double fit_loss() const { return 0.0; }

  virtual void to(c10::Device device) = 0;
  virtual void set_training(bool on) = 0;
  // While training a one-document batch (a one-document corpus, or --batch-size 1): BatchNorm
  // layers normalise with their running statistics, which stay unchanged (one document has no
  // batch variance). Models without BatchNorm ignore it.
  virtual void batch_norm_running_stats(bool /*on*/) {}
  // Loss of one batch with its autograd graph, reduced as the reference reduces it.
  virtual at::Tensor loss(const Batch& batch, at::Generator& gen) = 0;
  // How loss() reduces over the batch: summed over documents (the ProdLDA family) or averaged
  // (ETM, ECRTM, FASTopic). The epoch loss in metrics.jsonl is per document either way.
  virtual bool loss_is_batch_mean() const { return false; }
  // θ [B, K] for a batch in eval mode: one sample (kSample) or softmax(mu) (kMean).
  virtual at::Tensor theta(const Batch& batch, ThetaMode mode, at::Generator& gen) = 0;
  // [K, V] matrix whose rows rank the topic words (ProdLDA family: raw decoder B).
  virtual at::Tensor topic_word() = 0;

  // Training and evaluation hooks with defaults for minibatch VAE-style models.
  // full_batch(): every step sees all documents, in corpus order (FASTopic).
  virtual bool full_batch() const { return false; }
  // Called once after training, before θ of the training documents is computed and the state is
  // saved (FASTopic baseline: statistics of the training documents that θ needs).
  virtual void after_training(const TrainData& data, c10::Device device);
  // Documents per θ pass at evaluation; 0 = all documents in one pass.
  virtual int64_t theta_batch_size(const TrainOptions& opts) const { return opts.eval_batch_size; }

  // Trainable parameters and the full state (parameters + buffers) by the reference's names.
  virtual NamedTensors named_parameters() = 0;
  virtual NamedTensors named_state() = 0;
  // Copies values into the model's state; input_error naming `where` on a missing/mis-shaped tensor.
  virtual void load_state(const NamedTensors& state, const std::string& where) = 0;
};

// Sizes a model needs from the data.
struct ModelShape {
  ModelShape() = default;
  ModelShape(int64_t vocab, int64_t hidden) : vocab_size(vocab), hidden_size(hidden) {}
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  // Initial word embeddings for models that use them (ModelInputs::word_embeddings): [V, E]
  // float32 with found [V] bool (false rows get the model's own random init), or undefined (all
  // random, E = embedding_size, or the model's default when that is 0).
  at::Tensor word_embeddings;
  at::Tensor word_found;
  int64_t embedding_size = 0;
};

struct ModelEntry {
  const char* name;
  const char* summary;
  ModelInputs (*inputs)(const TrainOptions& opts);
  std::unique_ptr<TopicModel> (*make)(const TrainOptions& opts, const ModelShape& shape);
  // The models with the Laplace approximation of a Dirichlet prior (variance 1 - 1/K) need K >= 2:
  // at K = 1 the prior variance is 0 and the KL term is undefined.
  int64_t min_topics = 1;
};

// The registry table, in display order.
const std::vector<ModelEntry>& model_registry();
// usage_error listing the valid names when `name` is unknown.
const ModelEntry& find_model(const std::string& name);

}  // namespace ntm::topic
