// GPT-2 (model_type "gpt2"): LayerNorm, learned absolute positions (wpe), Conv1D weights stored
// [in, out] (transposed here once, at load), fused c_attn (q | k | v), fc -> gelu_new -> proj,
// tied head. Tensor names with or without the "transformer." prefix.
#include <cmath>

#include "lm/arch/arch.h"

namespace ntm::lm {
namespace {
void parse(const ConfigReader& r, DecoderConfig& c) {
  c.vocab_size = r.req_int("vocab_size");
  c.hidden_size = r.req_int("n_embd");
  c.num_layers = r.req_int("n_layer");
  c.num_heads = r.req_int("n_head");
  c.num_kv_heads = c.num_heads;
  if (c.num_heads <= 0 || c.hidden_size % c.num_heads != 0) r.fail("n_head", "must divide n_embd");
  c.head_dim = c.hidden_size / c.num_heads;
  c.intermediate_size = r.opt_int("n_inner", 4 * c.hidden_size);
  c.max_position_embeddings = r.req_int("n_positions");
  c.norm_eps = r.opt_num("layer_norm_epsilon", 1e-5);
  c.norm = NormKind::kLayerNorm;
  c.pos = PosKind::kLearned;
  c.act = parse_act(r, "activation_function", "gelu_new");
  c.gated_mlp = false;
  c.qkv_bias = c.o_bias = c.mlp_bias = true;
  c.attn_scale = r.opt_bool("scale_attn_weights", true) ? 1.0 / std::sqrt(static_cast<double>(c.head_dim)) : 1.0;
  c.attn_scale_by_layer = r.opt_bool("scale_attn_by_inverse_layer_idx", false);
  c.tie_word_embeddings = r.opt_bool("tie_word_embeddings", true);
  c.sliding_window.assign(static_cast<size_t>(std::max<int64_t>(c.num_layers, 0)), 0);
}

// Conv1D stores [in, out]; the decoder wants nn.Linear's [out, in].
at::Tensor conv1d(WeightLoader& w, const std::string& name, int64_t in, int64_t out) {
  return w.convert(w.raw(name, {in, out}).t());
}

void load(WeightLoader& w, const DecoderConfig& c, DecoderWeights& out) {
  const int64_t H = c.hidden_size, I = c.intermediate_size;
  const std::string p = w.find_prefix({"transformer.", ""}, "wte.weight");
  out.embed = w.matrix(p + "wte.weight", {c.vocab_size, H});
  out.pos_embed = w.get(p + "wpe.weight", {c.max_position_embeddings, H});
  out.layers.resize(static_cast<size_t>(c.num_layers));
  for (int64_t i = 0; i < c.num_layers; ++i) {
    const std::string b = p + "h." + std::to_string(i) + ".";
    LayerWeights& L = out.layers[static_cast<size_t>(i)];
    L.attn_norm_w = w.get(b + "ln_1.weight", {H});
    L.attn_norm_b = w.get(b + "ln_1.bias", {H});
    L.qkv_w = conv1d(w, b + "attn.c_attn.weight", H, 3 * H);
    L.qkv_b = w.get(b + "attn.c_attn.bias", {3 * H});
    L.o_w = conv1d(w, b + "attn.c_proj.weight", H, H);
    L.o_b = w.get(b + "attn.c_proj.bias", {H});
    L.mlp_norm_w = w.get(b + "ln_2.weight", {H});
    L.mlp_norm_b = w.get(b + "ln_2.bias", {H});
    L.up_w = conv1d(w, b + "mlp.c_fc.weight", H, I);
    L.up_b = w.get(b + "mlp.c_fc.bias", {I});
    L.down_w = conv1d(w, b + "mlp.c_proj.weight", I, H);
    L.down_b = w.get(b + "mlp.c_proj.bias", {H});
  }
  out.final_norm_w = w.get(p + "ln_f.weight", {H});
  out.final_norm_b = w.get(p + "ln_f.bias", {H});
  out.lm_head = load_lm_head(w, c, out.embed, "lm_head.weight");
}
}  // namespace

ArchAdapter gpt2_adapter() { return {"gpt2", parse, load}; }

}  // namespace ntm::lm
