#pragma once
// `ntm lm-run`: token-id sequences in (JSONL, one JSON array per line), last-token logits and
// hidden states out (safetensors), in input order.
#include <c10/core/Device.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ntm::lm {

struct LmRunOptions {
  std::string model;           // Hugging Face checkpoint folder
  std::string input;           // JSONL: one JSON array of token ids per line
  std::string out;             // output .safetensors
  std::string dtype = "auto";  // auto | float32 | bfloat16 | float16
  std::string gguf_weights = "quantized";  // GGUF: quantized | float (see LoadOptions)
  std::string layers = "last"; // last | all (adds all_layers_last_hidden [L+1, N, H])
  int64_t batch_tokens = 0;    // padded tokens (B x T_max) per forward batch; 0 = 4096 on CPU, 32768 on CUDA
  void validate() const;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LmRunOptions, model, input, out, dtype, gguf_weights, layers, batch_tokens)

// Reads a JSONL file of token-id arrays. Blank lines are skipped; anything else that is not a
// non-empty array of non-negative integers is an input_error naming the file and line.
std::vector<std::vector<int64_t>> read_token_lines(const std::string& path);

// Loads the model, runs every sequence and writes <out> atomically with tensors last_logits
// [N, V_lm], last_hidden [N, H] (+ all_layers_last_hidden [L+1, N, H]) as float32.
void lm_run(const LmRunOptions& opts, c10::Device device);

}  // namespace ntm::lm
