// Phi-3 (model_type "phi3"): fused qkv_proj (rows q | k | v) and gate_up_proj (rows gate | up),
// partial_rotary_factor, longrope scaling ("su" / "yarn" in older configs mean longrope here,
// as in transformers' Phi3Config), sliding_window on every layer.
#include "lm/arch/arch.h"

namespace ntm::lm {
namespace {
void parse(const ConfigReader& r, DecoderConfig& c) {
  parse_llama_like(r, c, /*tie_default=*/false);
  // Phi3Config renames scaling types su / yarn to longrope before the rope code sees them.
  if (c.rope.type == "yarn") c.rope.type = "longrope";
  if (c.rope.type == "longrope" && (c.rope.long_factor.empty() || c.rope.short_factor.empty()))
    input_error(r.where(), ": rope scaling longrope needs 'long_factor' and 'short_factor'");
  int64_t window = r.opt_int("sliding_window", 0);
  c.sliding_window = sliding_windows(r, c.num_layers, window, [](int64_t) { return true; });
}
void load(WeightLoader& w, const DecoderConfig& c, DecoderWeights& out) { load_llama_style(w, c, out, /*fused=*/true); }
}  // namespace

ArchAdapter phi3_adapter() { return {"phi3", parse, load}; }

}  // namespace ntm::lm
