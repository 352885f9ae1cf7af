#pragma once
// tokenizer_config.json (transformers), internal header.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace ntm::text {

struct TokenizerConfig {
  std::optional<std::string> bos_token, eos_token, pad_token, unk_token;
  std::optional<bool> add_bos_token, add_eos_token, legacy, add_prefix_space;
  int64_t model_max_length = 0;
  std::string tokenizer_class;
  // added_tokens_decoder: id -> (content, special)
  std::map<int32_t, std::pair<std::string, bool>> added_tokens;
};

// Reads path ("" or a missing file gives the defaults). Errors name the file and key.
TokenizerConfig read_tokenizer_config(const std::string& path);

}  // namespace ntm::text
