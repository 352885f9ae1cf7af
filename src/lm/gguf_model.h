#pragma once
// A GGUF file as a Hugging Face model: config.json equivalent from the metadata and the
// tensors under their HF names (gguf_model.cpp). Families: llama (also Mistral, SmolLM), qwen2,
// qwen3, phi3, gemma, gemma2, gpt2.
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "lm/tensor_source.h"
#include "ntm/io/gguf.h"

namespace ntm::lm {

// GGUF general.architecture values ntm runs.
const std::vector<std::string>& gguf_architectures();
// The config.json transformers would build for the file (model_type, sizes, rope, norms...).
// input_error naming the file and the key for an unknown architecture or a missing key.
nlohmann::json gguf_hf_config(const gguf::File& f);
// The file's tensors by HF name, dequantized to float32 and in HF layout.
std::unique_ptr<TensorSource> gguf_tensor_source(std::shared_ptr<const gguf::File> f);

}  // namespace ntm::lm
