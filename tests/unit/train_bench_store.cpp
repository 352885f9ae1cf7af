// Not a test: a hidden case ([.bench]) that scripts/bench-train.sh runs to write a synthetic,
// 20 Newsgroups-sized label store (random soft labels, hidden states and BoW) with the real
// LabelStoreWriter. Environment: NTM_BENCH_STORE (output dir), NTM_BENCH_N, NTM_BENCH_V, NTM_BENCH_H.
#include <torch/torch.h>

#include <cstdlib>
#include <string>

#include "catch.h"
#include "ntm/labels/label_store.h"
#include "ntm/data/vocab.h"

namespace {
int64_t env_int(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::stoll(v) : fallback;
}
}  // namespace

TEST_CASE("write a synthetic label store for scripts/bench-train.sh", "[.bench]") {
  const char* dir = std::getenv("NTM_BENCH_STORE");
  REQUIRE(dir != nullptr);
  const int64_t N = env_int("NTM_BENCH_N", 18846), V = env_int("NTM_BENCH_V", 2000), H = env_int("NTM_BENCH_H", 2048);
  ntm::labels::StoreMeta meta;
  for (int64_t v = 0; v < V; ++v) meta.vocab.push_back("w" + std::to_string(v));
  meta.vocab_hash = ntm::vocab_hash(meta.vocab);
  for (int c = 0; c < 20; ++c) meta.label_names.push_back("class" + std::to_string(c));
  meta.hidden_size = H;
  meta.lm = {{"model_type", "synthetic"}, {"sha256", std::string(64, '0')}};
  meta.corpus = {{"path", "synthetic"}, {"sha256", std::string(64, '0')}};
  ntm::labels::LabelStoreWriter w(dir, meta);
  torch::manual_seed(0);
  const int64_t chunk = 4096, words = 40;
  for (int64_t first = 0; first < N; first += chunk) {
    const int64_t n = std::min(chunk, N - first);
    ntm::labels::Chunk c;
    c.soft_labels = torch::randn({n, V}) * 3;
    c.hidden = torch::randn({n, H});
    c.labels = torch::randint(0, 20, {n}, torch::kInt64);
    c.doc_index = torch::arange(first, first + n, torch::kInt64);
    // `words` distinct increasing vocabulary indices per row, count 1.
    auto idx = std::get<0>(torch::sort(torch::randperm(V).slice(0, 0, words))).to(torch::kInt32);
    c.bow_indices = idx.repeat({n});
    c.bow_counts = torch::ones({n * words});
    c.bow_indptr = torch::arange(0, (n + 1) * words, words, torch::kInt64);
    w.append(c);
  }
  w.finish();
}
