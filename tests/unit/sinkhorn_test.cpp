// The two Sinkhorn solvers (src/topic/sinkhorn.cpp): ECRTM's linear-domain one and FASTopic's
// log-domain one. Reference plans were computed once, independently, with numpy/scipy in float64
// (100000 resp. 20000 plain Sinkhorn iterations, i.e. fully converged):
//   linear: K = exp(-20 M); u = 1/3; repeat v = b/(Kᵀu); u = a/(K v); P = u[:,None] * K * v[None,:]
//   log:    lv = log b - logsumexp(lK + lu[:,None], 0); lu = log a - logsumexp(lK + lv[None,:], 1)
#include <torch/torch.h>

#include <cmath>

#include "catch.h"
#include "topic/sinkhorn.h"

using namespace ntm::topic;

namespace {

torch::Tensor linear_cost() {
  return torch::tensor({0.1, 0.5, 0.9, 0.4, 0.2, 0.7, 0.8, 0.6, 0.3}, torch::kFloat64).reshape({3, 3});
}
// Distances large enough that exp(-3 M) underflows in float32 (a linear-domain solver gives 0/0).
torch::Tensor log_cost(torch::ScalarType t) {
  return torch::tensor({10., 14., 30., 25., 11., 16., 40., 22., 12., 13., 35., 21.}, t).reshape({4, 3});
}

double l1(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().sum().item<double>(); }

}  // namespace

TEST_CASE("linear-domain sinkhorn (ECRTM): marginals, converged plan vs numpy, stop rule", "[unit][models]") {
  auto M = linear_cost();
  auto third = torch::full({3}, 1.0 / 3.0, torch::kFloat64);
  SECTION("default stop rule: marginals within 0.005 L1, errors measured at iterations 1, 51, ...") {
    auto r = sinkhorn_linear(M, SinkhornOptions{20.0, 0.005, 1000});
    CHECK((r.plan >= 0).all().item<bool>());
    CHECK(l1(r.plan.sum(1), third) <= 0.005);
    CHECK(l1(r.plan.sum(0), third) <= 0.005);
    CHECK(r.err <= 0.005);
    CHECK(r.iterations % 50 == 1);
  }
  SECTION("converged: the plan and cost numpy computed") {
    auto r = sinkhorn_linear(M, SinkhornOptions{20.0, 1e-13, 100000});
    auto want = torch::tensor({3.325081114475e-01, 8.231947951692e-04, 2.027090706043e-06, 8.249426287354e-04,
                               3.323976162798e-01, 1.107744247661e-04, 2.792571397436e-07, 1.125222583323e-04,
                               3.332205318179e-01},
                              torch::kFloat64)
                    .reshape({3, 3});
    CHECK(torch::allclose(r.plan, want, 0, 1e-11));
    CHECK(r.cost.item<double>() == Approx(0.2005851716348322).epsilon(1e-10));
  }
  SECTION("max_iter bounds the iterations; gradients flow through them") {
    auto Mg = M.clone().set_requires_grad(true);
    auto r = sinkhorn_linear(Mg, SinkhornOptions{20.0, 0.0, 7});
    CHECK(r.iterations == 7);
    r.cost.backward();
    REQUIRE(Mg.grad().defined());
    CHECK(torch::isfinite(Mg.grad()).all().item<bool>());
    CHECK(Mg.grad().abs().sum().item<double>() > 0);
  }
}

TEST_CASE("log-domain sinkhorn (FASTopic): marginals, converged plan vs numpy, float32 underflow", "[unit][models]") {
  auto a = torch::full({4}, 0.25, torch::kFloat64);
  auto b = torch::softmax(torch::tensor({0.2, -0.1, 0.4}, torch::kFloat64), 0);
  // b as numpy computed it: exp(w) / sum(exp(w)).
  CHECK(torch::allclose(b, torch::tensor({0.337584537799, 0.250088776622, 0.41232668558}, torch::kFloat64), 0, 1e-11));
  SECTION("float32, default stop rule: marginals within 0.005 L1, no NaN despite exp(-3 M) underflowing") {
    auto M = log_cost(torch::kFloat32);
    CHECK(torch::exp(-3.0 * M).eq(0).any().item<bool>());  // the linear kernel would underflow
    auto r = sinkhorn_log(M, a.to(torch::kFloat32), b.to(torch::kFloat32), SinkhornOptions{3.0, 0.005, 1000});
    CHECK(torch::isfinite(r.plan).all().item<bool>());
    CHECK((r.plan >= 0).all().item<bool>());
    CHECK(l1(r.plan.sum(1).to(torch::kFloat64), a) <= 0.005);
    CHECK(l1(r.plan.sum(0).to(torch::kFloat64), b) <= 0.005);
    CHECK(r.iterations % 50 == 1);
  }
  SECTION("float64, converged: the plan and cost numpy computed") {
    auto r = sinkhorn_log(log_cost(torch::kFloat64), a, b, SinkhornOptions{3.0, 1e-13, 100000});
    auto want = torch::tensor({2.062189863114e-01, 4.378101368858e-02, 4.319730188808e-17, 3.432862290181e-24,
                               2.063077629331e-01, 4.369223706687e-02, 3.454670573818e-48, 3.379088851664e-20,
                               2.500000000000e-01, 1.313655514873e-01, 9.852277500342e-26, 1.186344485127e-01},
                              torch::kFloat64)
                    .reshape({4, 3});
    CHECK(torch::allclose(r.plan, want, 0, 1e-11));
    CHECK(r.cost.item<double>() == Approx(12.84266082819031).epsilon(1e-10));
  }
  SECTION("gradients flow to the cost and to the column weights") {
    auto M = log_cost(torch::kFloat64).set_requires_grad(true);
    auto w = torch::tensor({0.2, -0.1, 0.4}, torch::kFloat64).set_requires_grad(true);
    auto r = sinkhorn_log(M, a, torch::softmax(w, 0), SinkhornOptions{3.0, 0.005, 1000});
    r.cost.backward();
    REQUIRE(M.grad().defined());
    REQUIRE(w.grad().defined());
    CHECK(torch::isfinite(M.grad()).all().item<bool>());
    CHECK(w.grad().abs().sum().item<double>() > 0);
  }
}

TEST_CASE("pairwise squared distances", "[unit][models]") {
  auto x = torch::tensor({0., 0., 1., 2.}).reshape({2, 2});
  auto y = torch::tensor({3., 4., 1., 0.}).reshape({2, 2});
  // By hand: |(0,0)-(3,4)|² = 25, |(0,0)-(1,0)|² = 1, |(1,2)-(3,4)|² = 8, |(1,2)-(1,0)|² = 4.
  CHECK(torch::allclose(pairwise_sq_dist(x, y), torch::tensor({25., 1., 8., 4.}).reshape({2, 2})));
}
