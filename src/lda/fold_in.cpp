#include "ntm/lda/fold_in.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <thread>

#include "ntm/error.h"

namespace ntm::lda {
namespace {

// splitmix64: a small, well-mixed stream per (seed, document).
struct SplitMix {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }  // [0, 1)
};

// Index drawn from the weights (n_k + α_k) φ_k,w over k, with their running sums in `cum`.
// phi_w: word w's φ column, contiguous (φ transposed to [V, K]).
int draw(const std::vector<int32_t>& n_k, const std::vector<double>& alpha, const float* phi_w,
         std::vector<double>& cum, SplitMix& rng) {
  double total = 0;
  for (size_t k = 0; k < cum.size(); ++k) cum[k] = (total += (n_k[k] + alpha[k]) * static_cast<double>(phi_w[k]));
  const double u = rng.uniform() * total;
  auto it = std::upper_bound(cum.begin(), cum.end(), u);
  return it == cum.end() ? static_cast<int>(cum.size()) - 1 : static_cast<int>(it - cum.begin());
}

// phi_t: φ transposed, [V, K].
void fold_in_doc(const SparseCorpus& c, int64_t d, const std::vector<float>& phi_t, const std::vector<double>& alpha,
                 const FoldInOptions& o, float* theta) {
  const int K = static_cast<int>(alpha.size());
  double alpha_sum = 0;
  for (double a : alpha) alpha_sum += a;
  std::vector<int32_t> words;
  for (int64_t j = c.indptr[d]; j < c.indptr[d + 1]; ++j) {
    const float cnt = c.counts[j];
    const int n = static_cast<int>(std::lround(cnt));
    if (std::fabs(cnt - static_cast<float>(n)) > 1e-3f || n < 0)
      input_error("lda fold-in: document ", d, " has a fractional or negative count ", cnt);
    for (int i = 0; i < n; ++i) words.push_back(c.indices[j]);
  }
  if (words.empty()) {
    for (int k = 0; k < K; ++k) theta[k] = static_cast<float>(alpha[static_cast<size_t>(k)] / alpha_sum);
    return;
  }
  SplitMix rng{o.seed * 0x2545F4914F6CDD1DULL + static_cast<uint64_t>(o.first_doc + d) + 1};
  std::vector<double> cum(static_cast<size_t>(K)), acc(static_cast<size_t>(K), 0.0);
  std::vector<int32_t> n_k(static_cast<size_t>(K), 0), z(words.size());
  auto phi_w = [&](size_t i) { return &phi_t[static_cast<size_t>(words[i]) * static_cast<size_t>(K)]; };
  const std::vector<int32_t> none(static_cast<size_t>(K), 0);
  for (size_t i = 0; i < words.size(); ++i) {  // the start: p(z = k) ∝ α_k φ_k,w
    z[i] = draw(none, alpha, phi_w(i), cum, rng);
    ++n_k[static_cast<size_t>(z[i])];
  }
  int kept = 0;
  for (int sweep = 1; sweep <= o.sweeps; ++sweep) {
    for (size_t i = 0; i < words.size(); ++i) {
      --n_k[static_cast<size_t>(z[i])];
      z[i] = draw(n_k, alpha, phi_w(i), cum, rng);
      ++n_k[static_cast<size_t>(z[i])];
    }
    if (sweep > o.burn_in) {
      ++kept;
      for (int k = 0; k < K; ++k) acc[static_cast<size_t>(k)] += n_k[static_cast<size_t>(k)] + alpha[static_cast<size_t>(k)];
    }
  }
  const double denom = static_cast<double>(kept) * (static_cast<double>(words.size()) + alpha_sum);
  for (int k = 0; k < K; ++k) theta[k] = static_cast<float>(acc[static_cast<size_t>(k)] / denom);
}

}  // namespace

std::vector<float> fold_in(const SparseCorpus& c, const std::vector<float>& phi, const std::vector<double>& alpha,
                           const FoldInOptions& o) {
  const int64_t K = static_cast<int64_t>(alpha.size());
  NTM_CHECK(K > 0 && static_cast<int64_t>(phi.size()) == K * c.vocab_size, "fold_in: phi must be [K, V]");
  NTM_CHECK(o.sweeps > o.burn_in && o.burn_in >= 0, "fold_in: need sweeps > burn_in >= 0");
  std::vector<float> theta(static_cast<size_t>(c.num_docs * K));
  // φ word-major, so that a draw reads one contiguous row.
  const int64_t V = c.vocab_size;
  std::vector<float> phi_t(phi.size());
  for (int64_t k = 0; k < K; ++k)
    for (int64_t w = 0; w < V; ++w) phi_t[static_cast<size_t>(w * K + k)] = phi[static_cast<size_t>(k * V + w)];
  const int threads = std::max(1, std::min<int>(o.threads, static_cast<int>(std::max<int64_t>(1, c.num_docs))));
  std::vector<std::thread> pool;
  std::vector<std::exception_ptr> errors(static_cast<size_t>(threads));
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      try {
        for (int64_t d = t; d < c.num_docs; d += threads) fold_in_doc(c, d, phi_t, alpha, o, theta.data() + d * K);
      } catch (...) {
        errors[static_cast<size_t>(t)] = std::current_exception();
      }
    });
  }
  for (auto& th : pool) th.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  return theta;
}

}  // namespace ntm::lda
