#pragma once
// Rotary position embeddings: inverse frequencies for every supported rope_type, cos/sin
// tables per sequence, and their application to packed q / k (internal to src/lm).
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <utility>
#include <vector>

#include "ntm/lm/config.h"

namespace ntm::lm {

class Rope {
 public:
  Rope(const DecoderConfig& cfg, c10::Device device);

  // cos and sin [sum(lengths), rotary_dim / 2] (fp32, attention scaling applied) for packed
  // sequences whose positions run 0..n-1 each. Types that depend on the sequence length
  // (dynamic, longrope) use each sequence's own length, so results never depend on batching.
  std::pair<at::Tensor, at::Tensor> cos_sin(const std::vector<int64_t>& lengths, const at::Tensor& positions);

  // x [N, heads, head_dim] -> rotated copy (same dtype). cos/sin rows match x's rows.
  at::Tensor apply(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) const;

  // inv_freq [rotary_dim / 2] fp32 and the attention scaling for a sequence of length seq_len.
  std::pair<at::Tensor, double> inv_freq(int64_t seq_len) const;

  // dynamic / longrope: frequencies depend on the sequence length (no prefix reuse).
  bool length_dependent() const;

 private:
  const DecoderConfig& cfg_;
  c10::Device device_;
  int64_t dim_;
  at::Tensor cos_table_, sin_table_;  // [P, dim / 2] for length-independent types
};

}  // namespace ntm::lm
