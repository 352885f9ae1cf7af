#pragma once
// Clustering metrics of the hard assignment a_d = argmax_k θ_dk against gold labels
// (method-spec §7.4, peers-and-metrics §4.7).
//
// purity          = (1/N) Σ_t max_c n_ct
// inverse_purity  = (1/N) Σ_c max_t n_ct
// harmonic_purity = 2 P IP / (P + IP)            (the DSL paper's definition)
// nmi             = scikit-learn normalized_mutual_info_score (average_method="arithmetic"),
//                   including its special cases (both labelings constant -> 1, MI ≈ 0 -> 0)
// ari             = scikit-learn adjusted_rand_score (pair-confusion form, exact integer sums)
// Documents whose label is negative (no gold label) are ignored.
#include <cstdint>
#include <vector>

namespace ntm::eval {

struct ClusteringScores {
  double purity = 0, inverse_purity = 0, harmonic_purity = 0, nmi = 0, ari = 0;
  int64_t num_documents = 0;  // labelled documents scored
};

// assignment[d]: topic (cluster) id >= 0; labels[d]: gold class id (< 0 = unlabelled).
ClusteringScores clustering_scores(const std::vector<int64_t>& assignment, const std::vector<int64_t>& labels);

}  // namespace ntm::eval
