#include "ntm/eval/diversity.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace ntm::eval {

namespace {
Topic head(const Topic& t, int n) {
  return Topic(t.begin(), t.begin() + std::min<size_t>(t.size(), static_cast<size_t>(std::max(n, 0))));
}
}  // namespace

double rbo_ext(const Topic& a, const Topic& b, double p) {
  const Topic& S = a.size() <= b.size() ? a : b;  // shorter list
  const Topic& L = a.size() <= b.size() ? b : a;  // longer list
  const size_t s = S.size(), l = L.size();
  if (s == 0) return 0.0;
  // A_d = 2|S[:d] ∩ L[:d]| / (|S[:d]| + |L[:d]|);  X_d = A_d * min(d, s, l).
  std::unordered_set<std::string> seen_s, seen_l;
  size_t overlap = 0;  // |S[:d] ∩ L[:d]|
  std::vector<double> A(l + 1, 0.0);
  for (size_t d = 1; d <= l; ++d) {
    if (d <= s) {
      const std::string& x = S[d - 1];
      if (seen_l.count(x)) ++overlap;
      seen_s.insert(x);
    }
    const std::string& y = L[d - 1];
    if (seen_s.count(y)) ++overlap;  // includes S[d-1] == y
    seen_l.insert(y);
    const double len_s = static_cast<double>(std::min(d, s));
    A[d] = 2.0 * static_cast<double>(overlap) / (len_s + static_cast<double>(d));
  }
  auto X = [&](size_t d) { return A[d] * static_cast<double>(std::min({d, s, l})); };
  const double Xs = X(s), Xl = X(l);
  double sum1 = 0.0, sum2 = 0.0;
  for (size_t d = 1; d <= l; ++d) sum1 += std::pow(p, static_cast<double>(d)) * A[d];
  for (size_t d = s + 1; d <= l; ++d)
    sum2 += std::pow(p, static_cast<double>(d)) * Xs * static_cast<double>(d - s) / static_cast<double>(s * d);
  return ((1.0 - p) / p) * (sum1 + sum2) +
         std::pow(p, static_cast<double>(l)) * ((Xl - Xs) / static_cast<double>(l) + Xs / static_cast<double>(s));
}

double topic_diversity(const std::vector<Topic>& topics, int top_n) {
  if (topics.empty() || top_n <= 0) return 0.0;
  std::unordered_set<std::string> uniq;
  for (const auto& t : topics)
    for (const auto& w : head(t, top_n)) uniq.insert(w);
  return static_cast<double>(uniq.size()) / (static_cast<double>(top_n) * static_cast<double>(topics.size()));
}

double inverted_rbo(const std::vector<Topic>& topics, int top_n, double p) {
  if (topics.size() < 2) return 1.0;
  double sum = 0.0;
  size_t pairs = 0;
  for (size_t i = 0; i < topics.size(); ++i)
    for (size_t j = i + 1; j < topics.size(); ++j) {
      sum += rbo_ext(head(topics[i], top_n), head(topics[j], top_n), p);
      ++pairs;
    }
  return 1.0 - sum / static_cast<double>(pairs);
}

}  // namespace ntm::eval
