#pragma once
// Topic diversity metrics (method-spec §7.1-§7.2, peers-and-metrics §4.6).
//
// TD@N  = |union of the first N words of every topic| / (N * K).
// I-RBO = 1 - mean over unordered topic pairs (i < j) of RBO_ext(top_N(i), top_N(j); p),
//         RBO_ext being the extrapolated rank-biased overlap of Webber et al. (eq. 32) with the
//         tie-aware overlap used by OCTIS / CTM / the DSL reference (rbo.py, element [2]).
#include <string>
#include <vector>

namespace ntm::eval {

using Topic = std::vector<std::string>;

// Extrapolated RBO of two lists of distinct items (any lengths; 0 if either is empty).
double rbo_ext(const Topic& a, const Topic& b, double p = 0.9);

// TD over the first top_n words of each topic. Topics shorter than top_n are used whole (the
// denominator stays top_n * K, as in the reference implementations).
double topic_diversity(const std::vector<Topic>& topics, int top_n);

// 1 - mean pairwise RBO_ext of the first top_n words; 1 when there are fewer than 2 topics.
double inverted_rbo(const std::vector<Topic>& topics, int top_n, double p = 0.9);

}  // namespace ntm::eval
