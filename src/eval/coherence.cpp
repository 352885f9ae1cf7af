#include "ntm/eval/coherence.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "ntm/error.h"
#include "ntm/eval/cooccurrence.h"

namespace ntm::eval {

const std::vector<std::string>& coherence_measures() {
  static const std::vector<std::string> m = {"c_v", "c_npmi", "c_uci", "u_mass"};
  return m;
}

void validate(const CoherenceSettings& s) {
  if (s.flavour != "exact" && s.flavour != "gensim" && s.flavour != "palmetto")
    usage_error("--coherence-flavour ", s.flavour, ": expected exact, gensim or palmetto");
  if (s.window_cv < 0 || s.window_pmi < 0) usage_error("coherence windows must be >= 0 (0 = whole document)");
  if (!(s.epsilon >= 0)) usage_error("--epsilon must be >= 0");
  if (s.palmetto_min_frequency < 0) usage_error("palmetto_min_frequency must be >= 0");
  if (s.top_n < 2) usage_error("--top-n must be >= 2 for coherence");
}

namespace {

// Probabilities from counts, with the flavour's treatment of rare counts and undefined values.
class Probabilities {
 public:
  Probabilities(const CooccurrenceCounts& c, double eps, int64_t min_count)
      : c_(c), n_(static_cast<double>(c.num_windows)), eps_(eps), min_count_(min_count) {}

  double count(int32_t a, int32_t b) const {
    const int64_t v = c_.pair(a, b);
    return v < min_count_ ? 0.0 : static_cast<double>(v);
  }
  bool defined(int32_t a, int32_t b) const { return count(a, a) > 0 && count(b, b) > 0; }
  // gensim log_ratio_measure (normalize=False): log((c12/N + ε) / ((c1/N) (c2/N))).
  double pmi(int32_t a, int32_t b) const {
    if (!defined(a, b)) return 0.0;
    const double numerator = count(a, b) / n_ + eps_;
    const double denominator = (count(a, a) / n_) * (count(b, b) / n_);
    return std::log(numerator / denominator);
  }
  // gensim log_ratio_measure (normalize=True): pmi / −log(c12/N + ε).
  double npmi(int32_t a, int32_t b) const {
    if (!defined(a, b)) return 0.0;
    return pmi(a, b) / (-std::log(count(a, b) / n_ + eps_));
  }
  // gensim log_conditional_probability: log((c12/N + ε) / (c_star/N)); 0 when c_star = 0.
  double log_cond(int32_t prime, int32_t star) const {
    if (count(star, star) <= 0) return 0.0;
    return std::log((count(prime, star) / n_ + eps_) / (count(star, star) / n_));
  }

 private:
  const CooccurrenceCounts& c_;
  double n_, eps_;
  int64_t min_count_;
};

double mean(const std::vector<double>& v) {
  if (v.empty()) return 0.0;
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

double topic_score(const std::string& measure, const std::vector<int32_t>& w, const Probabilities& p,
                   double gamma) {
  const size_t n = w.size();
  std::vector<double> sims;
  if (measure == "c_npmi" || measure == "c_uci") {
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < n; ++j)
        if (i != j) sims.push_back(measure == "c_npmi" ? p.npmi(w[i], w[j]) : p.pmi(w[i], w[j]));
  } else if (measure == "u_mass") {
    for (size_t i = 1; i < n; ++i)
      for (size_t j = 0; j < i; ++j) sims.push_back(p.log_cond(w[i], w[j]));
  } else {  // c_v: context vectors v_i[j] = npmi(w_i, w_j)^γ, v_W = Σ_i v_i, cosine(v_i, v_W)
    std::vector<double> S(n * n);
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < n; ++j) S[i * n + j] = std::pow(p.npmi(w[i], w[j]), gamma);
    std::vector<double> vw(n, 0.0);
    for (size_t j = 0; j < n; ++j)
      for (size_t i = 0; i < n; ++i) vw[j] += S[i * n + j];
    double norm_w = 0;
    for (double x : vw) norm_w += x * x;
    norm_w = std::sqrt(norm_w);
    for (size_t i = 0; i < n; ++i) {
      double dot = 0, norm_i = 0;
      for (size_t j = 0; j < n; ++j) {
        dot += S[i * n + j] * vw[j];
        norm_i += S[i * n + j] * S[i * n + j];
      }
      const double denom = std::sqrt(norm_i) * norm_w;
      sims.push_back(denom > 0 ? dot / denom : 0.0);
    }
  }
  return mean(sims);
}

}  // namespace

std::vector<CoherenceResult> compute_coherence(const ReferenceIndex& index,
                                               const std::vector<std::vector<std::string>>& topics,
                                               const std::vector<std::string>& measures,
                                               const CoherenceSettings& settings) {
  validate(settings);
  std::unordered_map<std::string, int32_t> index_id;
  for (size_t i = 0; i < index.words.size(); ++i) index_id.emplace(index.words[i], static_cast<int32_t>(i));
  // Local ids: the words of these topics only (an index may track more words).
  std::vector<int32_t> local_id(index.words.size(), -1);
  int32_t M = 0;
  // A topic word absent from the reference: gensim's CoherenceModel drops it from the topic (its
  // dictionary does not know it) and scores the rest; exact and palmetto keep it with count 0.
  const bool drop_missing = settings.flavour == "gensim";
  std::vector<std::vector<int32_t>> topic_ids;
  std::vector<std::vector<std::string>> missing_per_topic;
  std::vector<std::string> missing;
  for (const auto& t : topics) {
    std::vector<int32_t> ids;
    std::vector<std::string> absent;
    for (size_t r = 0; r < t.size() && static_cast<int>(r) < settings.top_n; ++r) {
      auto it = index_id.find(t[r]);
      NTM_CHECK(it != index_id.end(), "reference index does not track topic word ", t[r]);
      const bool found = index.word_count[it->second] > 0;
      if (!found) absent.push_back(t[r]);
      if (!found && drop_missing) continue;
      int32_t& l = local_id[it->second];
      if (l < 0) l = M++;
      ids.push_back(l);
    }
    missing.insert(missing.end(), absent.begin(), absent.end());
    topic_ids.push_back(std::move(ids));
    missing_per_topic.push_back(std::move(absent));
  }
  std::sort(missing.begin(), missing.end());
  missing.erase(std::unique(missing.begin(), missing.end()), missing.end());

  const bool palmetto = settings.flavour == "palmetto";
  const WindowCounting mode = settings.flavour == "gensim" ? WindowCounting::kGensim : WindowCounting::kExact;
  std::map<int64_t, CooccurrenceCounts> counts;  // by window (0 = document)
  std::vector<CoherenceResult> results;
  for (const auto& m : measures) {
    int64_t window;
    if (m == "c_v") window = settings.window_cv;
    else if (m == "c_npmi" || m == "c_uci") window = settings.window_pmi;
    else if (m == "u_mass") window = 0;
    else usage_error("--metrics: unknown coherence measure '", m, "' (expected c_v, c_npmi, c_uci or u_mass)");
    if (!counts.count(window)) counts.emplace(window, count_windows(index, local_id, M, window, mode));
    const CooccurrenceCounts& c = counts.at(window);
    const int64_t min_count = (palmetto && window > 0) ? settings.palmetto_min_frequency * window : 0;
    Probabilities p(c, settings.epsilon, min_count);
    const double gamma = (palmetto && m == "c_v") ? 2.0 : 1.0;
    CoherenceResult r;
    r.measure = m;
    r.window = window;
    r.num_windows = c.num_windows;
    r.missing_words = missing;
    r.missing_per_topic = missing_per_topic;
    for (const auto& ids : topic_ids) {
      double v = topic_score(m, ids, p, gamma);
      if (palmetto) v = std::round(v * 1e5) / 1e5;
      r.per_topic.push_back(v);
    }
    r.mean = mean(r.per_topic);
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace ntm::eval
