#pragma once
// Writers of a training run's files (see include/ntm/topic/run.h for the layout).
#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

#include "ntm/labels/label_store.h"
#include "ntm/topic/model.h"
#include "ntm/topic/trainer.h"

namespace ntm::topic {

struct RunInfo {
  const TrainOptions& opts;
  const labels::StoreMeta& store;
  const TrainData& data;
  c10::Device device;
  std::string identity;
  nlohmann::json word_embeddings;  // where the word embeddings came from (null: the model has none)
};

// theta [N, K] float32 + doc_index [N] + labels [N].
void write_theta(const std::string& path, const at::Tensor& theta, const TrainData& data,
                 const std::vector<std::pair<std::string, std::string>>& metadata);
// topics.json from the rows of a [K, V] matrix: the top_n indices of each row, descending (ties as topk).
void write_topics(const std::string& path, const at::Tensor& topic_word, int64_t top_n,
                  const std::vector<std::string>& vocab, const std::string& vocab_hash);
// What a run records of its label store (meta.json "labels"): where it was, the vocabulary, sizes,
// the LM and prompt records and the corpus's sha256 and row count; checked by --resume, infer, eval.
nlohmann::json labels_identity(const std::string& dir, const labels::StoreMeta& store);
void write_seed_outputs(const RunInfo& info, int64_t seed, const std::string& dir, TopicModel& model,
                        const at::Tensor& theta, const TrainOutcome& outcome);
void write_run_set_meta(const RunInfo& info, bool complete);

}  // namespace ntm::topic
