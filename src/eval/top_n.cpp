// `eval --top-n N` against the stored topic lists: every metric must see N words per topic, or
// the command refuses. Lists shorter than N (a run trained with a smaller --top-n) are extended
// from the seed's beta [K, V] with the run's vocabulary; without beta or vocabulary, exit 2.
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <unordered_set>

#include "ntm/error.h"
#include "ntm/eval/inputs.h"
#include "ntm/labels/label_store.h"
#include "ntm/util/fs.h"

namespace ntm::eval {
namespace {

// The vocabulary of the run's label store when it matches the run's vocab_hash; empty otherwise.
std::vector<std::string> run_vocabulary(const EvalInputs& in) {
  if (in.labels_dir.empty() || !path_exists(path_join(in.labels_dir, "meta.json"))) return {};
  labels::LabelStoreReader store(in.labels_dir);
  if (!in.vocab_hash.empty() && store.meta().vocab_hash != in.vocab_hash) return {};
  return store.meta().vocab;
}

size_t shortest_topic(const SeedInput& s) {
  size_t n = SIZE_MAX;
  for (const auto& t : s.topics) n = std::min(n, t.size());
  return s.topics.empty() ? 0 : n;
}

// Appends to each topic the highest-beta words it does not hold yet, up to top_n words.
void extend_from_beta(SeedInput& s, const std::vector<std::string>& vocab, int top_n) {
  const int64_t V = s.beta.size(1);
  auto order = std::get<1>(torch::sort(s.beta, /*dim=*/1, /*descending=*/true)).contiguous();  // [K, V]
  const int64_t* op = order.data_ptr<int64_t>();
  for (size_t k = 0; k < s.topics.size(); ++k) {
    auto& t = s.topics[k];
    std::unordered_set<std::string> have(t.begin(), t.end());
    for (int64_t j = 0; j < V && static_cast<int>(t.size()) < top_n; ++j) {
      const auto& w = vocab[static_cast<size_t>(op[static_cast<int64_t>(k) * V + j])];
      if (have.insert(w).second) t.push_back(w);
    }
  }
}

}  // namespace

void ensure_top_n(EvalInputs& in, int top_n) {
  std::vector<std::string> vocab;
  bool vocab_read = false;
  for (auto& s : in.seeds) {
    if (s.beta.defined() && top_n > s.beta.size(1))
      usage_error("--top-n ", top_n, ": ", s.name, " has a vocabulary of ", s.beta.size(1),
                  " words; pass --top-n ", s.beta.size(1), " or less");
    const size_t have = shortest_topic(s);
    if (have >= static_cast<size_t>(top_n)) continue;
    if (!vocab_read && s.beta.defined()) {
      vocab = run_vocabulary(in);
      vocab_read = true;
    }
    if (!s.beta.defined() || static_cast<int64_t>(vocab.size()) != s.beta.size(1))
      usage_error("--top-n ", top_n, ": ", s.name, " stores ", have, " words per topic and its beta and "
                  "vocabulary (the run's label store) are not available to add more; pass --top-n ", have,
                  " or less");
    extend_from_beta(s, vocab, top_n);
    spdlog::info("{}: topic lists hold {} words; words {}..{} come from beta", s.name, have, have + 1, top_n);
  }
}

}  // namespace ntm::eval
