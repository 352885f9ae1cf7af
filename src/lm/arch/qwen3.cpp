// Qwen3 (model_type "qwen3"): RMSNorm over head_dim on q and k (q_norm, k_norm) before RoPE,
// explicit head_dim (may differ from hidden / heads), attention_bias, Qwen2's sliding rules.
#include "lm/arch/arch.h"

namespace ntm::lm {
namespace {
void parse(const ConfigReader& r, DecoderConfig& c) {
  parse_llama_like(r, c, /*tie_default=*/false);
  c.qk_norm = true;
  c.qkv_bias = c.o_bias = r.opt_bool("attention_bias", false);
  int64_t window = r.opt_bool("use_sliding_window", false) ? r.opt_int("sliding_window", 0) : 0;
  int64_t first = r.opt_int("max_window_layers", 28);
  c.sliding_window = sliding_windows(r, c.num_layers, window, [first](int64_t i) { return i >= first; });
}
void load(WeightLoader& w, const DecoderConfig& c, DecoderWeights& out) { load_llama_style(w, c, out); }
}  // namespace

ArchAdapter qwen3_adapter() { return {"qwen3", parse, load}; }

}  // namespace ntm::lm
