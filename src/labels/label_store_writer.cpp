// LabelStoreWriter: chunk files written atomically, meta.json rewritten after each, resumable.
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <filesystem>

#include "ntm/data/vocab.h"
#include "ntm/error.h"
#include "ntm/io/safetensors.h"
#include "ntm/labels/label_store.h"
#include "ntm/util/artifact.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "ntm/util/hash.h"
#include "ntm/util/output.h"
#include "ntm/version.h"
#include "store_meta.h"

namespace ntm::labels {

struct LabelStoreWriter::Impl {
  std::string dir;
  StoreMeta meta;
  std::vector<ChunkEntry> chunks;
  OutputLock lock;  // held while this writer lives (no second writer on the directory)

  void save_meta() { write_store_meta(dir, meta, chunks); }
  void start_fresh();
  void reopen(const json& stored);
};

namespace {

void check_new_meta(StoreMeta& m, const std::string& dir) {
  if (m.vocab.empty()) usage_error(dir, ": cannot write a label store with an empty vocabulary (V = 0)");
  std::string h = vocab_hash(m.vocab);
  if (!m.vocab_hash.empty() && m.vocab_hash != h)
    internal_error("label store ", dir, ": vocab_hash ", m.vocab_hash, " does not match the words (", h, ")");
  m.vocab_hash = h;
  if (m.hidden_size < 1) internal_error("label store ", dir, ": hidden_size must be >= 1");
  if (m.hidden_dtype != "float32" && m.hidden_dtype != "bfloat16")
    internal_error("label store ", dir, ": hidden_dtype must be float32 or bfloat16, not ", m.hidden_dtype);
  for (const json* j : {&m.lm, &m.prompt, &m.corpus, &m.extra, &m.config})
    NTM_CHECK(j->is_object(), "label store meta fields must be JSON objects");
}

bool is_prefix(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return a.size() <= b.size() && std::equal(a.begin(), a.end(), b.begin());
}

void require_same(const json& stored, const json& now, const char* key, const std::string& dir) {
  const std::string d = first_difference(stored, now);
  if (d.empty()) return;
  const std::string path = d == "(value)" ? std::string(key) : std::string(key) + "." + d;
  input_error(dir, ": cannot resume: ", describe_difference(json{{key, stored}}, json{{key, now}}, path, "the store"),
              "; use the inputs the store was built from, or a new --out directory");
}

// lm / corpus / prompt are compared by content (their sha256), not by where they lay, so a moved
// corpus or `model/` for `model` still resumes.
void require_same_identity(const json& stored, const json& now, const char* key, const std::string& dir) {
  const std::string d = identity_difference(stored, now);
  if (d.empty()) return;
  input_error(dir, ": cannot resume: the store was built with another ", key, ": ",
              describe_difference(json{{key, stored}}, json{{key, now}}, std::string(key) + "." + d, "the store"),
              " — use the same ", key, " the store was built from, or a new --out directory");
}

bool is_float(const at::Tensor& t) {
  auto k = t.scalar_type();
  return k == c10::kFloat || k == c10::kBFloat16 || k == c10::kHalf;
}

// A CPU, contiguous copy (a no-op for CPU tensors) with the float tensors in the store's dtypes.
Chunk normalized(const Chunk& c, const StoreMeta& m) {
  auto cpu = [](const at::Tensor& t) { return t.defined() ? t.to(torch::kCPU).contiguous() : t; };
  Chunk r;
  r.soft_labels = cpu(c.soft_labels);
  r.hidden = cpu(c.hidden);
  r.bow_indptr = cpu(c.bow_indptr);
  r.bow_indices = cpu(c.bow_indices);
  r.bow_counts = cpu(c.bow_counts);
  r.labels = cpu(c.labels);
  r.doc_index = cpu(c.doc_index);
  r.prompt_tokens = cpu(c.prompt_tokens);
  r.next_token = cpu(c.next_token);
  r.layer_hidden = cpu(c.layer_hidden);
  if (r.soft_labels.defined() && is_float(r.soft_labels)) r.soft_labels = r.soft_labels.to(torch::kFloat);
  const auto hidden_type = m.hidden_dtype == "bfloat16" ? torch::kBFloat16 : torch::kFloat;
  if (r.hidden.defined() && is_float(r.hidden)) r.hidden = r.hidden.to(hidden_type);
  if (r.layer_hidden.defined() && is_float(r.layer_hidden)) r.layer_hidden = r.layer_hidden.to(hidden_type);
  return r;
}

}  // namespace

void LabelStoreWriter::Impl::start_fresh() {
  meta.num_docs = 0;
  meta.complete = false;
  chunks.clear();
  remove_stale_files(dir, 0);
  save_meta();
}

void LabelStoreWriter::Impl::reopen(const json& j) {
  StoreMeta old;
  std::vector<ChunkEntry> old_chunks;
  parse_store_meta(j, dir, old, old_chunks);
  if (old.vocab_hash != meta.vocab_hash)
    input_error(dir, ": cannot resume: the store was built with vocab ", short_hash(old.vocab_hash),
                "; this run uses ", short_hash(meta.vocab_hash),
                " — pass the vocabulary the store was built from, or choose a new --out directory");
  require_same(old.hidden_size, meta.hidden_size, "hidden_size", dir);
  require_same(old.hidden_dtype, meta.hidden_dtype, "hidden_dtype", dir);
  require_same(old.layers, meta.layers, "layers", dir);
  require_same_identity(old.lm, meta.lm, "lm", dir);
  require_same(prompt_identity(old.prompt), prompt_identity(meta.prompt), "prompt", dir);
  require_same_identity(old.corpus, meta.corpus, "corpus", dir);
  if (is_prefix(meta.label_names, old.label_names)) {
    meta.label_names = old.label_names;
  } else if (!is_prefix(old.label_names, meta.label_names)) {
    require_same(old.label_names, meta.label_names, "label_names", dir);
  }
  // Keep the chunks that are intact; an unreadable one and everything after it are redone.
  chunks.clear();
  meta.num_docs = 0;
  for (const auto& c : old_chunks) {
    std::string path = path_join(dir, c.file);
    std::string problem;
    std::error_code ec;
    if (!path_exists(path)) {
      problem = "is missing";
    } else if (std::filesystem::file_size(path, ec) != c.bytes) {
      problem = "has the wrong size";
    } else if (sha256_file(path) != c.sha256) {
      problem = "fails its sha256 check";
    }
    if (!problem.empty()) {
      spdlog::warn("{}: {} {}; it and the {} chunk(s) after it will be rebuilt", dir, c.file, problem,
                   old_chunks.size() - chunks.size() - 1);
      break;
    }
    chunks.push_back(c);
    meta.num_docs += c.num_docs;
  }
  if (old.complete && chunks.size() == old_chunks.size()) {
    // A complete, intact store built from the same inputs is left exactly as it is, meta.json
    // included (this run's options, e.g. --resume itself, are not written over the original ones).
    const int64_t done = meta.num_docs;
    meta = old;
    meta.num_docs = done;
    spdlog::info("{}: the label store is complete: {} documents in {} chunk(s)", dir, done, chunks.size());
    return;
  }
  meta.complete = false;
  // build-labels' count of truncated prompts covers the earlier runs too (a chunk rebuilt after
  // damage is counted again).
  if (old.extra.contains("truncated_docs")) meta.extra["truncated_docs"] = old.extra["truncated_docs"];
  remove_stale_files(dir, chunks.size());
  save_meta();
  spdlog::info("{}: resuming label store: {} documents in {} chunk(s) already done", dir, meta.num_docs, chunks.size());
}

LabelStoreWriter::LabelStoreWriter(const std::string& dir, StoreMeta meta, bool resume)
    : impl_(std::make_shared<Impl>()) {
  impl_->dir = dir;
  check_new_meta(meta, dir);
  impl_->meta = std::move(meta);
  const bool exists = path_exists(path_join(dir, "meta.json"));
  const bool complete = exists && output_dir_format(dir) == kLabelStoreFormat &&
                        json_get_or<bool>(load_json_file(path_join(dir, "meta.json")), "complete", false,
                                          path_join(dir, "meta.json"));
  impl_->lock = claim_output_dir(dir, kLabelStoreFormat, resume,
                                 std::string("it is ") + (complete ? "complete" : "incomplete") +
                                     "; pass --resume to continue it, or remove it / choose a new --out directory");
  if (exists) {
    impl_->reopen(read_meta(dir, kLabelStoreFormat, kLabelStoreFormatVersion));
    return;
  }
  if (resume) spdlog::info("{}: nothing to resume; starting a new label store", dir);
  impl_->start_fresh();
}

int64_t LabelStoreWriter::committed_docs() const { return impl_->meta.num_docs; }
const StoreMeta& LabelStoreWriter::meta() const { return impl_->meta; }
bool LabelStoreWriter::complete() const { return impl_->meta.complete; }
size_t LabelStoreWriter::num_chunks() const { return impl_->chunks.size(); }

void LabelStoreWriter::set_label_names(const std::vector<std::string>& names) {
  if (!is_prefix(impl_->meta.label_names, names))
    internal_error(impl_->dir, ": label names may only grow (existing names keep their indices)");
  impl_->meta.label_names = names;
}

void LabelStoreWriter::set_extra(const std::string& key, const json& value) { impl_->meta.extra[key] = value; }

void LabelStoreWriter::append(const Chunk& chunk_in) {
  Impl& s = *impl_;
  const Chunk chunk = normalized(chunk_in, s.meta);
  if (s.meta.complete) internal_error(s.dir, ": append() after the store was completed");
  const size_t index = s.chunks.size();
  const std::string file = chunk_file_name(index);
  check_chunk(chunk, s.meta, s.meta.num_docs, -1, "label store " + s.dir + ": new " + file);

  std::vector<std::pair<std::string, at::Tensor>> tensors = {
      {"soft_labels", chunk.soft_labels}, {"hidden", chunk.hidden},        {"bow_indptr", chunk.bow_indptr},
      {"bow_indices", chunk.bow_indices}, {"bow_counts", chunk.bow_counts}, {"labels", chunk.labels},
      {"doc_index", chunk.doc_index}};
  if (chunk.prompt_tokens.defined()) tensors.push_back({"prompt_tokens", chunk.prompt_tokens});
  if (chunk.next_token.defined()) tensors.push_back({"next_token", chunk.next_token});
  if (chunk.layer_hidden.defined()) tensors.push_back({"layer_hidden", chunk.layer_hidden});
  const int64_t n = chunk.size();
  std::vector<std::pair<std::string, std::string>> md = {{"format", "ntm-label-store-chunk"},
                                                          {"first_doc", std::to_string(s.meta.num_docs)},
                                                          {"num_docs", std::to_string(n)},
                                                          {"vocab_hash", s.meta.vocab_hash}};
  std::string bytes = st::serialize(tensors, md);
  ChunkEntry e{file, s.meta.num_docs, n, sha256_hex(bytes), bytes.size()};
  write_file_atomic(path_join(s.dir, file), bytes);
  bytes.clear();
  bytes.shrink_to_fit();
  s.chunks.push_back(e);
  s.meta.num_docs += n;
  s.save_meta();
  spdlog::debug("{}: wrote {} (documents {}..{})", s.dir, file, e.first_doc, e.first_doc + n - 1);
}

void LabelStoreWriter::set_word_embeddings(const at::Tensor& embeddings, const json& source) {
  Impl& s = *impl_;
  auto e = embeddings.detach().to(torch::kCPU, torch::kFloat32).contiguous();  // [V, E]
  if (e.dim() != 2 || e.size(0) != s.meta.vocab_size() || e.size(1) < 1)
    internal_error(s.dir, ": word embeddings must be [V = ", s.meta.vocab_size(), ", E], got ", e.sizes());
  if (!torch::isfinite(e).all().item<bool>()) input_error(s.dir, ": the word embeddings hold NaN or Inf values");
  std::string bytes = st::serialize({{"word_embeddings", e}},
                                    {{"format", "ntm-word-embeddings"}, {"vocab_hash", s.meta.vocab_hash}});
  write_file_atomic(path_join(s.dir, kWordEmbeddingsFile), bytes);
  s.meta.word_embeddings = {{"file", kWordEmbeddingsFile},
                            {"sha256", sha256_hex(bytes)},
                            {"bytes", bytes.size()},
                            {"shape", {e.size(0), e.size(1)}},
                            {"source", source}};
  s.save_meta();
}

void LabelStoreWriter::finish() {
  Impl& s = *impl_;
  if (s.meta.complete) return;
  if (s.meta.num_docs == 0) input_error(s.dir, ": no documents were written; a label store needs at least one");
  s.meta.complete = true;
  s.save_meta();
  spdlog::info("{}: label store complete: {} documents in {} chunk(s)", s.dir, s.meta.num_docs, s.chunks.size());
}

}  // namespace ntm::labels
