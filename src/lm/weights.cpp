// WeightLoader: checked, converted tensors from a checkpoint; the Llama-style layout.
#include "lm/weights.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <sstream>

#include "ntm/error.h"
#include "ntm/io/gguf.h"

namespace ntm::lm {

std::string shape_str(const std::vector<int64_t>& s) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < s.size(); ++i) os << (i ? ", " : "") << s[i];
  os << "]";
  return os.str();
}

WeightLoader::WeightLoader(const std::string& dir, const DecoderConfig& cfg, c10::ScalarType dtype, c10::Device device)
    : dir_(dir), src_(open_tensor_source(dir)), cfg_(cfg), dtype_(dtype), device_(device) {}

at::Tensor WeightLoader::raw(const std::string& name, const std::vector<int64_t>& shape) {
  if (!src_->contains(name))
    input_error(dir_, ": missing tensor '", name, "' (expected shape ", shape_str(shape), " for model_type ",
                cfg_.model_type, ")");
  const std::vector<int64_t> have = src_->shape(name);
  if (have != shape)
    input_error(dir_, ": tensor '", name, "' has shape ", shape_str(have), ", expected ", shape_str(shape),
                is_gguf_model(dir_) ? " (from the GGUF metadata)" : " (from config.json)");
  if (!src_->weight_dtype_ok(name))
    input_error(dir_, ": tensor '", name, "' has dtype ", src_->dtype_name(name),
                is_gguf_model(dir_) ? "; ntm dequantizes " : "; model weights must be ",
                is_gguf_model(dir_) ? gguf::supported_type_names() : std::string("F32, BF16 or F16"));
  used_.insert(name);
  return src_->tensor(name);
}

at::Tensor WeightLoader::convert(const at::Tensor& t) const { return convert(t, dtype_); }

at::Tensor WeightLoader::convert(const at::Tensor& t, c10::ScalarType dtype) const {
  // .to() returns the mapped view itself when nothing changes (zero-copy, never written);
  // otherwise a new tensor. contiguous() keeps matmuls on the fast path.
  return t.to(device_, dtype).contiguous();
}

at::Tensor WeightLoader::get(const std::string& name, const std::vector<int64_t>& shape) {
  return convert(raw(name, shape));
}

at::Tensor WeightLoader::get(const std::string& name, const std::vector<int64_t>& shape, c10::ScalarType dtype) {
  return convert(raw(name, shape), dtype);
}

at::Tensor WeightLoader::norm_weight(const std::string& name, int64_t size) {
  if (cfg_.norm == NormKind::kRmsOnePlus)  // Gemma: x32 * (1 + w32), precomputed once in fp32
    return convert(raw(name, {size}).to(at::kFloat) + 1.0, at::kFloat);
  return get(name, {size});
}

std::string WeightLoader::find_prefix(const std::vector<std::string>& candidates, const std::string& probe) const {
  for (const auto& p : candidates)
    if (src_->contains(p + probe)) return p;
  std::string tried;
  for (const auto& p : candidates) tried += (tried.empty() ? "'" : ", '") + p + probe + "'";
  input_error(dir_, ": missing tensor ", tried, " (not a ", cfg_.model_type, " checkpoint?)");
}

std::vector<std::string> WeightLoader::unused() const {
  std::vector<std::string> out;
  for (const auto& n : src_->names())
    if (!used_.count(n)) out.push_back(n);
  return out;
}

at::Tensor load_lm_head(WeightLoader& w, const DecoderConfig& cfg, const at::Tensor& embed, const std::string& name) {
  if (cfg.tie_word_embeddings) {
    if (w.has(name)) w.raw(name, {cfg.vocab_size, cfg.hidden_size});  // tied: HF ignores it too
    return embed;
  }
  if (!w.has(name)) {
    spdlog::warn("{}: no '{}' although tie_word_embeddings is false; using the input embedding (tied)", w.dir(),
                 name);
    return embed;
  }
  return w.get(name, {cfg.vocab_size, cfg.hidden_size});
}

void load_llama_style(WeightLoader& w, const DecoderConfig& c, DecoderWeights& out, bool fused) {
  const int64_t H = c.hidden_size, hd = c.head_dim, nq = c.num_heads * hd, nkv = c.num_kv_heads * hd;
  const int64_t I = c.intermediate_size;
  out.embed = w.get("model.embed_tokens.weight", {c.vocab_size, H});
  out.layers.resize(static_cast<size_t>(c.num_layers));
  for (int64_t i = 0; i < c.num_layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    LayerWeights& L = out.layers[static_cast<size_t>(i)];
    L.attn_norm_w = w.norm_weight(p + "input_layernorm.weight", H);
    const std::string a = p + "self_attn.";
    if (fused) {
      L.qkv_w = w.get(a + "qkv_proj.weight", {nq + 2 * nkv, H});
    } else {
      L.qkv_w = w.convert(at::cat({w.raw(a + "q_proj.weight", {nq, H}), w.raw(a + "k_proj.weight", {nkv, H}),
                                   w.raw(a + "v_proj.weight", {nkv, H})}));
    }
    if (c.qkv_bias) {
      L.qkv_b = fused ? w.get(a + "qkv_proj.bias", {nq + 2 * nkv})
                      : w.convert(at::cat({w.raw(a + "q_proj.bias", {nq}), w.raw(a + "k_proj.bias", {nkv}),
                                           w.raw(a + "v_proj.bias", {nkv})}));
    }
    L.o_w = w.get(a + "o_proj.weight", {H, nq});
    if (c.o_bias) L.o_b = w.get(a + "o_proj.bias", {H});
    if (c.qk_norm) {
      L.q_norm_w = w.norm_weight(a + "q_norm.weight", hd);
      L.k_norm_w = w.norm_weight(a + "k_norm.weight", hd);
    }
    if (c.sandwich_norms) {
      L.post_attn_norm_w = w.norm_weight(p + "post_attention_layernorm.weight", H);
      L.mlp_norm_w = w.norm_weight(p + "pre_feedforward_layernorm.weight", H);
      L.post_mlp_norm_w = w.norm_weight(p + "post_feedforward_layernorm.weight", H);
    } else {
      L.mlp_norm_w = w.norm_weight(p + "post_attention_layernorm.weight", H);
    }
    const std::string m = p + "mlp.";
    if (fused) {
      L.up_w = w.get(m + "gate_up_proj.weight", {2 * I, H});
    } else {
      L.up_w = w.convert(at::cat({w.raw(m + "gate_proj.weight", {I, H}), w.raw(m + "up_proj.weight", {I, H})}));
    }
    L.down_w = w.get(m + "down_proj.weight", {H, I});
    if (c.mlp_bias) {
      L.up_b = fused ? w.get(m + "gate_up_proj.bias", {2 * I})
                     : w.convert(at::cat({w.raw(m + "gate_proj.bias", {I}), w.raw(m + "up_proj.bias", {I})}));
      L.down_b = w.get(m + "down_proj.bias", {H});
    }
  }
  out.final_norm_w = w.norm_weight("model.norm.weight", H);
  out.lm_head = load_lm_head(w, c, out.embed, "lm_head.weight");
}

}  // namespace ntm::lm
