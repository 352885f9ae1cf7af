#pragma once
// CausalLM: a Hugging Face causal-LM checkpoint folder (or a GGUF file) loaded for batched prefill.
//
//   auto lm = ntm::lm::CausalLM::load("path/to/model", {"auto", device});
//   auto out = lm->run({{1, 2, 3}, {4, 5}}, {});   // out.last_logits [2, V_lm]
//
// Every sequence is run as if alone (also when it continues from a shared PrefixCache): positions start at 0 for each sequence, batches are
// right-padded internally (a real token never sees a pad under the causal mask), and the final
// norm and LM head are applied only at each sequence's last real token.
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ntm/lm/config.h"

namespace ntm::lm {

// Keys and values of a token prefix that many sequences share (CausalLM::prefix_cache).
struct PrefixCache;

struct LoadOptions {
  std::string dtype = "auto";  // auto | float32 | bfloat16 | float16 (auto: bf16 on CUDA, fp32 on CPU)
  c10::Device device = c10::Device(c10::kCPU);
  // GGUF files only. "quantized": the quantized projection and embedding matrices stay in the
  // file's blocks and are dequantized a tile at a time inside each matmul (float32 on the CPU;
  // the model then needs about the file's size of memory). "float": everything is dequantized
  // to the compute dtype at load (always the case on CUDA and for other dtypes).
  std::string gguf_weights = "quantized";
};

// The values LoadOptions::gguf_weights takes; usage_error naming `flag` otherwise.
void check_gguf_weights(const std::string& value, const std::string& flag);

struct ForwardOptions {
  bool all_layers = false;         // also return every layer's hidden state at the last token
  std::vector<int64_t> token_ids;  // non-empty: logits only for these vocabulary ids
  bool argmax = false;             // also return the argmax over the FULL vocabulary (computed on the device)
  std::vector<int64_t> layers;     // with all_layers, run() keeps only these of the L+1 (empty: all)
  // run(): called after each batch; returning false abandons the run (ForwardResult::stopped).
  std::function<bool()> after_batch;
  // Non-null: each sequence runs only from its longest common token prefix with the cached ids
  // (at most n - 1 tokens, so its last token is always computed), attending to the cached keys
  // and values at positions 0..p-1. Same results as without, up to floating-point rounding.
  std::shared_ptr<const PrefixCache> prefix;
};

struct ForwardResult {
  at::Tensor last_logits;             // [B, V_lm] (or [B, token_ids.size()]) float32, CPU
  at::Tensor last_hidden;             // [B, H] float32, CPU; after the final norm (HF hidden_states[-1])
  at::Tensor all_layers_last_hidden;  // [L+1, B, H] float32, CPU (embeddings first); undefined unless asked
  at::Tensor argmax;                  // [B] int64, CPU: argmax of the full-vocabulary logits; undefined unless asked
  bool stopped = false;               // run(): after_batch asked to stop; the tensors are incomplete
};

class CausalLM {
 public:
  // Loads config.json + weights (model.safetensors.index.json + shards, or model.safetensors).
  // input_error naming the file / tensor / key on any problem.
  static std::unique_ptr<CausalLM> load(const std::string& dir, const LoadOptions& opts);
  ~CausalLM();

  // One forward pass over a batch of sequences of any lengths (each >= 1 token).
  ForwardResult forward(const std::vector<std::vector<int64_t>>& seqs, const ForwardOptions& opts) const;
  // Sorts by length, cuts batches of at most batch_tokens padded tokens (B x T_max), runs them
  // and returns the results in input order: the one LM batcher (lm-run and build-labels use it).
  // all_layers_last_hidden is then [S, N, H] with S = opts.layers.size() (or L+1). A device
  // out-of-memory error is an input error naming --batch-tokens.
  ForwardResult run(const std::vector<std::vector<int64_t>>& seqs, const ForwardOptions& opts,
                    int64_t batch_tokens = 8192) const;

  // Runs `ids` once and keeps every layer's keys and values for ForwardOptions::prefix. Null
  // where a cached prefix cannot be continued exactly: RoPE types whose frequencies depend on
  // the whole sequence's length (dynamic, longrope). Only ids matter, never text: a sequence
  // that shares just the first p ids reuses just those p.
  std::shared_ptr<const PrefixCache> prefix_cache(const std::vector<int64_t>& ids) const;
  // Number of token ids held by a prefix cache (0 for null).
  static int64_t prefix_length(const std::shared_ptr<const PrefixCache>& prefix);

  const DecoderConfig& config() const;
  c10::ScalarType dtype() const;
  c10::Device device() const;
  const std::string& dir() const;
  // True when some matrices stayed in their GGUF blocks (LoadOptions::gguf_weights).
  bool keeps_quantized_weights() const;

  struct Impl;

 private:
  explicit CausalLM(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// True when `model` names a GGUF file (llama.cpp / Ollama format) rather than a checkpoint
// folder; CausalLM::load and load_decoder_config accept both.
bool is_gguf_model(const std::string& model);

// "auto" | "float32" | "bfloat16" | "float16" -> scalar type for the device (usage_error otherwise).
c10::ScalarType resolve_dtype(const std::string& name, c10::Device device);

}  // namespace ntm::lm
