// Gemma 1 (model_type "gemma"): RMSNorm with (1 + w) computed in fp32, embeddings scaled by
// sqrt(hidden) (the factor cast to the activation dtype), GeGLU with hidden_act, tied head.
// hidden_act is followed literally ("gelu" = exact erf GELU), as transformers >= 4.48 does.
#include "lm/arch/arch.h"

namespace ntm::lm {
namespace {
void parse(const ConfigReader& r, DecoderConfig& c) {
  parse_llama_like(r, c, /*tie_default=*/true);
  c.norm = NormKind::kRmsOnePlus;
  c.embed_scale = true;
  c.act = parse_act(r, "hidden_act", "gelu_pytorch_tanh");
  c.qkv_bias = c.o_bias = r.opt_bool("attention_bias", false);
  if (r.opt_bool("use_bidirectional_attention", false))
    r.fail("use_bidirectional_attention", "= true is not supported (causal LMs only)");
}
void load(WeightLoader& w, const DecoderConfig& c, DecoderWeights& out) { load_llama_style(w, c, out); }
}  // namespace

ArchAdapter gemma_adapter() { return {"gemma", parse, load}; }

}  // namespace ntm::lm
