// GGUF -> Hugging Face: config from the metadata (gguf-notes §5), tensor names (§3), the llama
// Q/K un-permutation (§4), Gemma's norm offset and GPT-2's Conv1D layout.
#include "lm/gguf_model.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <map>

#include "ntm/error.h"

namespace ntm::lm {
namespace {

using nlohmann::json;

std::string list(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// How a GGUF tensor becomes its HF counterpart.
enum class Fix { kNone, kPermute, kMinusOne, kTranspose };
struct Mapped {
  std::string gguf_name;
  Fix fix = Fix::kNone;
  int64_t heads = 0;  // kPermute: heads whose rows are interleaved
};

// HF rows h*hd + d <- GGUF rows h*hd + 2*(d mod half) + d/half (notes §4.2); t: [R, ...] rows first.
at::Tensor unpermute(const at::Tensor& t, int64_t heads, const std::string& where, const std::string& name) {
  const int64_t rows = t.size(0);
  if (heads <= 0 || rows % (2 * heads) != 0)
    input_error(where, ": tensor '", name, "' has ", rows, " rows, not a multiple of 2 x ", heads,
                " heads (cannot undo the llama Q/K permutation)");
  std::vector<int64_t> view = {heads, rows / heads / 2, 2};
  for (int64_t d = 1; d < t.dim(); ++d) view.push_back(t.size(d));
  return t.reshape(view).transpose(1, 2).reshape(t.sizes()).contiguous();
}

class GgufSource : public TensorSource {
 public:
  explicit GgufSource(std::shared_ptr<const gguf::File> f) : f_(std::move(f)) {
    const std::string arch = f_->get_string("general.architecture");
    const bool llama = arch == "llama", gpt2 = arch == "gpt2", gemma = arch == "gemma" || arch == "gemma2";
    const int64_t n_head = static_cast<int64_t>(f_->get_u32(arch + ".attention.head_count"));
    const int64_t n_kv = static_cast<int64_t>(f_->get_u32(arch + ".attention.head_count_kv", n_head));
    static const std::map<std::string, std::string> llama_names = {
        {"attn_norm.weight", "input_layernorm.weight"},
        {"attn_q.weight", "self_attn.q_proj.weight"},
        {"attn_q.bias", "self_attn.q_proj.bias"},
        {"attn_k.weight", "self_attn.k_proj.weight"},
        {"attn_k.bias", "self_attn.k_proj.bias"},
        {"attn_v.weight", "self_attn.v_proj.weight"},
        {"attn_v.bias", "self_attn.v_proj.bias"},
        {"attn_output.weight", "self_attn.o_proj.weight"},
        {"attn_output.bias", "self_attn.o_proj.bias"},
        {"attn_qkv.weight", "self_attn.qkv_proj.weight"},
        {"attn_qkv.bias", "self_attn.qkv_proj.bias"},
        {"attn_q_norm.weight", "self_attn.q_norm.weight"},
        {"attn_k_norm.weight", "self_attn.k_norm.weight"},
        {"post_attention_norm.weight", "post_attention_layernorm.weight"},
        {"post_ffw_norm.weight", "post_feedforward_layernorm.weight"},
        {"ffn_gate.weight", "mlp.gate_proj.weight"},
        {"ffn_down.weight", "mlp.down_proj.weight"},
        {"ffn_up.weight", "mlp.up_proj.weight"},
    };
    static const std::map<std::string, std::string> gpt2_names = {
        {"attn_norm.weight", "ln_1.weight"},          {"attn_norm.bias", "ln_1.bias"},
        {"attn_qkv.weight", "attn.c_attn.weight"},    {"attn_qkv.bias", "attn.c_attn.bias"},
        {"attn_output.weight", "attn.c_proj.weight"}, {"attn_output.bias", "attn.c_proj.bias"},
        {"ffn_norm.weight", "ln_2.weight"},           {"ffn_norm.bias", "ln_2.bias"},
        {"ffn_up.weight", "mlp.c_fc.weight"},         {"ffn_up.bias", "mlp.c_fc.bias"},
        {"ffn_down.weight", "mlp.c_proj.weight"},     {"ffn_down.bias", "mlp.c_proj.bias"},
    };
    for (const auto& t : f_->tensors()) {
      const std::string& g = t.name;
      Mapped m{g};
      std::string hf;
      if (g.rfind("blk.", 0) == 0) {
        size_t dot = g.find('.', 4);
        if (dot == std::string::npos) continue;
        const std::string layer = g.substr(4, dot - 4), rest = g.substr(dot + 1);
        if (gpt2) {
          auto it = gpt2_names.find(rest);
          if (it != gpt2_names.end()) hf = "transformer.h." + layer + "." + it->second;
          if (rest.find("_norm") == std::string::npos && rest.size() > 7 &&
              rest.compare(rest.size() - 7, 7, ".weight") == 0)
            m.fix = Fix::kTranspose;
        } else {
          std::string r = rest;
          if (r == "ffn_norm.weight")
            r = arch == "gemma2" ? "pre_feedforward_layernorm.weight" : "post_attention_layernorm.weight";
          else if (r == "ffn_up.weight" && arch == "phi3")
            r = "mlp.gate_up_proj.weight";
          else {
            auto it = llama_names.find(r);
            r = it == llama_names.end() ? "" : it->second;
          }
          if (!r.empty()) hf = "model.layers." + layer + "." + r;
          if (llama && (rest == "attn_q.weight" || rest == "attn_q.bias"))
            m.fix = Fix::kPermute, m.heads = n_head;
          if (llama && (rest == "attn_k.weight" || rest == "attn_k.bias"))
            m.fix = Fix::kPermute, m.heads = n_kv;
        }
      } else if (g == "token_embd.weight") {
        hf = gpt2 ? "transformer.wte.weight" : "model.embed_tokens.weight";
      } else if (g == "position_embd.weight" && gpt2) {
        hf = "transformer.wpe.weight";
      } else if (g == "output_norm.weight") {
        hf = gpt2 ? "transformer.ln_f.weight" : "model.norm.weight";
      } else if (g == "output_norm.bias" && gpt2) {
        hf = "transformer.ln_f.bias";
      } else if (g == "output.weight") {
        hf = "lm_head.weight";
      }
      if (hf.empty()) {
        if (g != "rope_freqs.weight" && g.rfind("rope_factors", 0) != 0) skipped_.push_back(g);
        continue;
      }
      if (gemma && g.size() > 11 && g.compare(g.size() - 11, 11, "norm.weight") == 0) m.fix = Fix::kMinusOne;
      map_[hf] = m;
      names_.push_back(hf);
    }
    if (!skipped_.empty())
      spdlog::warn("{}: {} tensor(s) have no counterpart in a {} model and are ignored (first: '{}')",
                   f_->path(), skipped_.size(), arch, skipped_.front());
  }

  bool contains(const std::string& name) const override { return map_.count(name) > 0; }
  std::vector<int64_t> shape(const std::string& name) const override {
    std::vector<int64_t> s = info(name).shape();
    if (map_.at(name).fix == Fix::kTranspose && s.size() == 2) std::swap(s[0], s[1]);
    return s;
  }
  std::string dtype_name(const std::string& name) const override { return gguf::type_name(info(name).type); }
  bool weight_dtype_ok(const std::string& name) const override {
    return gguf::type_supported(info(name).type);
  }
  at::Tensor tensor(const std::string& name) const override {
    const Mapped& m = map_.at(name);
    at::Tensor t = f_->dequantize(info(name));  // float32, PyTorch shape
    switch (m.fix) {
      case Fix::kNone:
        return t;
      case Fix::kPermute:
        return unpermute(t, m.heads, f_->path(), m.gguf_name);
      case Fix::kMinusOne:
        return t - 1.0f;  // HF subtracts the converter's +1 (float32)
      case Fix::kTranspose:
        return t.dim() == 2 ? t.t().contiguous() : t;
    }
    return t;
  }
  void read_into(const std::string& name, at::Tensor& dst) const override {
    const Mapped& m = map_.at(name);
    const gguf::TensorInfo& ti = info(name);
    NTM_CHECK(dst.scalar_type() == at::kFloat && dst.is_contiguous() && dst.numel() == ti.numel(),
              "gguf read_into: destination for '", name, "' is not a contiguous float32 tensor of its size");
    float* out = dst.data_ptr<float>();
    switch (m.fix) {
      case Fix::kNone:
        f_->dequantize_into(ti, out);
        return;
      case Fix::kMinusOne:
        f_->dequantize_into(ti, out);
        dst.sub_(1.0f);  // as tensor(): HF subtracts the converter's +1 (float32)
        return;
      case Fix::kPermute: {
        // unpermute() fused with the dequantization: each HF row decoded from its stored row.
        QuantRows q;
        if (stored_rows(name, q)) {
          QuantMatrix({q}).dequantize_rows(0, q.rows, out);
          return;
        }
        break;
      }
      case Fix::kTranspose:
        break;
    }
    dst.copy_(tensor(name));
  }
  bool quant_rows(const std::string& name, QuantRows& out) const override {
    // F32 gains nothing from staying in the file (a dequantized tile is a copy of it).
    return info(name).type != 0 && stored_rows(name, out);
  }
  std::vector<std::string> names() const override { return names_; }
  const std::string& where() const override { return f_->path(); }

 private:
  const gguf::TensorInfo& info(const std::string& name) const { return f_->info(map_.at(name).gguf_name); }
  // The tensor's rows as stored, when HF rows map to whole stored rows of one supported type
  // (no fix, or the llama Q/K row permutation); false otherwise (1-D, transposed, +1 norms).
  bool stored_rows(const std::string& name, QuantRows& out) const {
    const Mapped& m = map_.at(name);
    const gguf::TensorInfo& ti = info(name);
    if (ti.ne.size() != 2 || !gguf::type_supported(ti.type)) return false;
    if (m.fix != Fix::kNone && m.fix != Fix::kPermute) return false;
    const int64_t cols = ti.ne[0], rows = ti.ne[1];
    if (cols <= 0 || rows <= 0 || cols % gguf::block_elems(ti.type) != 0) return false;
    if (m.fix == Fix::kPermute && (m.heads <= 0 || rows % (2 * m.heads) != 0)) return false;
    out.data = f_->bytes(ti);
    out.type = ti.type;
    out.rows = rows;
    out.cols = cols;
    out.permute_heads = m.fix == Fix::kPermute ? m.heads : 0;
    out.owner = f_;
    return true;
  }
  std::shared_ptr<const gguf::File> f_;
  std::map<std::string, Mapped> map_;
  std::vector<std::string> names_, skipped_;
};

}  // namespace

const std::vector<std::string>& gguf_architectures() {
  static const std::vector<std::string> a = {"llama", "qwen2", "qwen3", "phi3", "gemma", "gemma2", "gpt2"};
  return a;
}

json gguf_hf_config(const gguf::File& f) {
  const std::string arch = f.get_string("general.architecture");
  bool known = false;
  for (const auto& a : gguf_architectures()) known = known || a == arch;
  if (!known)
    input_error(f.path(), ": metadata key 'general.architecture' = '", arch,
                "' is not supported (supported: ", list(gguf_architectures()), ")");
  if (f.has("split.count") && f.get_u32("split.count") > 1)
    input_error(f.path(),
                ": metadata key 'split.count': split GGUF files are not supported (merge them with "
                "llama-gguf-split --merge)");
  const std::string p = arch + ".";
  const gguf::TensorInfo* embd = f.find("token_embd.weight");
  if (!embd || embd->ne.size() != 2)
    input_error(f.path(), ": no 2-D tensor 'token_embd.weight' (the token embedding)");
  const int64_t vocab = embd->ne[1];
  const bool tied = !f.contains("output.weight");
  const int64_t hidden = f.get_i64(p + "embedding_length"), layers = f.get_i64(p + "block_count");
  const int64_t heads = f.get_i64(p + "attention.head_count");
  json c;
  if (arch == "gpt2") {
    c = {{"model_type", "gpt2"},
         {"vocab_size", vocab},
         {"n_embd", hidden},
         {"n_layer", layers},
         {"n_head", heads},
         {"n_positions", f.get_i64(p + "context_length")},
         {"n_inner", f.get_i64(p + "feed_forward_length", 4 * hidden)},
         {"layer_norm_epsilon", f.get_f64(p + "attention.layer_norm_epsilon", 1e-5)},
         {"activation_function", "gelu_new"},
         {"tie_word_embeddings", tied}};
    return c;
  }
  c = {{"model_type", arch},
       {"vocab_size", vocab},
       {"hidden_size", hidden},
       {"num_hidden_layers", layers},
       {"num_attention_heads", heads},
       {"num_key_value_heads", f.get_i64(p + "attention.head_count_kv", heads)},
       {"intermediate_size", f.get_i64(p + "feed_forward_length")},
       {"max_position_embeddings", f.get_i64(p + "context_length", 0)},
       {"rms_norm_eps", f.get_f64(p + "attention.layer_norm_rms_epsilon", 1e-6)},
       {"rope_theta", f.get_f64(p + "rope.freq_base", 10000.0)},
       {"tie_word_embeddings", tied}};
  if (heads <= 0) f.fail(p + "attention.head_count", "must be positive");
  const int64_t head_dim = f.get_i64(p + "attention.key_length", hidden / heads);
  c["head_dim"] = head_dim;
  if (arch == "phi3") {
    int64_t rot = f.get_i64(p + "rope.dimension_count", head_dim);
    c["partial_rotary_factor"] = static_cast<double>(rot) / static_cast<double>(head_dim);
    if (f.has(p + "attention.sliding_window"))
      c["sliding_window"] = f.get_i64(p + "attention.sliding_window");
  }
  if (arch == "gemma" || arch == "gemma2") c["hidden_act"] = "gelu_pytorch_tanh";
  if (arch == "gemma2") {
    // llama.cpp: scale 1/sqrt(key_length), except Gemma-2 27B (46 layers): 1/sqrt(hidden / heads).
    c["query_pre_attn_scalar"] = layers == 46 ? hidden / heads : head_dim;
    c["attn_logit_softcapping"] = f.get_f64(p + "attn_logit_softcapping", 50.0);
    c["final_logit_softcapping"] = f.get_f64(p + "final_logit_softcapping", 30.0);
    c["sliding_window"] = f.get_i64(p + "attention.sliding_window", 4096);
  }
  if (arch == "qwen2") c["use_sliding_window"] = false;
  std::string scaling = f.get_string(p + "rope.scaling.type", "none");
  if (scaling == "linear") {
    c["rope_scaling"] = {{"rope_type", "linear"}, {"factor", f.get_f64(p + "rope.scaling.factor")}};
  } else if (scaling != "none") {
    spdlog::warn("{}: rope scaling '{}' is ignored (as transformers does for GGUF files)", f.path(), scaling);
  }
  return c;
}

std::unique_ptr<TensorSource> gguf_tensor_source(std::shared_ptr<const gguf::File> f) {
  return std::make_unique<GgufSource>(std::move(f));
}

}  // namespace ntm::lm
