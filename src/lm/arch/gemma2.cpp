// Gemma 2 (model_type "gemma2"): Gemma's norms and embedding scale plus sandwich norms
// (post-attention, pre/post-feedforward), attention-score and final-logit soft-capping,
// scale query_pre_attn_scalar^-0.5, sliding window on even layers (or as layer_types says).
#include <cmath>

#include "lm/arch/arch.h"

namespace ntm::lm {
namespace {
void parse(const ConfigReader& r, DecoderConfig& c) {
  parse_llama_like(r, c, /*tie_default=*/true);
  c.norm = NormKind::kRmsOnePlus;
  c.embed_scale = true;
  c.sandwich_norms = true;
  c.act = parse_act(r, r.has("hidden_activation") ? "hidden_activation" : "hidden_act", "gelu_pytorch_tanh");
  c.qkv_bias = c.o_bias = r.opt_bool("attention_bias", false);
  c.attn_scale = 1.0 / std::sqrt(r.opt_num("query_pre_attn_scalar", 256.0));
  // null disables a cap; a missing key takes Gemma2Config's default.
  c.attn_softcap = r.json().contains("attn_logit_softcapping") ? r.opt_num("attn_logit_softcapping", 0.0) : 50.0;
  c.final_softcap = r.json().contains("final_logit_softcapping") ? r.opt_num("final_logit_softcapping", 0.0) : 30.0;
  int64_t window = r.json().contains("sliding_window") ? r.opt_int("sliding_window", 0) : 4096;
  c.sliding_window = sliding_windows(r, c.num_layers, window, [](int64_t i) { return i % 2 == 0; });
  if (r.opt_bool("use_bidirectional_attention", false))
    r.fail("use_bidirectional_attention", "= true is not supported (causal LMs only)");
}
void load(WeightLoader& w, const DecoderConfig& c, DecoderWeights& out) { load_llama_style(w, c, out); }
}  // namespace

ArchAdapter gemma2_adapter() { return {"gemma2", parse, load}; }

}  // namespace ntm::lm
