#pragma once
// Decoder weights and the loader that fills them from a checkpoint (internal to src/lm).
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "lm/quant_matrix.h"
#include "lm/tensor_source.h"
#include "ntm/lm/config.h"

namespace ntm::lm {

struct LayerWeights {
  at::Tensor attn_norm_w, attn_norm_b;  // input_layernorm / ln_1
  Weight qkv_w;                         // [(nH + 2 nKV) hd, H], rows q | k | v (fused at load)
  at::Tensor qkv_b;
  Weight o_w;                           // [H, nH hd]
  at::Tensor o_b;
  at::Tensor q_norm_w, k_norm_w;        // [hd] (Qwen3)
  at::Tensor post_attn_norm_w;          // Gemma2 sandwich norm on the attention output
  at::Tensor mlp_norm_w, mlp_norm_b;    // post_attention_layernorm / ln_2 / pre_feedforward_layernorm
  at::Tensor post_mlp_norm_w;           // Gemma2 post_feedforward_layernorm
  Weight up_w;                          // gated: [2I, H] rows gate | up; else [I, H]
  at::Tensor up_b;
  Weight down_w;                        // [H, I]
  at::Tensor down_b;
};

struct DecoderWeights {
  Weight embed;          // [V_lm, H]
  at::Tensor pos_embed;  // [P, H] (learned positions only)
  std::vector<LayerWeights> layers;
  at::Tensor final_norm_w, final_norm_b;
  Weight lm_head;        // [V_lm, H] (the embedding when tied)
};

// Reads tensors from a checkpoint folder or a GGUF file (see tensor_source.h), checks their shapes, converts them once to the model's dtype
// and device (new tensors: the mapped file memory is never written) and records which tensors
// were used.
class WeightLoader {
 public:
  // keep_quantized: matrices of quantized GGUF tensors stay in their blocks (float32 on the CPU
  // only; elsewhere, and for every other source, they are dequantized / converted at load).
  WeightLoader(const std::string& dir, const DecoderConfig& cfg, c10::ScalarType dtype, c10::Device device,
               bool keep_quantized = false);

  bool has(const std::string& name) const { return src_->contains(name); }
  // The tensor with the expected shape, converted to the model dtype (or `dtype` when given).
  at::Tensor get(const std::string& name, const std::vector<int64_t>& shape);
  at::Tensor get(const std::string& name, const std::vector<int64_t>& shape, c10::ScalarType dtype);
  // The tensors concatenated along dim 0 (fused q | k | v, gate | up), converted. For float32 on
  // the CPU each part is written straight into its rows of the fused buffer (no second copy).
  at::Tensor get_cat(const std::vector<std::pair<std::string, std::vector<int64_t>>>& parts);
  // A projection matrix: kept quantized when the loader keeps quantized weights and the source
  // can (see QuantMatrix), otherwise get() / get_cat().
  Weight matrix(const std::string& name, const std::vector<int64_t>& shape);
  Weight matrix_cat(const std::vector<std::pair<std::string, std::vector<int64_t>>>& parts);
  // Matrices kept quantized so far, and their bytes.
  int64_t quantized_matrices() const { return quantized_; }
  int64_t quantized_bytes() const { return quantized_bytes_; }
  // Raw checked tensor (CPU, stored dtype) for adapters that transform before converting.
  at::Tensor raw(const std::string& name, const std::vector<int64_t>& shape);
  // The checks of raw() (present, shape, dtype) without reading the tensor; marks it used.
  void check(const std::string& name, const std::vector<int64_t>& shape);
  at::Tensor convert(const at::Tensor& t) const;  // to model dtype + device
  at::Tensor convert(const at::Tensor& t, c10::ScalarType dtype) const;

  // Norm weight in the layout the norm kind wants (Gemma: 1 + w in fp32).
  at::Tensor norm_weight(const std::string& name, int64_t size);
  // First prefix among `candidates` under which `probe` exists ("" allowed); error otherwise.
  std::string find_prefix(const std::vector<std::string>& candidates, const std::string& probe) const;

  std::vector<std::string> unused() const;
  const std::string& dir() const { return dir_; }
  const DecoderConfig& cfg() const { return cfg_; }
  c10::ScalarType dtype() const { return dtype_; }

 private:
  std::string dir_;
  std::unique_ptr<TensorSource> src_;
  const DecoderConfig& cfg_;
  c10::ScalarType dtype_;
  c10::Device device_;
  std::set<std::string> used_;
  bool keep_quantized_ = false;
  int64_t quantized_ = 0, quantized_bytes_ = 0;
  bool direct() const;  // float32 on the CPU: weights can be written into their final buffers
};

// The common layout of Llama-derived checkpoints (model.embed_tokens, model.layers.{i}.self_attn.
// {q,k,v,o}_proj, mlp.{gate,up,down}_proj, model.norm, lm_head), with the optional pieces the
// config switches on (biases, q/k norms, Gemma2 sandwich norms). Phi-3's fused tensors are
// read when `fused` is true.
void load_llama_style(WeightLoader& w, const DecoderConfig& cfg, DecoderWeights& out, bool fused = false);
// lm_head.weight, or the embedding when tied / absent.
Weight load_lm_head(WeightLoader& w, const DecoderConfig& cfg, const Weight& embed, const std::string& name);

std::string shape_str(const std::vector<int64_t>& s);

}  // namespace ntm::lm
