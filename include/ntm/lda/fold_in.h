#pragma once
// θ for new documents under a trained LDA model (`ntm infer` for lda): collapsed Gibbs sampling of
// each document's topic assignments with the topics φ frozen ("fold-in"):
//   p(z_i = k | rest) ∝ (n_dk^{¬i} + α_k) · φ_k,w_i
// Assignments start from p(z = k) ∝ α_k φ_k,w; after `burn_in` sweeps, θ_d = (n_dk + α_k)/(n_d + Σα)
// is averaged over the remaining sweeps. Documents are independent: each has its own random stream
// (seed, first_doc + d), so the result does not depend on the thread count. An empty document gets
// θ = α / Σα.
#include <cstdint>
#include <vector>

#include "ntm/lda/gibbs.h"

namespace ntm::lda {

struct FoldInOptions {
  int sweeps = 100;       // Gibbs sweeps per document
  int burn_in = 50;       // sweeps before θ is accumulated (< sweeps)
  uint64_t seed = 0;
  int64_t first_doc = 0;  // stream index of the corpus' first document
  int threads = 1;
};

// phi [K, V] row-major (rows sum to 1), alpha [K]. Returns θ [D, K] row-major.
std::vector<float> fold_in(const SparseCorpus& corpus, const std::vector<float>& phi, const std::vector<double>& alpha,
                           const FoldInOptions& options);

}  // namespace ntm::lda
