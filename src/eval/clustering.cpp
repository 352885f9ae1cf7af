#include "ntm/eval/clustering.h"

#include <cmath>
#include <limits>
#include <map>

#include "ntm/error.h"

namespace ntm::eval {

namespace {

// Entropy as scikit-learn computes it: -Σ (n_i/n) (log n_i - log n).
double entropy(const std::vector<int64_t>& counts) {
  double n = 0;
  for (int64_t c : counts) n += static_cast<double>(c);
  if (counts.size() <= 1) return 0.0;
  double h = 0;
  for (int64_t c : counts)
    if (c > 0) h -= (static_cast<double>(c) / n) * (std::log(static_cast<double>(c)) - std::log(n));
  return h;
}

}  // namespace

ClusteringScores clustering_scores(const std::vector<int64_t>& assignment, const std::vector<int64_t>& labels) {
  NTM_CHECK(assignment.size() == labels.size(), "assignment/labels size mismatch");
  // Dense re-indexing of classes and clusters (in order of first appearance).
  std::map<int64_t, int64_t> class_id, cluster_id;
  std::vector<std::pair<int64_t, int64_t>> pairs;
  for (size_t d = 0; d < labels.size(); ++d) {
    if (labels[d] < 0) continue;
    int64_t c = class_id.emplace(labels[d], static_cast<int64_t>(class_id.size())).first->second;
    int64_t t = cluster_id.emplace(assignment[d], static_cast<int64_t>(cluster_id.size())).first->second;
    pairs.push_back({c, t});
  }
  ClusteringScores s;
  s.num_documents = static_cast<int64_t>(pairs.size());
  if (pairs.empty()) return s;
  const size_t C = class_id.size(), T = cluster_id.size();
  std::vector<int64_t> n(C * T, 0), nc(C, 0), nt(T, 0);  // contingency [C, T]
  for (auto [c, t] : pairs) {
    ++n[c * T + t];
    ++nc[c];
    ++nt[t];
  }
  const int64_t N = s.num_documents;
  const double Nd = static_cast<double>(N);

  int64_t sum_max_c = 0, sum_max_t = 0;
  for (size_t t = 0; t < T; ++t) {
    int64_t m = 0;
    for (size_t c = 0; c < C; ++c) m = std::max(m, n[c * T + t]);
    sum_max_c += m;
  }
  for (size_t c = 0; c < C; ++c) {
    int64_t m = 0;
    for (size_t t = 0; t < T; ++t) m = std::max(m, n[c * T + t]);
    sum_max_t += m;
  }
  s.purity = static_cast<double>(sum_max_c) / Nd;
  s.inverse_purity = static_cast<double>(sum_max_t) / Nd;
  s.harmonic_purity = 2.0 * s.purity * s.inverse_purity / (s.purity + s.inverse_purity);

  // NMI (arithmetic mean normaliser), following sklearn.metrics.cluster._supervised.
  if ((C == 1 && T == 1)) {
    s.nmi = 1.0;
  } else {
    const double log_n = std::log(Nd);
    double mi = 0;
    for (size_t c = 0; c < C; ++c)
      for (size_t t = 0; t < T; ++t) {
        const int64_t v = n[c * T + t];
        if (v == 0) continue;
        const double p = static_cast<double>(v) / Nd;
        const double outer = static_cast<double>(nc[c]) * static_cast<double>(nt[t]);
        const double log_outer = -std::log(outer) + log_n + log_n;
        double term = p * (std::log(static_cast<double>(v)) - log_n) + p * log_outer;
        if (std::abs(term) < std::numeric_limits<double>::epsilon()) term = 0.0;
        mi += term;
      }
    mi = std::max(mi, 0.0);
    if (std::abs(mi) < std::numeric_limits<double>::epsilon()) {
      s.nmi = 0.0;
    } else {
      const double norm = 0.5 * (entropy(nc) + entropy(nt));
      s.nmi = mi / norm;
    }
  }

  // ARI via the pair confusion matrix, exact in 128-bit integers as Python ints are.
  __int128 sum_sq = 0, sum_nc2 = 0, sum_nt2 = 0;
  for (int64_t v : n) sum_sq += static_cast<__int128>(v) * v;
  for (int64_t v : nc) sum_nc2 += static_cast<__int128>(v) * v;
  for (int64_t v : nt) sum_nt2 += static_cast<__int128>(v) * v;
  const __int128 tp = sum_sq - N;
  const __int128 fp = sum_nt2 - sum_sq;  // C[0,1]
  const __int128 fn = sum_nc2 - sum_sq;  // C[1,0]
  const __int128 tn = static_cast<__int128>(N) * N - fp - fn - sum_sq;
  if (fn == 0 && fp == 0) {
    s.ari = 1.0;
  } else {
    const __int128 num = tp * tn - fn * fp;
    const __int128 den = (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn);
    s.ari = 2.0 * static_cast<double>(num) / static_cast<double>(den);
  }
  return s;
}

}  // namespace ntm::eval
