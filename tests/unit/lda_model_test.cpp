// The registry's lda model in process: fit() on a planted two-topic corpus recovers the topics,
// θ/φ are on the simplex, and a fit is deterministic for a seed and thread count.
#include <torch/torch.h>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <cmath>

#include "catch.h"
#include "ntm/topic/model.h"

using namespace ntm::topic;

namespace {

// 60 documents over V = 10: even documents use words 0..4 only, odd documents words 5..9 only.
TrainData planted() {
  std::vector<int64_t> ptr{0};
  std::vector<int32_t> idx;
  std::vector<float> cnt;
  for (int d = 0; d < 60; ++d) {
    const int base = d % 2 == 0 ? 0 : 5;
    for (int w = 0; w < 5; ++w) {
      idx.push_back(base + w);
      cnt.push_back(static_cast<float>(1 + (d + w) % 3));
    }
    ptr.push_back(static_cast<int64_t>(idx.size()));
  }
  TrainData t;
  t.num_docs = 60;
  t.vocab_size = 10;
  t.bow_indptr = torch::tensor(ptr, torch::kInt64);
  t.bow_indices = torch::tensor(idx, torch::kInt32);
  t.bow_counts = torch::tensor(cnt, torch::kFloat32);
  t.labels = torch::zeros({60}, torch::kInt64);
  t.doc_index = torch::arange(60, torch::kInt64);
  return t;
}

struct Fit {
  at::Tensor theta, phi;
  double loss;
};

Fit fit(uint64_t seed) {
  TrainOptions o;
  o.model = "lda";
  o.num_topics = 2;
  o.iterations = 60;
  o.alpha = 0.1;
  auto m = find_model("lda").make(o, ModelShape{10, 0});
  REQUIRE_FALSE(m->gradient_trained());
  auto gen = at::detail::createCPUGenerator(seed);
  m->fit(planted(), o, gen);
  CHECK_FALSE(m->fit_metrics().empty());
  return {m->fitted_theta(), m->topic_word(), m->fit_loss()};
}

}  // namespace

TEST_CASE("lda model: planted topics, simplex, determinism", "[unit][models]") {
  at::set_num_threads(1);
  Fit a = fit(3);
  REQUIRE(a.theta.sizes() == (std::vector<int64_t>{60, 2}));
  REQUIRE(a.phi.sizes() == (std::vector<int64_t>{2, 10}));
  CHECK(torch::allclose(a.theta.sum(1), torch::ones({60}), 1e-5, 1e-5));
  CHECK(torch::allclose(a.phi.sum(1), torch::ones({2}), 1e-5, 1e-5));
  CHECK(std::isfinite(a.loss));
  CHECK(a.loss > 0);
  // Each topic puts > 95% of its mass on one word block, the two topics on different blocks.
  auto block0 = a.phi.narrow(1, 0, 5).sum(1);  // [2]
  const bool t0_first = block0[0].item<double>() > 0.5;
  CHECK(block0[t0_first ? 0 : 1].item<double>() > 0.95);
  CHECK(block0[t0_first ? 1 : 0].item<double>() < 0.05);
  // Even documents belong to the block-0 topic.
  const int64_t k0 = t0_first ? 0 : 1;
  for (int64_t d = 0; d < 60; ++d) CHECK((a.theta[d][k0].item<double>() > 0.5) == (d % 2 == 0));

  Fit b = fit(3), c = fit(4);
  CHECK(torch::equal(a.theta, b.theta));
  CHECK(torch::equal(a.phi, b.phi));
  CHECK_FALSE(torch::equal(a.theta, c.theta));
}
