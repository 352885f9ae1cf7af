// Causal self-attention over packed sequences.
//
// Two paths:
//  * SDPA (libtorch >= 2.5 on CUDA, no soft-capping): the packed rows are scattered into a
//    right-padded [B, heads, T, hd] layout and at::scaled_dot_product_attention runs with
//    is_causal=true and NO mask tensor (a real query never sees a pad key when padding is on the
//    right), which lets it pick the Flash kernel. GQA uses enable_gqa (half types) instead of
//    materialising repeated K/V. A sliding window shorter than T needs a band
//    mask [T, T] (broadcast, never [B, heads, T, T]).
//  * Manual (libtorch < 2.5, CPU, soft-capping): per sequence, with no padding at all, in blocks of
//    query rows that only multiply against the keys they can see (causal: keys < block end;
//    window: keys >= block start - window + 1). GQA by grouping the rep query heads of one KV
//    head into one matmul. Scores in the activation dtype, softmax in fp32, as HF eager.
// With a cached prefix (CausalLM::prefix_cache) each sequence's queries also see the first p_b
// cached keys: the manual path concatenates them per sequence, SDPA takes an explicit mask.
#include <torch/torch.h>
#include <torch/version.h>

#include <cstdlib>
#include <limits>

#include "lm/layers.h"

// One version switch, so that each side is compiled by one of the two builds (docs/building.md):
// Debian's libtorch 1.13 compiles the manual path only, the torch wheel (2.15) both. libtorch
// 2.1-2.4 has SDPA without enable_gqa; it uses the manual path too.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 5)
#define NTM_LM_HAVE_SDPA 1
#endif

namespace ntm::lm {

namespace {

// Query rows per block so that one block's scores stay around 16M elements.
int64_t query_block(int64_t heads, int64_t n) {
  int64_t rows = (int64_t(1) << 24) / std::max<int64_t>(1, heads * n);
  return std::max<int64_t>(16, std::min<int64_t>(rows, n));
}

at::Tensor attention_manual(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& pk,
                            const at::Tensor& pv, const PackedBatch& batch, double scale, int64_t window,
                            double softcap) {
  const int64_t N = q.size(0), nH = q.size(1), hd = q.size(2), nKV = k.size(1), rep = nH / nKV;
  auto out = at::empty({N, nH, hd}, q.options());
  const auto idx = at::TensorOptions().dtype(at::kLong).device(q.device());
  for (size_t b = 0; b < batch.lengths.size(); ++b) {
    const int64_t off = batch.offsets[b], n = batch.lengths[b];
    // p cached prefix keys come first; query row i sits at position p + i.
    const int64_t p = batch.prefix_lengths.empty() ? 0 : batch.prefix_lengths[b], nk = p + n;
    at::Tensor kb = k.narrow(0, off, n), vb0 = v.narrow(0, off, n);
    if (p > 0) {
      kb = at::cat({pk.narrow(0, 0, p), kb});
      vb0 = at::cat({pv.narrow(0, 0, p), vb0});
    }
    auto qb = q.narrow(0, off, n).view({n, nKV, rep, hd}).permute({1, 2, 0, 3});  // [nKV, rep, n, hd]
    auto kt = kb.permute({1, 2, 0});                                                // [nKV, hd, nk]
    auto vb = vb0.transpose(0, 1);                                                  // [nKV, nk, hd]
    const int64_t block = query_block(nH, nk);
    for (int64_t q0 = 0; q0 < n; q0 += block) {
      const int64_t c = std::min(block, n - q0), q1 = q0 + c;
      const int64_t k0 = window > 0 ? std::max<int64_t>(0, p + q0 - window + 1) : 0, kl = p + q1 - k0;
      auto qs = qb.narrow(2, q0, c).reshape({nKV, rep * c, hd});
      auto s = at::matmul(qs, kt.narrow(2, k0, kl));  // [nKV, rep c, kl]
      s.mul_(scale);
      if (softcap > 0.0) s.div_(softcap).tanh_().mul_(softcap);
      auto qi = at::arange(p + q0, p + q1, idx).unsqueeze(1), ki = at::arange(k0, p + q1, idx).unsqueeze(0);
      auto hidden = ki > qi;  // [c, kl] true = not visible
      if (window > 0) hidden = hidden.logical_or(qi - ki >= window);
      s.view({nKV, rep, c, kl}).masked_fill_(hidden, -std::numeric_limits<double>::infinity());
      auto pr = at::softmax(s, -1, at::kFloat).to(q.scalar_type());
      auto o = at::matmul(pr, vb.narrow(1, k0, kl));  // [nKV, rep c, hd]
      out.narrow(0, off + q0, c).view({c, nKV, rep, hd}).copy_(o.view({nKV, rep, c, hd}).permute({2, 0, 1, 3}));
    }
  }
  return out.view({N, nH * hd});
}

#ifdef NTM_LM_HAVE_SDPA
at::Tensor attention_sdpa(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const PackedBatch& batch,
                          double scale, int64_t window) {
  const int64_t N = q.size(0), nH = q.size(1), hd = q.size(2), nKV = k.size(1), rep = nH / nKV;
  const int64_t B = static_cast<int64_t>(batch.lengths.size()), T = batch.max_len;
  const bool dense = N == B * T;  // every sequence has length T: no scatter needed
  auto to_padded = [&](const at::Tensor& x) {  // [N, h, hd] -> [B, h, T, hd]
    const int64_t h = x.size(1);
    if (dense) return x.view({B, T, h, hd}).transpose(1, 2);
    auto p = at::zeros({B * T, h, hd}, x.options());
    p.index_copy_(0, batch.slot, x);
    return p.view({B, T, h, hd}).transpose(1, 2);
  };
  auto qp = to_padded(q), kp = to_padded(k), vp = to_padded(v);
  const bool band = window > 0 && window < T;
  c10::optional<at::Tensor> mask;
  if (band) {
    auto idx = at::TensorOptions().dtype(at::kLong).device(q.device());
    auto qi = at::arange(T, idx).unsqueeze(1), ki = at::arange(T, idx).unsqueeze(0);
    mask = (ki <= qi).logical_and(qi - ki < window);  // [T, T] true = visible, broadcast over B, heads
  }
  // enable_gqa is honoured without copies by the Flash / cuDNN kernels (half types, no mask).
  const bool native_gqa = rep > 1 && !band && (q.scalar_type() == at::kBFloat16 || q.scalar_type() == at::kHalf);
  if (rep > 1 && !native_gqa) {
    kp = kp.repeat_interleave(rep, 1);
    vp = vp.repeat_interleave(rep, 1);
  }
  auto o = at::scaled_dot_product_attention(qp, kp, vp, mask, 0.0, /*is_causal=*/!band, scale, native_gqa);
  o = o.transpose(1, 2).reshape({B * T, nH * hd});  // [B T, nH hd]
  return dense ? o : o.index_select(0, batch.slot);
}

// With a cached prefix: keys [B, nKV, P + T, hd] = the P cached rows (the same for every
// sequence) then the sequence's own right-padded rows, and a boolean mask [B, 1, T, P + T] that
// shows sequence b's query i (position p_b + i) the cached keys < p_b and its own keys <= i
// (and, with a window, only those less than `window` positions back).
at::Tensor attention_sdpa_prefix(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& pk,
                                 const at::Tensor& pv, const PackedBatch& batch, double scale, int64_t window) {
  const int64_t N = q.size(0), nH = q.size(1), hd = q.size(2), nKV = k.size(1), rep = nH / nKV;
  const int64_t B = static_cast<int64_t>(batch.lengths.size()), T = batch.max_len, P = pk.size(0);
  auto to_padded = [&](const at::Tensor& x) {  // [N, h, hd] -> [B, h, T, hd]
    const int64_t h = x.size(1);
    auto p = at::zeros({B * T, h, hd}, x.options());
    p.index_copy_(0, batch.slot, x);
    return p.view({B, T, h, hd}).transpose(1, 2);
  };
  auto with_prefix = [&](const at::Tensor& cached, const at::Tensor& x) {  // -> [B, nKV, P + T, hd]
    auto c = cached.transpose(0, 1).unsqueeze(0).expand({B, nKV, P, hd});
    return at::cat({c, to_padded(x)}, 2);
  };
  auto qp = to_padded(q), kp = with_prefix(pk, k), vp = with_prefix(pv, v);
  auto idx = at::TensorOptions().dtype(at::kLong).device(q.device());
  auto plen = batch.prefix_lengths_t.unsqueeze(1);                    // [B, 1]
  auto slot = at::arange(P + T, idx).unsqueeze(0);                    // [1, P + T]
  auto cached = slot < P;                                             // [1, P + T]
  auto kpos = at::where(cached, slot, plen + slot - P);               // [B, P + T]
  auto kvalid = cached.logical_not().logical_or(slot < plen);         // [B, P + T]
  auto qpos = plen + at::arange(T, idx).unsqueeze(0);                 // [B, T]
  auto d = qpos.unsqueeze(2) - kpos.unsqueeze(1);                     // [B, T, P + T] query - key position
  auto mask = kvalid.unsqueeze(1).logical_and(d >= 0);
  if (window > 0) mask = mask.logical_and(d < window);
  if (rep > 1) {
    kp = kp.repeat_interleave(rep, 1);
    vp = vp.repeat_interleave(rep, 1);
  }
  auto o = at::scaled_dot_product_attention(qp, kp, vp, mask.unsqueeze(1), 0.0, /*is_causal=*/false, scale);
  o = o.transpose(1, 2).reshape({B * T, nH * hd});
  (void)N;
  return o.index_select(0, batch.slot);
}
#endif

}  // namespace

at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& pk,
                     const at::Tensor& pv, const PackedBatch& batch, double scale, int64_t window, double softcap) {
#ifdef NTM_LM_HAVE_SDPA
  // NTM_LM_FORCE_SDPA=1 (tests): the CUDA path on the CPU, so that its masks are checked anywhere.
  const char* force = std::getenv("NTM_LM_FORCE_SDPA");
  const bool force_sdpa = force && *force == '1';
  if ((q.is_cuda() || force_sdpa) && softcap == 0.0)
    return pk.defined() ? attention_sdpa_prefix(q, k, v, pk, pv, batch, scale, window)
                        : attention_sdpa(q, k, v, batch, scale, window);
#endif
  return attention_manual(q, k, v, pk, pv, batch, scale, window, softcap);
}

}  // namespace ntm::lm
