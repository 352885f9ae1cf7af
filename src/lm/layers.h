#pragma once
// Norms, activations and projections of the generic decoder (internal to src/lm).
#include <ATen/core/Tensor.h>

#include <vector>

#include "lm/quant_matrix.h"
#include "ntm/lm/config.h"

namespace ntm::lm {

// Norm over the last dimension in the flavour the config names; w (and b) as WeightLoader
// prepared them (Gemma: 1 + w in fp32).
at::Tensor norm(const DecoderConfig& cfg, const at::Tensor& x, const at::Tensor& w, const at::Tensor& b = {});
at::Tensor activation(Act act, const at::Tensor& x);
// x [N, in] -> x W^T + b [N, out]; W dense or kept quantized (QuantMatrix).
at::Tensor linear(const at::Tensor& x, const Weight& w, const at::Tensor& b = {});

// Attention over packed sequences (rows of q/k/v are the tokens of sequence 0, then 1, ...).
struct PackedBatch {
  std::vector<int64_t> lengths, offsets;
  int64_t max_len = 0;
  at::Tensor slot;  // [N] long: row of each token in the right-padded [B * max_len] layout
  // With a cached prefix: sequence b's rows are its tokens p_b..p_b+lengths[b]-1, and its keys
  // 0..p_b-1 are the first p_b rows of the cached prefix keys/values. Empty: no prefix.
  std::vector<int64_t> prefix_lengths;
  at::Tensor prefix_lengths_t;  // [B] long on the device (defined when a prefix is used)
};

// q [N, nH, hd], k and v [N, nKV, hd] -> [N, nH * hd]. Causal, optionally a sliding window
// (window > 0: key j visible from query i when i - j < window) and soft-capping of the scores.
// pk / pv [P, nKV, hd]: the cached prefix keys/values (undefined without a prefix).
at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& pk,
                     const at::Tensor& pv, const PackedBatch& batch, double scale, int64_t window, double softcap);

}  // namespace ntm::lm
