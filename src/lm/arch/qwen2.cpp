// Qwen2 / Qwen2.5 (model_type "qwen2"): biases on q, k, v (not o); a sliding window only when
// use_sliding_window is true, on layers >= max_window_layers (or as layer_types says).
#include "lm/arch/arch.h"

namespace ntm::lm {
namespace {
void parse(const ConfigReader& r, DecoderConfig& c) {
  parse_llama_like(r, c, /*tie_default=*/false);
  c.qkv_bias = true;
  int64_t window = r.opt_bool("use_sliding_window", false) ? r.opt_int("sliding_window", 0) : 0;
  int64_t first = r.opt_int("max_window_layers", 28);
  c.sliding_window = sliding_windows(r, c.num_layers, window, [first](int64_t i) { return i >= first; });
}
void load(WeightLoader& w, const DecoderConfig& c, DecoderWeights& out) { load_llama_style(w, c, out); }
}  // namespace

ArchAdapter qwen2_adapter() { return {"qwen2", parse, load}; }

}  // namespace ntm::lm
