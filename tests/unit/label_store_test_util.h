#pragma once
// Small hand-made label stores for the [store] tests: every value is a closed-form function of
// (corpus row, column), so tests compare against the formula, not against what the writer wrote.
#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <utility>
#include <vector>

#include "labels/store_meta.h"
#include "ntm/io/safetensors.h"
#include "ntm/labels/label_store.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "ntm/util/hash.h"

namespace ntm::test::store {

using Tensors = std::vector<std::pair<std::string, at::Tensor>>;

constexpr int64_t kV = 6, kH = 5;

inline std::vector<std::string> test_vocab() { return {"apple", "banana", "cherry", "date", "elder", "fig"}; }

inline labels::StoreMeta test_meta(const std::string& hidden_dtype = "float32") {
  labels::StoreMeta m;
  m.vocab = test_vocab();
  m.label_names = {"a", "b", "c"};
  m.hidden_size = kH;
  m.hidden_dtype = hidden_dtype;
  m.lm = {{"model_type", "gpt2"}, {"sha256", std::string(64, 'a')}};
  m.prompt = {{"template", "Document: {text}\nTopic:"}};
  m.corpus = {{"path", "corpus.tsv"}, {"sha256", std::string(64, 'c')}};
  m.config = {{"batch_size", 4}};
  return m;
}

inline float soft_value(int64_t d, int64_t v) { return static_cast<float>(d) * 1.5f - static_cast<float>(v) * 0.25f; }
// Multiples of 1/4 below 64: exact in bfloat16.
inline float hidden_value(int64_t d, int64_t h) { return static_cast<float>(d * kH + h) * 0.25f - 3.0f; }
inline int64_t label_value(int64_t d) { return d % 4 == 3 ? -1 : d % 3; }
// Row d of the BoW: (index, count) pairs with increasing indices; every 4th row (d % 4 == 2) is empty.
inline std::vector<std::pair<int32_t, float>> bow_row(int64_t d) {
  if (d % 4 == 2) return {};
  int32_t a = static_cast<int32_t>(d % kV), b = static_cast<int32_t>((d + 3) % kV);
  if (a > b) std::swap(a, b);
  return {{a, 1.0f + static_cast<float>(d)}, {b, 2.0f}};
}

inline labels::Chunk make_chunk(int64_t first, int64_t n, const std::string& hidden_dtype = "float32") {
  labels::Chunk c;
  c.soft_labels = torch::empty({n, kV}, torch::kFloat);
  c.hidden = torch::empty({n, kH}, torch::kFloat);
  c.labels = torch::empty({n}, torch::kLong);
  c.doc_index = torch::arange(first, first + n, torch::kLong);
  c.prompt_tokens = torch::empty({n}, torch::kInt);
  std::vector<int64_t> indptr{0};
  std::vector<int32_t> indices;
  std::vector<float> counts;
  for (int64_t i = 0; i < n; ++i) {
    int64_t d = first + i;
    for (int64_t v = 0; v < kV; ++v) c.soft_labels[i][v] = soft_value(d, v);
    for (int64_t h = 0; h < kH; ++h) c.hidden[i][h] = hidden_value(d, h);
    c.labels[i] = label_value(d);
    c.prompt_tokens[i] = static_cast<int32_t>(10 + d);
    for (auto [v, cnt] : bow_row(d)) {
      indices.push_back(v);
      counts.push_back(cnt);
    }
    indptr.push_back(static_cast<int64_t>(indices.size()));
  }
  c.bow_indptr = torch::tensor(indptr, torch::kLong);
  c.bow_indices = torch::tensor(indices, torch::kInt);
  c.bow_counts = torch::tensor(counts, torch::kFloat);
  if (hidden_dtype == "bfloat16") c.hidden = c.hidden.to(torch::kBFloat16);
  return c;
}

// Writes a store whose chunks hold `sizes` documents each; finish() unless finish = false.
inline void write_store(const std::string& dir, const std::vector<int64_t>& sizes,
                        const std::string& hidden_dtype = "float32", bool finish = true) {
  labels::LabelStoreWriter w(dir, test_meta(hidden_dtype));
  int64_t first = 0;
  for (int64_t n : sizes) {
    w.append(make_chunk(first, n, hidden_dtype));
    first += n;
  }
  if (finish) w.finish();
}

// Rewrites chunk i with edited tensors and updates its sha256/bytes in meta.json, so that the
// checksum passes and the reader's content checks are what a test exercises.
inline void tamper_chunk(const std::string& dir, size_t i,
                         const std::function<void(std::vector<std::pair<std::string, at::Tensor>>&)>& edit) {
  std::string file = dir + "/" + labels::chunk_file_name(i);
  auto tensors = st::load_all(file);
  edit(tensors);
  st::save(file, tensors);
  json meta = load_json_file(dir + "/meta.json");
  meta["chunks"][i]["sha256"] = sha256_file(file);
  meta["chunks"][i]["bytes"] = std::filesystem::file_size(file);
  write_file_atomic(dir + "/meta.json", meta.dump(1));
}

inline at::Tensor& find_tensor(std::vector<std::pair<std::string, at::Tensor>>& ts, const std::string& name) {
  for (auto& [n, t] : ts)
    if (n == name) return t;
  throw std::runtime_error("no tensor " + name);
}

}  // namespace ntm::test::store
