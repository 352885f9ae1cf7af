// WeightLoader: checked, converted tensors from a checkpoint; the Llama-style layout.
#include "lm/weights.h"

#include <spdlog/spdlog.h>
#include <sys/mman.h>
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

namespace {

// A new float32 CPU weight buffer. Buffers of 2 MiB and more are mapped with transparent huge
// pages (madvise) where the kernel offers them: loading writes every weight once, and first-touch
// faults on 4 KiB pages were most of the time of a GGUF load (docs/gguf.md, "Speed").
at::Tensor empty_weight(const std::vector<int64_t>& shape) {
  int64_t numel = 1;
  for (auto d : shape) numel *= d;
  const size_t bytes = static_cast<size_t>(numel) * sizeof(float);
  constexpr size_t kHuge = size_t(2) << 20, kPage = 4096;
#ifdef MADV_HUGEPAGE
  if (bytes >= kHuge) {
    const size_t len = (bytes + kPage - 1) / kPage * kPage;
    void* base = ::mmap(nullptr, len + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base != MAP_FAILED) {
      // Keep the 2 MiB-aligned part (huge pages need aligned ranges); unmap the slack around it.
      auto* b = static_cast<char*>(base);
      char* p = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(b) + kHuge - 1) & ~(kHuge - 1));
      if (p > b) ::munmap(b, static_cast<size_t>(p - b));
      if (b + len + kHuge > p + len) ::munmap(p + len, static_cast<size_t>(b + len + kHuge - (p + len)));
      ::madvise(p, len, MADV_HUGEPAGE);  // advice only: without THP the pages are 4 KiB
      return torch::from_blob(
          p, shape, [len](void* q) { ::munmap(q, len); }, torch::kFloat);
    }
  }
#endif
  return torch::empty(shape, torch::kFloat);
}

}  // namespace

WeightLoader::WeightLoader(const std::string& dir, const DecoderConfig& cfg, c10::ScalarType dtype, c10::Device device,
                           bool keep_quantized)
    : dir_(dir),
      src_(open_tensor_source(dir)),
      cfg_(cfg),
      dtype_(dtype),
      device_(device),
      keep_quantized_(keep_quantized) {}

void WeightLoader::check(const std::string& name, const std::vector<int64_t>& shape) {
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
}

at::Tensor WeightLoader::raw(const std::string& name, const std::vector<int64_t>& shape) {
  check(name, shape);
  return src_->tensor(name);
}

bool WeightLoader::direct() const {
  return dtype_ == at::kFloat && device_.is_cpu();
}

at::Tensor WeightLoader::convert(const at::Tensor& t) const { return convert(t, dtype_); }

at::Tensor WeightLoader::convert(const at::Tensor& t, c10::ScalarType dtype) const {
  // .to() returns the mapped view itself when nothing changes (zero-copy, never written);
  // otherwise a new tensor. contiguous() keeps matmuls on the fast path.
  return t.to(device_, dtype).contiguous();
}

at::Tensor WeightLoader::get(const std::string& name, const std::vector<int64_t>& shape) {
  if (direct() && !src_->views_file()) {  // decoded straight into its final buffer
    check(name, shape);
    at::Tensor t = empty_weight(shape);
    src_->read_into(name, t);
    return t;
  }
  return convert(raw(name, shape));
}

at::Tensor WeightLoader::get_cat(const std::vector<std::pair<std::string, std::vector<int64_t>>>& parts) {
  if (!direct()) {
    std::vector<at::Tensor> ts;
    for (const auto& [name, shape] : parts) ts.push_back(raw(name, shape));
    return convert(at::cat(ts));
  }
  int64_t rows = 0;
  for (const auto& [name, shape] : parts) {
    check(name, shape);
    rows += shape.at(0);
  }
  std::vector<int64_t> shape = parts.at(0).second;
  shape[0] = rows;
  at::Tensor out = empty_weight(shape);
  rows = 0;
  for (const auto& [name, part_shape] : parts) {
    at::Tensor slice = out.narrow(0, rows, part_shape[0]);  // contiguous: a row range
    src_->read_into(name, slice);
    rows += part_shape[0];
  }
  return out;
}

Weight WeightLoader::matrix(const std::string& name, const std::vector<int64_t>& shape) {
  return matrix_cat({{name, shape}});
}

Weight WeightLoader::matrix_cat(const std::vector<std::pair<std::string, std::vector<int64_t>>>& parts) {
  std::vector<QuantRows> rows;
  if (keep_quantized_ && direct()) {
    for (const auto& [name, shape] : parts) {
      check(name, shape);
      QuantRows q;
      if (!src_->quant_rows(name, q)) break;
      rows.push_back(std::move(q));
    }
  }
  if (rows.size() != parts.size())  // not every part can stay quantized: dense
    return parts.size() == 1 ? get(parts[0].first, parts[0].second) : get_cat(parts);
  Weight w;
  w.quant = std::make_shared<const QuantMatrix>(std::move(rows));
  ++quantized_;
  quantized_bytes_ += w.quant->bytes();
  return w;
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

Weight load_lm_head(WeightLoader& w, const DecoderConfig& cfg, const Weight& embed, const std::string& name) {
  if (cfg.tie_word_embeddings) {
    if (w.has(name)) w.check(name, {cfg.vocab_size, cfg.hidden_size});  // tied: HF ignores it too
    return embed;
  }
  if (!w.has(name)) {
    spdlog::warn("{}: no '{}' although tie_word_embeddings is false; using the input embedding (tied)", w.dir(),
                 name);
    return embed;
  }
  return w.matrix(name, {cfg.vocab_size, cfg.hidden_size});
}

void load_llama_style(WeightLoader& w, const DecoderConfig& c, DecoderWeights& out, bool fused) {
  const int64_t H = c.hidden_size, hd = c.head_dim, nq = c.num_heads * hd, nkv = c.num_kv_heads * hd;
  const int64_t I = c.intermediate_size;
  out.embed = w.matrix("model.embed_tokens.weight", {c.vocab_size, H});
  out.layers.resize(static_cast<size_t>(c.num_layers));
  for (int64_t i = 0; i < c.num_layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    LayerWeights& L = out.layers[static_cast<size_t>(i)];
    L.attn_norm_w = w.norm_weight(p + "input_layernorm.weight", H);
    const std::string a = p + "self_attn.";
    if (fused) {
      L.qkv_w = w.matrix(a + "qkv_proj.weight", {nq + 2 * nkv, H});
    } else {
      L.qkv_w = w.matrix_cat(
          {{a + "q_proj.weight", {nq, H}}, {a + "k_proj.weight", {nkv, H}}, {a + "v_proj.weight", {nkv, H}}});
    }
    if (c.qkv_bias) {
      L.qkv_b =
          fused ? w.get(a + "qkv_proj.bias", {nq + 2 * nkv})
                : w.get_cat(
                      {{a + "q_proj.bias", {nq}}, {a + "k_proj.bias", {nkv}}, {a + "v_proj.bias", {nkv}}});
    }
    L.o_w = w.matrix(a + "o_proj.weight", {H, nq});
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
      L.up_w = w.matrix(m + "gate_up_proj.weight", {2 * I, H});
    } else {
      L.up_w = w.matrix_cat({{m + "gate_proj.weight", {I, H}}, {m + "up_proj.weight", {I, H}}});
    }
    L.down_w = w.matrix(m + "down_proj.weight", {H, I});
    if (c.mlp_bias) {
      L.up_b = fused ? w.get(m + "gate_up_proj.bias", {2 * I})
                     : w.get_cat({{m + "gate_proj.bias", {I}}, {m + "up_proj.bias", {I}}});
      L.down_b = w.get(m + "down_proj.bias", {H});
    }
  }
  out.final_norm_w = w.norm_weight("model.norm.weight", H);
  out.lm_head = load_lm_head(w, c, out.embed, "lm_head.weight");
}

}  // namespace ntm::lm
