#pragma once
// The label store: the contract between `ntm build-labels` and `ntm train`.
//
// A directory holding
//   meta.json                 format "ntm-label-store", format_version, ntm_version, vocab (words),
//                             vocab_hash, lm identity, prompt, hidden dtype/size, counts, label names,
//                             chunk list with per-chunk sha256 and document ranges
//   chunk-00000.safetensors   documents [0, n0) in corpus order
//   chunk-00001.safetensors   ...
// Every chunk holds, for its n documents (D = corpus rows, V = vocabulary, H = LM hidden size):
//   soft_labels  [n, V] F32   raw LM logits of the vocabulary words at the last prompt token
//   hidden       [n, H] F32 or BF16   last-layer hidden state there (after the final norm)
//   bow_indptr   [n+1]  I64   CSR row pointers (relative to this chunk)
//   bow_indices  [nnz]  I32   vocabulary indices
//   bow_counts   [nnz]  F32   counts
//   labels       [n]    I64   gold class index into meta.json "label_names" (-1 = none)
//   doc_index    [n]    I64   0-based corpus row
//   prompt_tokens [n]   I32   (optional) number of LM tokens in the rendered prompt
//   next_token   [n]    I64   (optional) argmax LM token id at the last position
//   layer_hidden [n, S, H] F32 or BF16   (only when meta.json "layers" is non-empty: build-labels
//                      --layers all|LIST) hidden states of the S listed layers at the last prompt
//                      token, in the order of "layers" (0 = embeddings, L = last layer after the
//                      final norm, as HF's hidden_states)
// A Python user reads a chunk with safetensors.torch.load_file(path).
// Optionally (ntm build-labels writes it):
//   word_embeddings.safetensors  word_embeddings [V, E] F32: the LM's input-embedding rows, mean over
//                                each vocabulary word's tokens (encoded as for the soft labels);
//                                listed in meta.json "word_embeddings" {file, sha256, bytes, shape, source}
//
// Rules every chunk obeys (the writer refuses, the reader rejects anything else):
//   n >= 1; chunks cover corpus rows 0..D-1 in order (doc_index = first_doc + 0..n-1);
//   soft_labels, hidden and layer_hidden are finite; bow_indptr[0] = 0, non-decreasing, bow_indptr[n] = nnz;
//   within a row bow_indices are strictly increasing and in [0, V); bow_counts finite and >= 0;
//   -1 <= labels < len(label_names).
// Files are written atomically: chunk-NNNNN.safetensors first, then meta.json listing it (with
// its sha256 and byte size). A crash leaves meta.json with "complete": false and the chunks
// written so far; LabelStoreWriter(dir, meta, /*resume=*/true) verifies them and continues.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ntm::labels {

inline constexpr const char* kLabelStoreFormat = "ntm-label-store";

struct Chunk {
  at::Tensor soft_labels;    // [n, V] float32
  at::Tensor hidden;         // [n, H] float32 | bfloat16
  at::Tensor bow_indptr;     // [n+1] int64
  at::Tensor bow_indices;    // [nnz] int32
  at::Tensor bow_counts;     // [nnz] float32
  at::Tensor labels;         // [n] int64
  at::Tensor doc_index;      // [n] int64
  at::Tensor prompt_tokens;  // [n] int32, optional (undefined when absent)
  at::Tensor next_token;     // [n] int64, optional
  at::Tensor layer_hidden;   // [n, S, H] float32 | bfloat16, present iff meta.layers is non-empty
  int64_t size() const { return doc_index.defined() ? doc_index.size(0) : 0; }
};

struct StoreMeta {
  std::vector<std::string> vocab;        // V words, in index order
  std::string vocab_hash;                // ntm::vocab_hash(vocab)
  std::vector<std::string> label_names;  // class names; labels index into this
  int64_t hidden_size = 0;               // H
  std::string hidden_dtype = "float32";  // float32 | bfloat16
  std::vector<int64_t> layers;           // S layer indices stored in layer_hidden (empty: none)
  nlohmann::json lm = nlohmann::json::object();      // LM identity: path, model_type, config sha256, dtype, ...
  nlohmann::json prompt = nlohmann::json::object();  // template name/text, tokenizer identity, ...
  nlohmann::json corpus = nlohmann::json::object();  // corpus path, sha256, columns
  nlohmann::json extra = nlohmann::json::object();   // anything else (config of the producing command)
  nlohmann::json config = nlohmann::json::object();  // resolved config of the producing command
  // null, or {"file": "word_embeddings.safetensors", "sha256", "bytes", "shape": [V, E], "source"}
  nlohmann::json word_embeddings = nullptr;
  int64_t num_docs = 0;                  // filled in by the writer / reader
  bool complete = false;                 // filled in by the writer / reader
  int64_t vocab_size() const { return static_cast<int64_t>(vocab.size()); }
};

// meta.json extra.truncated_docs: prompts build-labels cut to the model's context or --max-tokens
// (0 when absent; input_error naming the store when it is not a non-negative integer).
int64_t truncated_docs(const StoreMeta& meta, const std::string& dir);

// One entry of meta.json "chunks".
struct ChunkEntry {
  std::string file;       // "chunk-00003.safetensors" (always this name for entry 3)
  int64_t first_doc = 0;  // corpus row of its first document
  int64_t num_docs = 0;   // n
  std::string sha256;     // of the whole file
  uint64_t bytes = 0;     // file size
};

// Checks a chunk against the store's meta (see the rules above). `where` names the chunk in
// messages; first_doc is the corpus row its first document must have; expected_n the number of
// documents it must hold (-1: any n >= 1). input_error naming the tensor / corpus row otherwise.
void check_chunk(const Chunk& chunk, const StoreMeta& meta, int64_t first_doc, int64_t expected_n,
                 const std::string& where);

class LabelStoreWriter {
 public:
  // Creates (or, with resume, reopens) the store directory. Chunks are committed atomically
  // and recorded in meta.json as they complete.
  LabelStoreWriter(const std::string& dir, StoreMeta meta, bool resume = false);
  // Number of documents already committed (for --resume).
  int64_t committed_docs() const;
  // Checks the chunk (check_chunk), writes chunk-NNNNN.safetensors, then updates meta.json.
  // Tensors may live on any device; hidden in F32/BF16/F16 is stored in meta.hidden_dtype and
  // soft_labels in BF16/F16 are widened to F32. Other dtypes must match exactly.
  void append(const Chunk& chunk);
  void finish();                    // marks the store complete (no-op when it already is)
  // Label names may grow while the corpus streams by (existing names keep their indices).
  void set_label_names(const std::vector<std::string>& names);
  // Sets meta.json extra[key]; written with the next chunk (or finish()). Not while an append()
  // runs on another thread.
  void set_extra(const std::string& key, const nlohmann::json& value);
  const StoreMeta& meta() const;
  bool complete() const;
  size_t num_chunks() const;
  // Writes word_embeddings.safetensors ([V, E] float32, finite) atomically and lists it in
  // meta.json with its sha256; `source` describes where the rows come from.
  void set_word_embeddings(const at::Tensor& embeddings, const nlohmann::json& source);
 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// The large per-document columns a reader copies out (the BoW, labels and document index always).
// A skipped column is still checked (shape, dtype, finite values) but left undefined in the result,
// so a BoW-only model does not hold the [D, V] soft labels in memory.
struct ReadColumns {
  bool soft_labels = true;
  bool hidden = true;  // hidden and layer_hidden
};

class LabelStoreReader {
 public:
  // Opens and checks meta.json (format, version, completeness). input_error explains problems.
  // allow_incomplete: open a store whose writer has not finished (for inspection only).
  explicit LabelStoreReader(const std::string& dir, bool allow_incomplete = false);
  const StoreMeta& meta() const;
  const std::string& dir() const;
  size_t num_chunks() const;
  const std::vector<ChunkEntry>& chunks() const;
  // Verifies the chunk's size, sha256, tensors, shapes, dtypes and values (check_chunk). The
  // returned tensors own their memory (hidden keeps its stored dtype).
  Chunk read_chunk(size_t i, ReadColumns columns = {}) const;
  Chunk read_all(ReadColumns columns = {}) const;  // concatenation of all chunks (soft_labels/hidden as float32)
  // The store's word_embeddings.safetensors [V, E] float32 (sha256, shape and values checked);
  // undefined when the store has none.
  bool has_word_embeddings() const;
  at::Tensor read_word_embeddings() const;
 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// The CSR BoW of a chunk (or of read_all()) as a dense matrix: [n, V] float32.
at::Tensor bow_to_dense(const Chunk& chunk, int64_t vocab_size);

// For consumers (train, eval): input_error unless the store was built with the vocabulary whose
// hash is `vocab_hash`, e.g. "labels/: labels were built with vocab 3f2a01bc…; this run uses
// 91c0d2e4… — re-run `ntm build-labels --vocab vocab.json --out labels/`".
void require_vocab(const StoreMeta& meta, const std::string& store_dir, const std::string& vocab_hash,
                   const std::string& vocab_path);

// Full validation (`ntm check-labels DIR`): every chunk's checksum, shapes, finite values, CSR
// consistency, doc_index contiguity. Returns a human-readable summary; input_error on the first problem.
std::string validate_label_store(const std::string& dir);

}  // namespace ntm::labels
