// ERNIE-4.5 dense (model_type "ernie4_5"): Llama blocks, use_bias on every projection,
// interleaved (GLM-style) RoPE computed in fp32, tied head by default.
#include "lm/arch/arch.h"

namespace ntm::lm {
namespace {
void parse(const ConfigReader& r, DecoderConfig& c) {
  parse_llama_like(r, c, /*tie_default=*/true);
  c.norm_eps = r.opt_num("rms_norm_eps", 1e-5);
  c.pos = PosKind::kRopeInterleaved;
  c.qkv_bias = c.o_bias = c.mlp_bias = r.opt_bool("use_bias", false);
}
void load(WeightLoader& w, const DecoderConfig& c, DecoderWeights& out) { load_llama_style(w, c, out); }
}  // namespace

ArchAdapter ernie4_5_adapter() { return {"ernie4_5", parse, load}; }

}  // namespace ntm::lm
