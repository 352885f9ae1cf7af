#include <cmath>
#include <csignal>
#include <random>
#include <set>

#include "catch.h"
#include "ntm/error.h"
#include "ntm/lda/gibbs.h"
#include "ntm/util/signals.h"
#include "lda/rng.h"
#include "lda/sweep.h"

namespace {

// Documents drawn from 3 planted topics over disjoint word blocks {0..9}, {10..19}, {20..29};
// each document mixes at most two topics.
struct Planted {
  std::vector<int64_t> indptr{0};
  std::vector<int32_t> indices;
  std::vector<float> counts;
  ntm::lda::SparseCorpus corpus() const {
    return {indptr.data(), indices.data(), counts.data(), static_cast<int64_t>(indptr.size() - 1), 30};
  }
};

Planted make_planted(int docs, uint32_t seed) {
  Planted p;
  std::mt19937 gen(seed);
  for (int d = 0; d < docs; ++d) {
    int a = d % 3, b = (d / 3) % 3;
    std::vector<float> row(30, 0);
    for (int t = 0; t < 40; ++t) {
      int topic = (t % 4 == 0) ? b : a;
      row[topic * 10 + gen() % 10] += 1;
    }
    for (int w = 0; w < 30; ++w)
      if (row[w] > 0) {
        p.indices.push_back(w);
        p.counts.push_back(row[w]);
      }
    p.indptr.push_back(static_cast<int64_t>(p.indices.size()));
  }
  return p;
}

// The samplers' word-topic counts from dense n_wk [V, K]: rows padded to the stride, and the
// sparse sampler's topic lists built.
ntm::lda::WordTopicCounts word_topic_counts(const std::vector<int32_t>& n_wk, int K, int V, bool sparse) {
  ntm::lda::WordTopicCounts wk;
  wk.K = K;
  wk.stride = ntm::lda::topic_stride(K);
  wk.count.assign(V * wk.stride, 0);
  for (int w = 0; w < V; ++w)
    for (int k = 0; k < K; ++k) wk.count[w * wk.stride + k] = n_wk[w * K + k];
  if (sparse) wk.rebuild(V);
  return wk;
}

}  // namespace

TEST_CASE("LDA Gibbs recovers planted topics", "[unit][lda]") {
  auto p = make_planted(300, 7);
  ntm::lda::GibbsOptions o;
  o.num_topics = 3;
  o.iterations = 100;
  o.alpha = 0.1;
  o.threads = 2;
  o.sampler = GENERATE(ntm::lda::Sampler::Dense, ntm::lda::Sampler::Sparse);
  auto r = ntm::lda::train_gibbs(p.corpus(), o);
  REQUIRE(r.phi.size() == 3 * 30);
  REQUIRE(r.theta.size() == 300 * 3);
  CHECK(r.num_tokens == 300 * 40);
  std::set<int> blocks;
  for (int k = 0; k < 3; ++k) {
    // The 10 most probable words of each topic form exactly one planted block.
    std::vector<int> idx(30);
    for (int w = 0; w < 30; ++w) idx[w] = w;
    std::sort(idx.begin(), idx.end(), [&](int a, int b) { return r.phi[k * 30 + a] > r.phi[k * 30 + b]; });
    std::set<int> top_blocks;
    for (int i = 0; i < 10; ++i) top_blocks.insert(idx[i] / 10);
    CHECK(top_blocks.size() == 1);
    blocks.insert(*top_blocks.begin());
    double s = 0;
    for (int w = 0; w < 30; ++w) s += r.phi[k * 30 + w];
    CHECK(s == Approx(1.0).epsilon(1e-5));
  }
  CHECK(blocks.size() == 3);
  for (int d = 0; d < 300; ++d) {
    double s = r.theta[d * 3] + r.theta[d * 3 + 1] + r.theta[d * 3 + 2];
    CHECK(s == Approx(1.0).epsilon(1e-5));
  }
}

TEST_CASE("LDA Gibbs is deterministic for a seed and thread count", "[unit][lda]") {
  auto p = make_planted(90, 3);
  ntm::lda::GibbsOptions o;
  o.num_topics = 4;
  o.sampler = GENERATE(ntm::lda::Sampler::Dense, ntm::lda::Sampler::Sparse);
  o.iterations = 20;
  for (int threads : {1, 2}) {
    o.threads = threads;
    auto a = ntm::lda::train_gibbs(p.corpus(), o);
    auto b = ntm::lda::train_gibbs(p.corpus(), o);
    CHECK(a.theta == b.theta);
    CHECK(a.phi == b.phi);
    o.seed = 1;
    auto c = ntm::lda::train_gibbs(p.corpus(), o);
    CHECK(c.theta != a.theta);
    o.seed = 0;
  }
}

TEST_CASE("LDA samplers keep their running state exact", "[unit][lda]") {
  // Every token, the sampler's running state is recomputed from the counts and compared
  // (internal_error otherwise): sparse - s and r sums, q coefficients, word / document topic
  // lists; dense - α + n_dk and 1 / (n_k + Vβ) per topic, zero padding lanes. With 1 and 2
  // threads, K below and above one 8-topic block, alpha optimisation moving alpha between sweeps.
  auto p = make_planted(60, 5);
  ntm::lda::GibbsOptions o;
  o.iterations = 6;
  o.optimize_every = 2;
  o.burn_in = 1;
  o.check_invariants = true;
  for (auto sampler : {ntm::lda::Sampler::Dense, ntm::lda::Sampler::Sparse})
    for (int K : {7, 13})
      for (int threads : {1, 2}) {
        o.sampler = sampler;
        o.num_topics = K;
        o.threads = threads;
        CHECK_NOTHROW(ntm::lda::train_gibbs(p.corpus(), o));
      }
}

TEST_CASE("LDA samplers draw from the collapsed Gibbs conditional", "[unit][lda]") {
  // One document of two tokens (words 0 and 2) among fixed counts of the rest of a corpus: sweeping
  // only that document is a Gibbs chain whose stationary law is the exact joint
  //   p(z1 = a, z2 = b) ∝ α_a (m_{w1,a} + β) / (m_a + Vβ) · (α_b + [a=b]) (m_{w2,b} + β) / (m_b + [a=b] + Vβ)
  // (m: counts without the document). 10 topics (two 8-topic blocks for the dense sampler),
  // uneven α and counts so every factor matters; 500,000 sweeps, total variation < 0.01 (about 0.005
  // from sampling noise; sampling with β 1.5x too large in one place gives 0.02).
  const int K = 10, V = 3;
  const double beta = 0.5;
  std::vector<double> alpha{0.3, 1.0, 2.0, 0.5, 0.7, 1.5, 0.2, 0.9, 1.2, 0.4};
  std::vector<int32_t> m_wk(V * K), m_k(K);  // the rest of the corpus
  for (int w = 0; w < V; ++w)
    for (int k = 0; k < K; ++k) m_wk[w * K + k] = (3 * w + 5 * k) % 7;
  for (int k = 0; k < K; ++k) {
    m_k[k] = 2 * k + 1;
    for (int w = 0; w < V; ++w) m_k[k] += m_wk[w * K + k];
  }
  const int32_t w1 = 0, w2 = 2;
  std::vector<double> joint(K * K);
  double total = 0;
  for (int a = 0; a < K; ++a)
    for (int b = 0; b < K; ++b) {
      const int same = a == b;
      joint[a * K + b] = alpha[a] * (m_wk[w1 * K + a] + beta) / (m_k[a] + V * beta) * (alpha[b] + same) *
                         (m_wk[w2 * K + b] + beta) / (m_k[b] + same + V * beta);
      total += joint[a * K + b];
    }
  for (auto& j : joint) j /= total;

  for (auto sampler : {ntm::lda::dense_sweep, ntm::lda::sparse_sweep}) {
    const bool dense = sampler == ntm::lda::dense_sweep;
    INFO((dense ? "dense" : "sparse"));
    std::vector<int32_t> words{w1, w2}, z{0, 1}, n_dk(K, 0);
    std::vector<int64_t> doc_tok{0, 2};
    std::vector<int32_t> n_wk = m_wk, nk = m_k;
    for (int i = 0; i < 2; ++i) {
      ++n_dk[z[i]];
      ++nk[z[i]];
      ++n_wk[words[i] * K + z[i]];
    }
    ntm::lda::WordTopicCounts wk = word_topic_counts(n_wk, K, V, !dense);
    ntm::lda::SweepInput in{words.data(), doc_tok.data(), z.data(), n_dk.data(), alpha.data(), beta, K, V, 0, 1, false};
    ntm::lda::Rng rng(42);
    const int sweeps = 500000;
    std::vector<double> seen(K * K, 0);
    for (int s = 0; s < sweeps; ++s) {
      sampler(in, wk, nk, rng);
      seen[z[0] * K + z[1]] += 1.0 / sweeps;
    }
    double tv = 0;
    for (int c = 0; c < K * K; ++c) tv += std::abs(seen[c] - joint[c]) / 2;
    CAPTURE(tv);
    CHECK(tv < 0.01);
  }
}

TEST_CASE("LDA samplers stay within K when every weight underflows to zero", "[unit][lda]") {
  // α = β = 1e-30 and a one-token document whose word occurs nowhere else: every float weight
  // α β / (n_k + Vβ) is 0, the draw has nothing to go on, and must still name one of the K topics.
  const int K = 3, V = 2;
  std::vector<double> alpha(K, 1e-30);
  for (auto sampler : {ntm::lda::dense_sweep, ntm::lda::sparse_sweep}) {
    std::vector<int32_t> words{1}, z{0}, n_dk{1, 0, 0};
    std::vector<int64_t> doc_tok{0, 1};
    // Word 1 is the document's token (topic 0); word 0 occurs elsewhere in the corpus.
    ntm::lda::WordTopicCounts wk = word_topic_counts({0, 5, 0, 1, 0, 0}, K, V, sampler == ntm::lda::sparse_sweep);
    std::vector<int32_t> nk{1, 5, 0};
    ntm::lda::SweepInput in{words.data(), doc_tok.data(), z.data(), n_dk.data(), alpha.data(), 1e-30, K, V, 0, 1, true};
    ntm::lda::Rng rng(1);
    for (int s = 0; s < 50; ++s) {
      sampler(in, wk, nk, rng);
      REQUIRE((z[0] >= 0 && z[0] < K));
    }
  }
}

TEST_CASE("LDA dense sampler draws the same topics with and without AVX2", "[unit][lda]") {
  // The AVX2 copy and the baseline copy of the dense sweep do the same IEEE operations, so a seed
  // gives the same model on any x86-64 CPU.
  if (!ntm::lda::dense_sweep_use_avx2(true)) {
    WARN("this CPU has no AVX2: only the baseline copy exists here");
    return;
  }
  auto p = make_planted(120, 9);
  ntm::lda::GibbsOptions o;
  o.num_topics = 11;
  o.iterations = 15;
  o.threads = 2;
  o.sampler = ntm::lda::Sampler::Dense;
  auto fast = ntm::lda::train_gibbs(p.corpus(), o);
  REQUIRE(!ntm::lda::dense_sweep_use_avx2(false));
  auto base = ntm::lda::train_gibbs(p.corpus(), o);
  ntm::lda::dense_sweep_use_avx2(true);
  CHECK(fast.phi == base.phi);
  CHECK(fast.theta == base.theta);
  CHECK(fast.log_likelihood == base.log_likelihood);
  o.sampler = ntm::lda::Sampler::Sparse;  // a different chain: the comparison can tell models apart
  CHECK(ntm::lda::train_gibbs(p.corpus(), o).phi != fast.phi);
}

TEST_CASE("LDA Gibbs likelihood increases and alpha optimisation runs", "[unit][lda]") {
  auto p = make_planted(150, 11);
  ntm::lda::GibbsOptions o;
  o.num_topics = 3;
  o.threads = 1;
  o.iterations = 0;
  double ll0 = ntm::lda::train_gibbs(p.corpus(), o).log_likelihood;
  o.iterations = 60;
  o.optimize_every = 10;
  o.burn_in = 20;
  auto r = ntm::lda::train_gibbs(p.corpus(), o);
  CHECK(r.log_likelihood > ll0 + 1000);
  for (double a : r.alpha) CHECK((a > 0 && std::isfinite(a)));
  CHECK(r.alpha[0] != Approx(50.0 / 3));  // moved from the initial value
}

TEST_CASE("LDA Gibbs rejects bad input", "[unit][lda]") {
  std::vector<int64_t> indptr{0, 1};
  std::vector<int32_t> idx{5};
  std::vector<float> cnt{1.5f};
  ntm::lda::SparseCorpus c{indptr.data(), idx.data(), cnt.data(), 1, 10};
  CHECK_THROWS_WITH(ntm::lda::train_gibbs(c, {}), Catch::Contains("non-integer count"));
  idx[0] = 12;
  cnt[0] = 1;
  CHECK_THROWS_WITH(ntm::lda::train_gibbs(c, {}), Catch::Contains("out of range"));
  ntm::lda::GibbsOptions o;
  o.num_topics = 0;
  CHECK_THROWS_AS(ntm::lda::train_gibbs(c, o), ntm::Error);
}

TEST_CASE("digamma matches known values", "[unit][lda]") {
  CHECK(ntm::lda::digamma(1.0) == Approx(-0.5772156649015329).epsilon(1e-11));
  CHECK(ntm::lda::digamma(0.5) == Approx(-1.9635100260214235).epsilon(1e-11));
  CHECK(ntm::lda::digamma(10.0) == Approx(2.251752589066721).epsilon(1e-11));
}

TEST_CASE("LDA Gibbs stops at the next sweep on SIGINT/SIGTERM", "[unit][lda][reliability]") {
  auto p = make_planted(30, 5);
  ntm::lda::GibbsOptions o;
  o.num_topics = 3;
  o.iterations = 1000;
  for (int sig : {SIGTERM, SIGINT}) {
    ntm::request_stop(sig);
    try {
      ntm::lda::train_gibbs(p.corpus(), o);
      FAIL("expected Interrupted");
    } catch (const ntm::Interrupted& e) {
      CHECK(e.exit_code() == 128 + sig);
      CHECK(std::string(e.what()).find("Gibbs sweep 1") != std::string::npos);
    }
    ntm::request_stop(0);
  }
  CHECK_NOTHROW(ntm::lda::train_gibbs(p.corpus(), o));
}
