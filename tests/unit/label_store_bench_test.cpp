// Hidden benchmark (not run by ctest): a 20 Newsgroups-sized store (D = 18,846, V = 2,000,
// H = 768 float32, chunks of 1,024 documents). Run with scripts/bench-label-store.sh.
#include <torch/torch.h>

#include <chrono>
#include <cstdio>

#include "catch.h"
#include "label_store_test_util.h"
#include "test_util.h"

using namespace ntm::labels;
using ntm::test::TempDir;

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

TEST_CASE("label store throughput on a 20 Newsgroups-sized store", "[.bench-store]") {
  const int64_t D = 18846, V = 2000, H = 768, n_chunk = 1024, nnz_row = 48;
  StoreMeta meta;
  for (int64_t v = 0; v < V; ++v) meta.vocab.push_back("w" + std::to_string(v));
  meta.label_names = {"a", "b"};
  meta.hidden_size = H;
  TempDir tmp;
  std::string dir = tmp / "labels";
  torch::manual_seed(0);
  double gen = 0;
  auto t0 = std::chrono::steady_clock::now();
  {
    LabelStoreWriter w(dir, meta);
    for (int64_t first = 0; first < D; first += n_chunk) {
      auto tg = std::chrono::steady_clock::now();
      int64_t n = std::min(n_chunk, D - first);
      Chunk c;
      c.soft_labels = torch::randn({n, V});
      c.hidden = torch::randn({n, H});
      c.labels = torch::randint(0, 2, {n}, torch::kLong);
      c.doc_index = torch::arange(first, first + n, torch::kLong);
      c.bow_indptr = torch::arange(0, n + 1, torch::kLong) * nnz_row;
      c.bow_indices = (torch::arange(0, nnz_row, torch::kInt) * (V / nnz_row)).repeat({n});
      c.bow_counts = torch::ones({n * nnz_row});
      gen += seconds_since(tg);
      w.append(c);
    }
    w.finish();
  }
  double write_s = seconds_since(t0) - gen;
  t0 = std::chrono::steady_clock::now();
  std::string summary = validate_label_store(dir);
  double validate_s = seconds_since(t0);
  t0 = std::chrono::steady_clock::now();
  Chunk all = LabelStoreReader(dir).read_all();
  double read_s = seconds_since(t0);
  REQUIRE(all.size() == D);
  double mb = static_cast<double>(D) * (V + H) * 4 / 1e6;
  std::printf("label store D=%lld V=%lld H=%lld f32, %.0f MB of dense tensors\n", static_cast<long long>(D),
              static_cast<long long>(V), static_cast<long long>(H), mb);
  std::printf("%-22s %8s %10s\n", "operation", "seconds", "MB/s");
  std::printf("%-22s %8.2f %10.0f\n", "write (19 chunks)", write_s, mb / write_s);
  std::printf("%-22s %8.2f %10.0f\n", "validate (check-labels)", validate_s, mb / validate_s);
  std::printf("%-22s %8.2f %10.0f\n", "read_all", read_s, mb / read_s);
}
