#pragma once
// `ntm build-labels`: corpus + causal LM -> label store (soft labels, hidden states, BoW).
//
// For every document (in corpus order) the prompt of method-spec §3.1 is rendered and tokenised
// with the checkpoint's tokenizer (BOS where the tokenizer adds it); the LM runs once; the logits
// at the last prompt token are kept for each vocabulary word's mapped token (§3.3) together with
// the last-layer hidden state there. Documents are length-sorted inside each chunk into
// token-budget batches; outputs are always written in corpus order.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "ntm/data/corpus.h"

namespace ntm {

struct BuildLabelsOptions : CorpusOptions {  // format, columns, quoting, bad rows, byte limit
  std::string corpus;                 // corpus file (.tsv/.jsonl/.txt)
  std::string model;                  // Hugging Face checkpoint folder (config.json, safetensors, tokenizer)
  std::string out;                    // label store directory
  std::string vocab;                  // vocab.json to use; empty = build one from the corpus
  int64_t vocab_size = 2000;          // words in a vocabulary built from the corpus
  std::string prompt = "default";     // default | variant1..variant5 | template file
  int64_t batch_tokens = 8192;        // max padded tokens per LM batch
  int64_t max_tokens = 0;             // truncate the document part so prompts fit (0 = no truncation, as the reference)
  std::string on_long_prompt = "truncate";  // a prompt longer than the model's context: truncate | error
  std::string dtype = "auto";         // auto | float32 | bfloat16 | float16
  std::string gguf_weights = "quantized";  // GGUF: quantized (kept in blocks, CPU fp32) | float (see lm::LoadOptions)
  std::string hidden_dtype = "float32";  // float32 | bfloat16 (storage of hidden states)
  std::string layers = "last";        // last | all | comma-separated layer indices (0 = embeddings)
  std::string shard;                  // "i/n": process the i-th of n contiguous corpus slices
  bool resume = false;                // continue an interrupted run in --out
  int64_t chunk_size = 4096;          // documents per label-store chunk
  bool prefix_cache = true;           // run the prompts' shared head (BOS + instruction + "Document:") once

  void validate() const;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(BuildLabelsOptions, corpus, model, out, vocab, vocab_size, prompt,
                                                batch_tokens, max_tokens, on_long_prompt, dtype, gguf_weights, hidden_dtype, layers, shard, resume,
                                                chunk_size, prefix_cache, format, text_column, label_column, quoting,
                                                on_bad_row, max_doc_bytes)

struct BuildLabelsReport {
  int64_t num_docs = 0;        // documents written by this run (this shard)
  int64_t tokens = 0;          // prompt tokens run through the LM
  int64_t truncated = 0;       // prompts shortened to --max-tokens or the model's context
  double seconds = 0;
};

// device: "auto|cpu|cuda[:N]" as resolved by the caller.
BuildLabelsReport build_labels(const BuildLabelsOptions& opts, const std::string& device);

// `ntm merge-labels --out DIR SHARD...` options as configuration (the shards are positional).
struct MergeLabelsOptions {
  std::string out;  // merged label store directory
  void validate() const;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(MergeLabelsOptions, out)

// `ntm merge-labels --out DIR SHARD...`: concatenates shard stores (same model, prompt, vocab).
void merge_label_stores(const std::vector<std::string>& shards, const std::string& out);

}  // namespace ntm
