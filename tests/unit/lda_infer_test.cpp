// LDA fold-in (src/lda/fold_in.cpp) and `ntm infer` for lda.
#include <cmath>

#include "catch.h"
#include "ntm/io/safetensors.h"
#include "ntm/lda/fold_in.h"
#include "test_util.h"
#include "unit/label_store_test_util.h"

TEST_CASE("lda fold-in: hand-computed theta when the topics determine every assignment", "[unit][models]") {
  // Two topics over disjoint words: every token's topic is forced, so θ is known exactly:
  // doc 0 = {w0: 3, w2: 1} -> n = (3, 1), θ = ((3 + 0.1)/4.2, (1 + 0.1)/4.2); doc 1 empty -> α/Σα;
  // doc 2 = {w1: 2, w3: 2} with α = (0.1, 0.3) -> θ = (2.1/4.4, 2.3/4.4).
  std::vector<float> phi = {0.5f, 0.5f, 0.0f, 0.0f, 0.0f, 0.0f, 0.5f, 0.5f};
  std::vector<int64_t> indptr = {0, 2, 2, 4};
  std::vector<int32_t> indices = {0, 2, 1, 3};
  std::vector<float> counts = {3, 1, 2, 2};
  ntm::lda::SparseCorpus c{indptr.data(), indices.data(), counts.data(), 3, 4};
  ntm::lda::FoldInOptions o;
  o.sweeps = 20;
  o.burn_in = 5;
  auto t = ntm::lda::fold_in(c, phi, {0.1, 0.1}, o);
  CHECK(t[0] == Approx(3.1 / 4.2).epsilon(1e-6));
  CHECK(t[1] == Approx(1.1 / 4.2).epsilon(1e-6));
  CHECK(t[2] == Approx(0.5));
  CHECK(t[3] == Approx(0.5));
  t = ntm::lda::fold_in(c, phi, {0.1, 0.3}, o);
  CHECK(t[2] == Approx(0.25));
  CHECK(t[4] == Approx(2.1 / 4.4).epsilon(1e-6));
  CHECK(t[5] == Approx(2.3 / 4.4).epsilon(1e-6));
}

TEST_CASE("lda fold-in: theta is the posterior mean under the exact joint law", "[unit][models]") {
  // One document of two tokens (words 0 and 2) under fixed topics φ: the fold-in chain's stationary
  // law is p(z1 = a, z2 = b) ∝ α_a φ_a,w1 (α_b + [a=b]) φ_b,w2, so its θ average converges to
  // E[(α_k + [z1=k] + [z2=k]) / (2 + Σα)], computed here by enumeration. 10 topics, uneven α
  // and φ; 200,000 sweeps, every θ_k within 0.001 (the error is about 2e-4; drawing without the
  // document's own counts gives 1.3e-3).
  const int K = 10, V = 3;
  std::vector<double> alpha{0.3, 1.0, 2.0, 0.5, 0.7, 1.5, 0.2, 0.9, 1.2, 0.4};
  std::vector<float> phi(K * V);
  for (int k = 0; k < K; ++k) {
    float row = 0;
    for (int w = 0; w < V; ++w) row += phi[k * V + w] = static_cast<float>(1 + (3 * w + 5 * k) % 7);
    for (int w = 0; w < V; ++w) phi[k * V + w] /= row;
  }
  double alpha_sum = 0;
  for (double x : alpha) alpha_sum += x;
  std::vector<double> expect(K, 0.0);
  double total = 0;
  for (int a = 0; a < K; ++a)
    for (int b = 0; b < K; ++b) {
      const double p = alpha[a] * phi[a * V + 0] * (alpha[b] + (a == b)) * phi[b * V + 2];
      total += p;
      for (int k = 0; k < K; ++k) expect[k] += p * (alpha[k] + (a == k) + (b == k)) / (2 + alpha_sum);
    }
  std::vector<int64_t> indptr = {0, 2};
  std::vector<int32_t> indices = {0, 2};
  std::vector<float> counts = {1, 1};
  ntm::lda::SparseCorpus c{indptr.data(), indices.data(), counts.data(), 1, V};
  ntm::lda::FoldInOptions o;
  o.sweeps = 200000;
  o.burn_in = 100;
  auto t = ntm::lda::fold_in(c, phi, alpha, o);
  for (int k = 0; k < K; ++k) {
    INFO("topic " << k);
    CHECK(std::abs(t[k] - expect[k] / total) < 0.001);
  }
}

TEST_CASE("lda fold-in: rows on the simplex, same result for any thread count, seed matters", "[unit][models]") {
  const int K = 3, V = 5;
  std::vector<float> phi = {0.4f, 0.3f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.4f, 0.3f, 0.1f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f};
  std::vector<int64_t> indptr = {0, 3, 5, 7, 10};
  std::vector<int32_t> indices = {0, 1, 4, 2, 3, 0, 2, 1, 3, 4};
  std::vector<float> counts = {2, 1, 3, 4, 1, 1, 1, 2, 2, 2};
  ntm::lda::SparseCorpus c{indptr.data(), indices.data(), counts.data(), 4, V};
  ntm::lda::FoldInOptions o;
  o.seed = 9;
  o.threads = 1;
  auto a = ntm::lda::fold_in(c, phi, {0.5, 0.5, 0.5}, o);
  o.threads = 3;
  CHECK(ntm::lda::fold_in(c, phi, {0.5, 0.5, 0.5}, o) == a);
  o.seed = 10;
  CHECK(ntm::lda::fold_in(c, phi, {0.5, 0.5, 0.5}, o) != a);
  for (int d = 0; d < 4; ++d) {
    double s = 0;
    for (int k = 0; k < K; ++k) {
      CHECK(a[static_cast<size_t>(d * K + k)] > 0);
      s += a[static_cast<size_t>(d * K + k)];
    }
    CHECK(s == Approx(1.0).epsilon(1e-5));
  }
  std::vector<float> frac = {0.5f, 1, 3, 4, 1, 1, 1, 2, 2, 2};
  ntm::lda::SparseCorpus bad{indptr.data(), indices.data(), frac.data(), 4, V};
  CHECK_THROWS_WITH(ntm::lda::fold_in(bad, phi, {0.5, 0.5, 0.5}, o), Catch::Contains("fractional"));
}

TEST_CASE("ntm infer --run <lda seed>: fold-in theta for the store's documents", "[e2e][models]") {
  ntm::test::TempDir dir;
  const std::string labels = dir / "labels";
  ntm::test::store::write_store(labels, {20, 20});
  auto r = ntm::test::run_ntm("train --config '" + ntm::test::source_path("configs/lda.json") + "' --labels '" + labels +
                              "' --out '" + (dir / "lda") + "' --seeds 0 --num-topics 3 --iterations 30 --top-n 3 "
                              "--device cpu --threads 1");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  for (const char* name : {"t1", "t2"}) {
    r = ntm::test::run_ntm("infer --run '" + (dir / "lda/seed-0") + "' --labels '" + labels + "' --out '" +
                           (dir / name) + ".safetensors' --device cpu --threads 2");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
  }
  auto theta = ntm::st::File::open(dir / "t1.safetensors")->tensor("theta");
  REQUIRE(theta.size(0) == 30);  // 10 of the 40 documents have an empty BoW and are dropped
  REQUIRE(theta.size(1) == 3);
  CHECK((theta > 0).all().item<bool>());
  CHECK(torch::allclose(theta.sum(1), torch::ones({30}), 1e-5, 1e-5));
  CHECK(ntm::read_file(dir / "t1.safetensors") == ntm::read_file(dir / "t2.safetensors"));
}
