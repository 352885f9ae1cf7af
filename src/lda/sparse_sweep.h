#pragma once
// One SparseLDA sweep (Yao, Mimno & McCallum, KDD 2009) over a block of documents.
//
// The collapsed Gibbs conditional of token (d, w) splits into three buckets,
//   p(k) ∝ α_k β / (Vβ + n_k)            s: every topic, changes only when n_k does
//        + n_dk β / (Vβ + n_k)           r: the topics of document d (sparse)
//        + (α_k + n_dk) n_wk / (Vβ + n_k) q: the topics of word w (sparse)
// so a draw costs O(|topics of w| + |topics of d|) instead of O(K) except in the rare s bucket.
// s and r are kept incrementally, q is summed per token over the word's non-zero topics, whose
// list is maintained next to the dense word-topic counts (swap-remove on 1 -> 0).
#include <cstdint>
#include <vector>

namespace ntm::lda {

class Rng;

struct WordTopicCounts {
  int64_t K = 0;
  std::vector<int32_t> count;    // [V, K] n_wk, word-major
  std::vector<int32_t> topics;   // [V, K] the first len[w] entries list w's topics with n_wk > 0
  std::vector<int32_t> pos;      // [V, K] index of k in topics[w] (-1 if absent)
  std::vector<int32_t> len;      // [V]
  // Rebuilds the lists from count (after counts were copied or reconciled).
  void rebuild(int64_t V, int64_t K_);
};

struct SweepInput {
  const int32_t* words;          // [N] word id per token
  const int64_t* doc_tok;        // [D+1] token range per document
  int32_t* z;                    // [N] topic per token (updated)
  int32_t* n_dk;                 // [D, K] (rows of the block are updated)
  const double* alpha;           // [K]
  double beta = 0.01;
  int64_t K = 0, V = 0;
  int64_t doc_begin = 0, doc_end = 0;
  bool check_invariants = false; // tests: recompute the buckets after every token and compare
};

// Samples every token of documents [doc_begin, doc_end) once, against wk/nk (updated in place).
void sparse_sweep(const SweepInput& in, WordTopicCounts& wk, std::vector<int32_t>& nk, Rng& rng);

}  // namespace ntm::lda
