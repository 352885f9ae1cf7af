#pragma once
// `ntm train` and `ntm infer` as library functions.
//
// A run directory (--out runs/x):
//   meta.json                 {"format": "ntm-run-set", "model", "seeds", "labels", "config", ...}
//   seed-S/topics.json        {"format": "ntm-topics", "num_topics", "top_n", "vocab_hash", "topics": [[w, ...], ...]}
//   seed-S/theta.safetensors  theta [N, K] float32, doc_index [N] int64 (corpus rows), labels [N] int64
//   seed-S/beta.safetensors   beta [K, V] float32 (the topic-word matrix the topics are ranked by)
//   seed-S/model.safetensors  the model's state_dict under the reference's names (metadata: model, config)
//   seed-S/meta.json          {"format": "ntm-run", "model", "seed", "config", "labels": {dir, vocab_hash, ...},
//                              "ntm_version", "device", "num_docs", "dropped_empty_bow", "epochs", "final_loss", "complete"}
//   seed-S/metrics.jsonl      one {"epoch", "loss", "seconds", "docs_per_s"} per epoch
//   seed-S/checkpoint.safetensors  training state after the last checkpointed epoch (for --resume)
#include <string>
#include <vector>

#include "ntm/topic/train_options.h"

namespace ntm::topic {

// Trains every seed of opts.seeds; `device_spec` as --device. An existing run in opts.out is
// refused unless `resume` (continue killed seeds, skip finished ones; the config and label store
// must match each seed's meta.json) or `force` (retrain every seed). `checkpoint_every`: seconds
// between checkpoints (see SeedTraining). Returns the number of seeds trained or skipped.
int run_train(const TrainOptions& opts, const std::string& device_spec, bool resume, bool force = false,
              double checkpoint_every = 10.0);

struct InferOptions {
  std::string run;     // a seed directory (runs/x/seed-0)
  std::string labels;  // label store with the documents
  std::string out;     // output theta.safetensors
  std::string theta;   // "" = as the run was trained (sample | mean)
  bool force = false;  // replace an existing --out that is not a theta file ntm wrote
  std::vector<std::string> allow_mismatch;  // fields of the label store allowed to differ from the run's
  void validate() const;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(InferOptions, run, labels, out, theta, force, allow_mismatch)

// θ for the documents of `labels` with the model of `run`; checks the vocabulary hash and the
// hidden size against the run. `seed` seeds the θ sampling noise.
void run_infer(const InferOptions& opts, const std::string& device_spec, uint64_t seed);

}  // namespace ntm::topic
