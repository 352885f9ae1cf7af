#pragma once
// One Gibbs sweep over a block of documents, by one of two samplers of the same conditional
//   p(z_i = k | rest) ∝ (α_k + n_dk) (n_wk + β) / (n_k + Vβ)      (token i removed from the counts):
//
// dense_sweep  (dense_sweep.cpp): every topic's weight at once, 8 topics per vector instruction;
//   O(K) per token but branch-free and short, the faster choice for K up to a few hundred. It
//   draws tokens of four documents side by side, each without the other three (see there).
// sparse_sweep (sparse_sweep.cpp): SparseLDA (Yao, Mimno & McCallum, KDD 2009). The weight splits
//   into three buckets,
//     α_k β / (Vβ + n_k)              s: every topic, changes only when n_k does
//     n_dk β / (Vβ + n_k)             r: the topics of document d (sparse)
//     (α_k + n_dk) n_wk / (Vβ + n_k)  q: the topics of word w (sparse)
//   so a draw costs O(|topics of w| + |topics of d|) except in the rare s bucket. s and r are
//   kept incrementally, q is summed per token over the word's non-zero topics, whose list is
//   maintained next to the dense word-topic counts (swap-remove on 1 -> 0).
#include <cstdint>
#include <vector>

namespace ntm::lda {

class Rng;

// Word-topic counts, word-major, each row padded to `stride` (a multiple of 8) with zeros so the
// dense sampler reads whole vectors.
struct WordTopicCounts {
  int64_t K = 0, stride = 0;
  std::vector<int32_t> count;    // [V, stride] n_wk
  // sparse_sweep only (rebuild() fills them):
  std::vector<int32_t> topics;   // [V, stride] the first len[w] entries list w's topics with n_wk > 0
  std::vector<int32_t> pos;      // [V, stride] index of k in topics[w] (-1 if absent)
  std::vector<int32_t> len;      // [V]
  // Rebuilds the topic lists from count (after counts were copied or reconciled).
  void rebuild(int64_t V);
};

// The row stride of WordTopicCounts for K topics.
inline int64_t topic_stride(int64_t K) { return (K + 7) / 8 * 8; }

struct SweepInput {
  const int32_t* words;          // [N] word id per token
  const int64_t* doc_tok;        // [D+1] token range per document
  int32_t* z;                    // [N] topic per token (updated)
  int32_t* n_dk;                 // [D, K] (rows of the block are updated)
  const double* alpha;           // [K]
  double beta = 0.01;
  int64_t K = 0, V = 0;
  int64_t doc_begin = 0, doc_end = 0;
  bool check_invariants = false; // tests: recompute the sampler's running state after every token and compare
};

// Each samples every token of documents [doc_begin, doc_end) once, against wk/nk (updated in place).
void dense_sweep(const SweepInput& in, WordTopicCounts& wk, std::vector<int32_t>& nk, Rng& rng);
void sparse_sweep(const SweepInput& in, WordTopicCounts& wk, std::vector<int32_t>& nk, Rng& rng);

// Whether dense_sweep runs its AVX2 copy (the CPU has AVX2); without it the baseline copy draws the
// same topics several times slower, and the auto choice of sampler prefers sparse_sweep.
bool dense_sweep_is_vectorised();
// Tests: force the baseline copy (false) or AVX2 where the CPU has it (true); returns the state.
bool dense_sweep_use_avx2(bool on);

}  // namespace ntm::lda
