#include "run_outputs.h"

#include "ntm/io/safetensors.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "ntm/version.h"

namespace ntm::topic {

void write_theta(const std::string& path, const at::Tensor& theta, const TrainData& data,
                 const std::vector<std::pair<std::string, std::string>>& metadata) {
  st::save(path, {{"theta", theta.to(torch::kCPU, torch::kFloat32).contiguous()},
                  {"doc_index", data.doc_index},
                  {"labels", data.labels}},
           metadata);
}

void write_topics(const std::string& path, const at::Tensor& topic_word, int64_t top_n,
                  const std::vector<std::string>& vocab, const std::string& vocab_hash) {
  auto idx = std::get<1>(torch::topk(topic_word.detach().to(torch::kCPU, torch::kFloat32), top_n, 1))
                 .contiguous();  // [K, top_n]
  json topics = json::array();
  const int64_t* ip = idx.data_ptr<int64_t>();
  for (int64_t k = 0; k < idx.size(0); ++k) {
    json words = json::array();
    for (int64_t j = 0; j < top_n; ++j) words.push_back(vocab.at(static_cast<size_t>(ip[k * top_n + j])));
    topics.push_back(words);
  }
  json doc = {{"format", "ntm-topics"},
              {"num_topics", idx.size(0)},
              {"top_n", top_n},
              {"vocab_hash", vocab_hash},
              {"topics", topics}};
  write_file_atomic(path, doc.dump(1) + "\n");
}

json labels_identity(const std::string& dir, const labels::StoreMeta& store) {
  json prompt = store.prompt;
  if (prompt.is_object()) prompt.erase("tokenizer");  // a location; the tokenizer's content is in lm
  json j = {{"dir", dir},
            {"vocab_hash", store.vocab_hash},
            {"num_docs", store.num_docs},
            {"hidden_size", store.hidden_size},
            {"hidden_dtype", store.hidden_dtype},
            {"lm", store.lm},
            {"prompt", prompt}};
  if (store.corpus.is_object() && store.corpus.contains("sha256"))
    j["corpus"] = {{"sha256", store.corpus["sha256"]}, {"rows", store.corpus.value("num_docs", json())}};
  return j;
}

void write_seed_outputs(const RunInfo& info, int64_t seed, const std::string& dir, TopicModel& model,
                        const at::Tensor& theta, const TrainOutcome& outcome) {
  const json config = info.opts;
  write_theta(path_join(dir, "theta.safetensors"), theta, info.data,
              {{"format", "ntm-theta"}, {"model", info.opts.model}, {"theta", info.opts.theta},
               {"vocab_hash", info.store.vocab_hash}});
  auto beta = model.topic_word().to(torch::kCPU, torch::kFloat32).contiguous();  // [K, V]
  st::save(path_join(dir, "beta.safetensors"), {{"beta", beta}},
           {{"format", "ntm-beta"}, {"model", info.opts.model}, {"vocab_hash", info.store.vocab_hash}});
  write_topics(path_join(dir, "topics.json"), beta, info.opts.top_n, info.store.vocab, info.store.vocab_hash);
  std::vector<std::pair<std::string, at::Tensor>> state;
  for (auto& [n, t] : model.named_state()) state.emplace_back(n, t.detach().cpu());
  st::save(path_join(dir, "model.safetensors"), state,
           {{"format", "ntm-model"}, {"model", info.opts.model}, {"config", config.dump()}});
  json meta = {{"format", "ntm-run"},
               {"format_version", kRunFormatVersion},
               {"ntm_version", version()},
               {"model", info.opts.model},
               {"seed", seed},
               {"config", config},
               {"labels", labels_identity(info.opts.labels, info.store)},
               {"device", info.device.str()},
               {"num_docs", info.data.num_docs},
               {"dropped_empty_bow", info.data.dropped_empty},
               {"epochs", outcome.epochs},
               {"final_loss", outcome.final_loss},
               {"theta", info.opts.theta},
               {"files", {"topics.json", "theta.safetensors", "beta.safetensors", "model.safetensors", "metrics.jsonl"}},
               {"complete", true}};
  if (!info.word_embeddings.is_null()) meta["word_embeddings"] = info.word_embeddings;
  write_file_atomic(path_join(dir, "meta.json"), meta.dump(1) + "\n");
}

void write_run_set_meta(const RunInfo& info, bool complete) {
  json seeds = json::array();
  for (auto s : info.opts.seeds) seeds.push_back({{"seed", s}, {"dir", "seed-" + std::to_string(s)}});
  json meta = {{"format", "ntm-run-set"},
               {"format_version", kRunFormatVersion},
               {"ntm_version", version()},
               {"model", info.opts.model},
               {"seeds", info.opts.seeds},
               {"seed_dirs", seeds},
               {"config", json(info.opts)},
               {"labels", labels_identity(info.opts.labels, info.store)},
               {"device", info.device.str()},
               {"complete", complete}};
  write_file_atomic(path_join(info.opts.out, "meta.json"), meta.dump(1) + "\n");
}

}  // namespace ntm::topic
