#include "ntm/lm/context.h"

namespace ntm::lm {

ContextLength context_length(const DecoderConfig& cfg, int64_t tokenizer_model_max_length) {
  ContextLength c;
  auto consider = [&](int64_t tokens, const char* source) {
    if (tokens <= 0 || tokens > kNoLimitAbove) return;
    if (c.tokens == 0 || tokens < c.tokens) c = {tokens, source};
  };
  consider(cfg.max_position_embeddings,
           cfg.model_type == "gpt2" ? "config.json n_positions" : "config.json max_position_embeddings");
  consider(tokenizer_model_max_length, "tokenizer model_max_length");
  return c;
}

}  // namespace ntm::lm
