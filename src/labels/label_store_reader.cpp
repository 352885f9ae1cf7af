// LabelStoreReader: meta.json checks on open, per-chunk checksum + content checks on read.
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <filesystem>

#include "ntm/error.h"
#include "ntm/io/safetensors.h"
#include "ntm/labels/label_store.h"
#include "ntm/util/artifact.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "ntm/util/hash.h"
#include "ntm/version.h"
#include "store_meta.h"

namespace ntm::labels {

struct LabelStoreReader::Impl {
  std::string dir;
  StoreMeta meta;
  std::vector<ChunkEntry> chunks;
};

LabelStoreReader::LabelStoreReader(const std::string& dir, bool allow_incomplete) : impl_(std::make_shared<Impl>()) {
  impl_->dir = dir;
  json j = read_meta(dir, kLabelStoreFormat, kLabelStoreFormatVersion);
  parse_store_meta(j, dir, impl_->meta, impl_->chunks);
  const StoreMeta& m = impl_->meta;
  if (!m.complete && !allow_incomplete)
    input_error(dir, ": the label store is incomplete (", m.num_docs, " documents in ", impl_->chunks.size(),
                " chunk(s) so far; its writer was interrupted) — finish it with `ntm build-labels ... --resume --out ",
                dir, "`");
  if (m.complete && m.num_docs < 1) input_error(dir, ": the label store holds no documents");
  for (const auto& c : impl_->chunks) {
    std::string path = path_join(dir, c.file);
    std::error_code ec;
    if (!path_exists(path))
      input_error(path, ": missing (listed in meta.json with documents ", c.first_doc, "..",
                  c.first_doc + c.num_docs - 1, "); rebuild the store with `ntm build-labels`");
    uint64_t size = std::filesystem::file_size(path, ec);
    if (ec || size != c.bytes)
      input_error(path, ": is ", size, " bytes, meta.json says ", c.bytes,
                  " (truncated or replaced); rebuild the store with `ntm build-labels`");
  }
}

const StoreMeta& LabelStoreReader::meta() const { return impl_->meta; }
const std::string& LabelStoreReader::dir() const { return impl_->dir; }
size_t LabelStoreReader::num_chunks() const { return impl_->chunks.size(); }
const std::vector<ChunkEntry>& LabelStoreReader::chunks() const { return impl_->chunks; }

Chunk LabelStoreReader::read_chunk(size_t i, ReadColumns columns) const {
  NTM_CHECK(i < impl_->chunks.size(), "chunk ", i, " out of range");
  const ChunkEntry& e = impl_->chunks[i];
  const std::string path = path_join(impl_->dir, e.file);
  // The checksum is taken over the file as it is now, before any of it is parsed.
  std::string sha = sha256_file(path);
  if (sha != e.sha256)
    input_error(path, ": sha256 ", short_hash(sha), " does not match meta.json (", short_hash(e.sha256),
                "): the chunk is corrupted or was modified — rebuild the store with `ntm build-labels`");
  auto file = st::File::open(path);
  auto get = [&](const char* name, bool optional = false) -> at::Tensor {
    if (!file->contains(name)) {
      if (optional) return at::Tensor();
      input_error(path, ": tensor '", name, "' is missing");
    }
    return file->tensor(name);  // a view of the read-only mapping until copied below
  };
  Chunk c;
  c.doc_index = get("doc_index");
  c.soft_labels = get("soft_labels");
  c.hidden = get("hidden");
  c.bow_indptr = get("bow_indptr");
  c.bow_indices = get("bow_indices");
  c.bow_counts = get("bow_counts");
  c.labels = get("labels");
  c.prompt_tokens = get("prompt_tokens", true);
  c.next_token = get("next_token", true);
  c.layer_hidden = get("layer_hidden", true);
  check_chunk(c, impl_->meta, e.first_doc, e.num_docs, path);
  // Owning copies of the wanted columns: never hand out views of the mapping.
  auto keep = [](at::Tensor& t, bool wanted) { t = wanted && t.defined() ? t.clone() : at::Tensor(); };
  for (at::Tensor* t : {&c.doc_index, &c.bow_indptr, &c.bow_indices, &c.bow_counts, &c.labels, &c.prompt_tokens,
                        &c.next_token})
    keep(*t, true);
  keep(c.soft_labels, columns.soft_labels);
  keep(c.hidden, columns.hidden);
  keep(c.layer_hidden, columns.hidden);
  return c;
}

bool LabelStoreReader::has_word_embeddings() const { return !impl_->meta.word_embeddings.is_null(); }

at::Tensor LabelStoreReader::read_word_embeddings() const {
  const json& e = impl_->meta.word_embeddings;
  if (e.is_null()) return {};
  const std::string path = path_join(impl_->dir, kWordEmbeddingsFile);
  if (!path_exists(path))
    input_error(path, ": missing (listed in meta.json); rebuild the store with `ntm build-labels`");
  std::string sha = sha256_file(path);
  if (sha != e["sha256"].get<std::string>())
    input_error(path, ": sha256 ", short_hash(sha), " does not match meta.json (",
                short_hash(e["sha256"].get<std::string>()),
                "): the file is corrupted or was modified — rebuild the store with `ntm build-labels`");
  auto file = st::File::open(path);
  if (!file->contains("word_embeddings")) input_error(path, ": tensor 'word_embeddings' is missing");
  at::Tensor t = file->tensor("word_embeddings").clone();
  const auto shape = e["shape"].get<std::vector<int64_t>>();
  if (t.scalar_type() != torch::kFloat32 || t.dim() != 2 || t.size(0) != shape[0] || t.size(1) != shape[1])
    input_error(path, ": 'word_embeddings' must be F32 [", shape[0], ", ", shape[1], "] as meta.json says, found ",
                t.scalar_type(), " ", t.sizes());
  if (!torch::isfinite(t).all().item<bool>()) input_error(path, ": 'word_embeddings' holds NaN or Inf values");
  return t;
}

Chunk LabelStoreReader::read_all(ReadColumns columns) const {
  const StoreMeta& m = impl_->meta;
  const int64_t D = m.num_docs, V = m.vocab_size(), H = m.hidden_size;
  Chunk all;
  if (columns.soft_labels) all.soft_labels = torch::empty({D, V}, torch::kFloat);  // [D, V]
  if (columns.hidden) all.hidden = torch::empty({D, H}, torch::kFloat);            // [D, H]
  const int64_t S = static_cast<int64_t>(m.layers.size());
  if (S > 0 && columns.hidden) all.layer_hidden = torch::empty({D, S, H}, torch::kFloat);  // [D, S, H]
  all.labels = torch::empty({D}, torch::kLong);
  all.doc_index = torch::empty({D}, torch::kLong);
  all.bow_indptr = torch::empty({D + 1}, torch::kLong);
  all.bow_indptr[0] = 0;
  std::vector<at::Tensor> indices, counts, prompt_tokens, next_token;
  bool has_prompt_tokens = true, has_next_token = true;
  int64_t nnz = 0;
  for (size_t i = 0; i < impl_->chunks.size(); ++i) {
    Chunk c = read_chunk(i, columns);  // peak memory: the whole store + one chunk
    const int64_t a = impl_->chunks[i].first_doc, n = c.size();
    if (columns.soft_labels) all.soft_labels.narrow(0, a, n).copy_(c.soft_labels);
    if (columns.hidden) all.hidden.narrow(0, a, n).copy_(c.hidden);  // bfloat16 -> float32
    if (all.layer_hidden.defined()) all.layer_hidden.narrow(0, a, n).copy_(c.layer_hidden);
    all.labels.narrow(0, a, n).copy_(c.labels);
    all.doc_index.narrow(0, a, n).copy_(c.doc_index);
    all.bow_indptr.narrow(0, a + 1, n).copy_(c.bow_indptr.narrow(0, 1, n) + nnz);
    nnz += c.bow_indices.size(0);
    indices.push_back(c.bow_indices);
    counts.push_back(c.bow_counts);
    has_prompt_tokens = has_prompt_tokens && c.prompt_tokens.defined();
    has_next_token = has_next_token && c.next_token.defined();
    if (has_prompt_tokens) prompt_tokens.push_back(c.prompt_tokens);
    if (has_next_token) next_token.push_back(c.next_token);
  }
  all.bow_indices = torch::cat(indices);
  all.bow_counts = torch::cat(counts);
  if (has_prompt_tokens) all.prompt_tokens = torch::cat(prompt_tokens);
  if (has_next_token) all.next_token = torch::cat(next_token);
  return all;
}

}  // namespace ntm::labels
