#include <cmath>
#include <csignal>
#include <random>
#include <set>

#include "catch.h"
#include "ntm/error.h"
#include "ntm/lda/gibbs.h"
#include "ntm/util/signals.h"

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

}  // namespace

TEST_CASE("LDA Gibbs recovers planted topics", "[unit][lda]") {
  auto p = make_planted(300, 7);
  ntm::lda::GibbsOptions o;
  o.num_topics = 3;
  o.iterations = 100;
  o.alpha = 0.1;
  o.threads = 2;
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

TEST_CASE("LDA sparse sampler keeps its buckets and topic lists exact", "[unit][lda]") {
  // Every token: s and r sums, the q coefficients and the word / document topic lists are
  // recomputed from the counts and compared (internal_error otherwise), with 1 and 2 threads and
  // with alpha optimisation moving alpha between sweeps.
  auto p = make_planted(60, 5);
  ntm::lda::GibbsOptions o;
  o.num_topics = 7;
  o.iterations = 6;
  o.optimize_every = 2;
  o.burn_in = 1;
  o.check_invariants = true;
  for (int threads : {1, 2}) {
    o.threads = threads;
    CHECK_NOTHROW(ntm::lda::train_gibbs(p.corpus(), o));
  }
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
