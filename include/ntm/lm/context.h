#pragma once
// The context length of a checkpoint: the one place where ntm decides how many tokens a prompt
// may have (build-labels truncates or refuses longer prompts, see docs/corpus-and-config.md).
//
// Candidates, the smallest positive one applies:
//   - config.json `max_position_embeddings` (`n_positions` for GPT-2), as DecoderConfig holds it;
//     a GGUF file's `<arch>.context_length` is to be mapped onto the same field by its reader;
//   - tokenizer_config.json `model_max_length` (transformers' "no limit" sentinel 1e30 and
//     anything above kNoLimitAbove are ignored).
// Neither present: no limit (tokens = 0).
#include <cstdint>
#include <string>

#include "ntm/lm/config.h"

namespace ntm::lm {

struct ContextLength {
  int64_t tokens = 0;   // 0 = unknown / unlimited
  std::string source;   // "config.json max_position_embeddings", ... ("" when tokens = 0)
};

// Values of model_max_length above this mean "no limit" (transformers writes 1e30 then).
constexpr int64_t kNoLimitAbove = int64_t{1} << 40;

ContextLength context_length(const DecoderConfig& cfg, int64_t tokenizer_model_max_length);

}  // namespace ntm::lm
