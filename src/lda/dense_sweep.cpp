#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>

#include "ntm/error.h"
#include "rng.h"
#include "sweep.h"

// Helpers pass 32-byte vectors only inline (no ABI crossing), so the ABI note does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

// The sweep is compiled twice from one body: for AVX2 (picked at run time when the CPU has it)
// and for the baseline instruction set. GCC/Clang vector extensions do element-wise IEEE
// arithmetic and nothing is fused into FMAs (the AVX2 copy does not enable FMA; GCC in ISO C++
// mode does not contract, Clang is told below), so both copies draw the same topics from a seed.
#if defined(__clang__)
#pragma clang fp contract(off)
#endif
#if defined(__x86_64__) || defined(__i386__)
#define NTM_DENSE_X86 1
#define NTM_AVX2 __attribute__((target("avx2")))
#else
#define NTM_DENSE_X86 0
#define NTM_AVX2
#endif
// Helpers are inlined into each compiled copy, so they take that copy's instruction set.
#define NTM_INLINE inline __attribute__((always_inline))

namespace ntm::lda {
namespace {

using v8f = float __attribute__((vector_size(32)));
using v8i = int32_t __attribute__((vector_size(32)));

NTM_INLINE v8f load8(const float* p) {
  v8f v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
NTM_INLINE v8i load8(const int32_t* p) {
  v8i v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
NTM_INLINE void store8(float* p, v8f v) { std::memcpy(p, &v, sizeof v); }
// Lanes shifted up by one, two, four places (zeros shifted in; lane 8 of the pair is zero[0]).
#if defined(__clang__)
#define NTM_SHIFT(x, ...) __builtin_shufflevector(x, v8f{}, __VA_ARGS__)
#else
#define NTM_SHIFT(x, ...) __builtin_shuffle(x, v8f{}, v8i{__VA_ARGS__})
#endif
NTM_INLINE v8f shift1(v8f x) { return NTM_SHIFT(x, 8, 0, 1, 2, 3, 4, 5, 6); }
NTM_INLINE v8f shift2(v8f x) { return NTM_SHIFT(x, 8, 8, 0, 1, 2, 3, 4, 5); }
NTM_INLINE v8f shift4(v8f x) { return NTM_SHIFT(x, 8, 8, 8, 8, 0, 1, 2, 3); }
NTM_INLINE int32_t lane_sum(v8i v) { return ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7])); }

// One draw from p(k) ∝ a_k (n_wk + β) inv_k over the padded topics (a = inv = 0 on padding).
// Topic k = 8b + l sits in block b, lane l, and the draw walks the topics lane by lane (0, 8, 16,
// ..., then 1, 9, 17, ...): any fixed order samples the same distribution, and this one needs no
// branch. With C_b = Σ_{b' <= b} p(block b') (lane-wise running sums) lane l's total is
// C_{B-1}[l]; a prefix over the lanes' totals picks the lane, and counting the C_b[l] that the
// remainder reaches picks the block. r is uniform in [0, 1) with 24 bits, so r · total < total.
NTM_INLINE int32_t draw(const int32_t* wrow, const float* a, const float* inv, float* cum, int64_t B, int64_t K,
                        float beta, float r) {
  v8f c = {};
  for (int64_t b = 0; b < B; ++b) {
    const v8f w = __builtin_convertvector(load8(wrow + 8 * b), v8f) + beta;
    c += load8(a + 8 * b) * w * load8(inv + 8 * b);
    store8(cum + 8 * b, c);
  }
  v8f incl = c + shift1(c);
  incl += shift2(incl);
  incl += shift4(incl);
  const v8f u = r * incl[7] - v8f{};
  // The lane is never one without topics (lanes >= K when K < 8); only weights that all underflow
  // to 0, from absurd priors, could otherwise reach one.
  const int32_t lane = std::min<int32_t>(-lane_sum(incl <= u), static_cast<int32_t>(std::min<int64_t>(7, K - 1)));
  const v8f rest = u - shift1(incl);
  v8i reached = {};
  for (int64_t b = 0; b < B; ++b) reached -= load8(cum + 8 * b) <= rest;
  // Rounding can step past a lane's last real topic; it then takes that one.
  const int64_t blk = std::min<int64_t>(reached[lane], (K - 1 - lane) / 8);
  return static_cast<int32_t>(8 * blk + lane);
}

// kStreams runs of documents are sampled side by side, one token of each per step: the tokens
// leave the counts, are drawn, and return. Their draws are independent work the CPU overlaps
// (one draw alone is a chain of dependent steps: 1.7x faster with 2 streams, 1.9x with 4); each
// token's conditional lacks the other streams' current tokens, the AD-LDA approximation at a
// distance of a few tokens.
constexpr int kStreams = 4;

struct Stream {
  int64_t d = 0, d_end = 0, i = 0;  // current document, end of the run, current token
  int32_t* dk = nullptr;            // n_dk row of d
  std::vector<float> a;             // α + n_dk as floats (padding lanes 0)
};

NTM_INLINE void sweep(const SweepInput& in, WordTopicCounts& wk, std::vector<int32_t>& nk, Rng& rng) {
  const int64_t K = in.K, S = wk.stride, B = S / 8;
  const double vbeta = in.V * in.beta;
  const float beta = static_cast<float>(in.beta);
  const double* alpha = in.alpha;
  const int64_t* tok = in.doc_tok;
  std::vector<float> inv(S, 0.f), cum(kStreams * S);  // inv = 1 / (n_k + Vβ) (padding 0)
  for (int64_t k = 0; k < K; ++k) inv[k] = static_cast<float>(1.0 / (vbeta + nk[k]));

  // Each stream takes a contiguous run of documents with about the same number of tokens.
  Stream st[kStreams];
  int64_t d = in.doc_begin;
  for (int j = 0; j < kStreams; ++j) {
    st[j].d = d;
    const int64_t target = tok[in.doc_begin] + (tok[in.doc_end] - tok[in.doc_begin]) * (j + 1) / kStreams;
    while (d < in.doc_end && (tok[d] < target || j == kStreams - 1)) ++d;
    st[j].d_end = d;
    st[j].a.assign(S, 0.f);
  }

  int32_t drawn[kStreams];
  Stream* live[kStreams];
  for (;;) {
    // Position every stream at its next token (entering a new document sets its row and a).
    int n = 0;
    for (auto& s : st) {
      while (s.d < s.d_end && (s.i = std::max(s.i, tok[s.d])) >= tok[s.d + 1]) ++s.d;
      if (s.d >= s.d_end) continue;
      if (s.i == tok[s.d]) {
        s.dk = in.n_dk + s.d * K;
        for (int64_t k = 0; k < K; ++k) s.a[k] = static_cast<float>(alpha[k] + s.dk[k]);
      }
      live[n++] = &s;
    }
    if (n == 0) break;
    // The token of s leaves (by = -1) or joins (+1) topic k.
    auto move = [&](Stream& s, int32_t k, int32_t by) __attribute__((always_inline)) {
      s.dk[k] += by;
      nk[k] += by;
      wk.count[in.words[s.i] * S + k] += by;
      s.a[k] = static_cast<float>(alpha[k] + s.dk[k]);
      inv[k] = static_cast<float>(1.0 / (vbeta + nk[k]));
    };
    for (int j = 0; j < n; ++j) move(*live[j], in.z[live[j]->i], -1);
    for (int j = 0; j < n; ++j)
      drawn[j] = draw(&wk.count[in.words[live[j]->i] * S], live[j]->a.data(), inv.data(), &cum[j * S], B, K, beta,
                      rng.uniform_float());
    for (int j = 0; j < n; ++j) {
      Stream& s = *live[j];
      in.z[s.i] = drawn[j];
      move(s, drawn[j], +1);
      if (in.check_invariants) {
        const int32_t* wrow = &wk.count[in.words[s.i] * S];
        for (int64_t t = 0; t < S; ++t) {
          const bool pad = t >= K;
          const float a_ref = pad ? 0.f : static_cast<float>(alpha[t] + s.dk[t]);
          const float inv_ref = pad ? 0.f : static_cast<float>(1.0 / (vbeta + nk[t]));
          if (s.a[t] != a_ref || inv[t] != inv_ref || wrow[t] < 0 || (pad && wrow[t] != 0) || (!pad && s.dk[t] < 0))
            internal_error("dense LDA: state of topic ", t, " is off at token ", s.i);
        }
      }
      ++s.i;
    }
  }
}

NTM_AVX2 void sweep_avx2(const SweepInput& in, WordTopicCounts& wk, std::vector<int32_t>& nk, Rng& rng) {
  sweep(in, wk, nk, rng);
}
void sweep_baseline(const SweepInput& in, WordTopicCounts& wk, std::vector<int32_t>& nk, Rng& rng) {
  sweep(in, wk, nk, rng);
}

bool cpu_has_avx2() {
#if NTM_DENSE_X86
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}
std::atomic<bool> g_use_avx2{cpu_has_avx2()};

}  // namespace

bool dense_sweep_is_vectorised() { return g_use_avx2.load(); }

bool dense_sweep_use_avx2(bool on) {
  g_use_avx2 = on && cpu_has_avx2();
  return g_use_avx2;
}

void dense_sweep(const SweepInput& in, WordTopicCounts& wk, std::vector<int32_t>& nk, Rng& rng) {
  (g_use_avx2.load() ? sweep_avx2 : sweep_baseline)(in, wk, nk, rng);
}

}  // namespace ntm::lda
