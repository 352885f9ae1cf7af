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
  SECTION("two symmetric topics: P = b_v · softmax over topics of −αM after one iteration (by hand)") {
    // Topics at 0 and 1, words at 0, 1/4, 1/2, 3/4, 1 on a line; by symmetry u stays uniform, so the
    // first v already gives column sums b = 1/5 and P_kv = (1/5) e^{−αM_kv} / Σ_k' e^{−αM_k'v}.
    auto t = torch::tensor({0.0, 1.0}, torch::kFloat64), w = torch::tensor({0.0, 0.25, 0.5, 0.75, 1.0}, torch::kFloat64);
    auto Ms = (t.unsqueeze(1) - w.unsqueeze(0)).pow(2);  // [2, 5]
    auto r = sinkhorn_linear(Ms, SinkhornOptions{20.0, 0.005, 1000});
    CHECK(r.iterations == 1);
    // (up to the 1e-16 added to Kᵀu, a 1.5e-14 relative effect where Kᵀu = e^{-5})
    CHECK(torch::allclose(r.plan, torch::softmax(-20.0 * Ms, 0) / 5.0, 0, 1e-13));
  }
  SECTION("stop rule: errors measured at iterations 1, 51, 101 (0.200, 0.102, 3.8e-5) -> 101 iterations") {
    // Topics at 0, 0.3, 1 and words at 0, 0.1, 0.2, 0.9, 1; α = 50. numpy (TopMost's loop, float64)
    // stopped after 101 iterations with this plan.
    auto t = torch::tensor({0.0, 0.3, 1.0}, torch::kFloat64), w = torch::tensor({0.0, 0.1, 0.2, 0.9, 1.0}, torch::kFloat64);
    auto Ms = (t.unsqueeze(1) - w.unsqueeze(0)).pow(2);  // [3, 5]
    auto r = sinkhorn_linear(Ms, SinkhornOptions{50.0, 0.005, 1000});
    CHECK(r.iterations == 101);
    CHECK(r.err == Approx(3.759536440742228e-05).epsilon(1e-6));
    auto want = torch::tensor({1.9410549638299768e-01, 1.2415680693586051e-01, 1.5071030010354034e-02,
                               4.1128328373977462e-12, 2.7972452632290530e-16, 5.9039022653183124e-03,
                               7.5849951388611392e-02, 1.8493161069904684e-01, 6.6556947535100233e-02,
                               9.0921445234683356e-05, 5.1601963267121475e-30, 7.2701562687481106e-26,
                               1.9438420141250778e-22, 1.3343594069148582e-01, 1.9989739264184750e-01},
                              torch::kFloat64)
                    .reshape({3, 5});
    CHECK(torch::allclose(r.plan, want, 1e-9, 1e-15));
    CHECK(r.cost.item<double>() == Approx(0.03259848666723395).epsilon(1e-9));
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

namespace {

// The reference's linear loop op by op under autograd (TopMost's ECR.forward), the oracle of the
// solver's hand-written backward.
SinkhornResult linear_unrolled(const torch::Tensor& M, const SinkhornOptions& opts) {
  const int64_t n = M.size(0), m = M.size(1);
  auto a = torch::full({n, 1}, 1.0 / n, M.options()), b = torch::full({m, 1}, 1.0 / m, M.options());
  auto u = torch::full({n, 1}, 1.0 / n, M.options());
  auto K = torch::exp(-M * opts.alpha);
  torch::Tensor v;
  SinkhornResult r;
  r.err = 1.0;
  while (r.err > opts.stop && r.iterations < opts.max_iter) {
    v = b / (torch::matmul(K.t(), u) + 1e-16);
    u = a / (torch::matmul(K, v) + 1e-16);
    if (++r.iterations % 50 == 1) {
      torch::NoGradGuard no_grad;
      r.err = torch::sum(torch::abs(v * torch::matmul(K.t(), u) - b)).item<double>();
    }
  }
  r.plan = u * (K * v.t());
  r.cost = torch::sum(r.plan * M);
  return r;
}

// The reference's log-domain loop op by op under autograd (FASTopic's sinkhorn), the oracle of
// sinkhorn_log.
SinkhornResult sinkhorn_log_unrolled(const torch::Tensor& M, const torch::Tensor& a, const torch::Tensor& b,
                                     const SinkhornOptions& opts) {
  const int64_t n = M.size(0), m = M.size(1);
  auto log_a = torch::log(a.reshape({n, 1}) + 1e-30);  // [n, 1]
  auto log_b = torch::log(b.reshape({1, m}) + 1e-30);  // [1, m]
  auto logK = -opts.alpha * M;                         // [n, m]
  auto log_u = torch::zeros({n, 1}, M.options());      // [n, 1]
  auto log_v = torch::zeros({1, m}, M.options());      // [1, m]
  SinkhornResult r;
  r.err = 1.0;
  while (r.err > opts.stop && r.iterations < opts.max_iter) {
    log_v = log_b - torch::logsumexp(logK + log_u, 0, /*keepdim=*/true);  // [1, m]
    log_u = log_a - torch::logsumexp(logK + log_v, 1, /*keepdim=*/true);  // [n, 1]
    ++r.iterations;
    if (r.iterations % 50 == 1) {
      // Absorb the scalings into the kernel (keeps them bounded) and measure the marginals.
      logK = logK + log_u + log_v;
      log_u = torch::zeros_like(log_u);
      log_v = torch::zeros_like(log_v);
      torch::NoGradGuard no_grad;
      auto P = torch::exp(logK);  // [n, m]
      const double row_err = torch::sum(torch::abs(P.sum(1) - a.reshape({n}))).item<double>();
      const double col_err = torch::sum(torch::abs(P.sum(0) - b.reshape({m}))).item<double>();
      r.err = std::max(row_err, col_err);
    }
  }
  r.plan = torch::exp(log_u + logK + log_v);  // [n, m]
  r.cost = torch::sum(r.plan * M);
  return r;
}


// A loss that reads both outputs, so the plan's gradient path is checked too.
torch::Tensor both_outputs(const SinkhornResult& r, const torch::Tensor& W) { return r.cost + (r.plan * W).sum(); }

}  // namespace

TEST_CASE("sinkhorn solvers' written-out backward = autograd through every iteration (float64; host loops and tensor ops)",
          "[unit][models]") {
  torch::manual_seed(7);
  SECTION("linear (ECRTM): plan, cost, iterations and dL/dM for 1, 7, 51+ and 101+ iterations") {
    auto M0 = torch::rand({6, 9}, torch::kFloat64) * 0.4, W = torch::randn({6, 9}, torch::kFloat64);
    for (auto opts : {SinkhornOptions{20.0, 0.005, 1}, SinkhornOptions{20.0, 0.0, 7}, SinkhornOptions{20.0, 0.005, 1000},
                      SinkhornOptions{50.0, 1e-9, 1000}, SinkhornOptions{50.0, 1e-9, 1000, /*host_loops=*/false}}) {
      CAPTURE(opts.host_loops);
      auto M1 = M0.clone().set_requires_grad(true), M2 = M0.clone().set_requires_grad(true);
      auto got = sinkhorn_linear(M1, opts);
      auto want = linear_unrolled(M2, opts);
      CAPTURE(opts.alpha, opts.stop, opts.max_iter, want.iterations);
      CHECK(got.iterations == want.iterations);
      CHECK(got.err == Approx(want.err).epsilon(1e-9).margin(1e-14));
      CHECK(torch::allclose(got.plan, want.plan, 1e-10, 1e-14));
      both_outputs(got, W).backward();
      both_outputs(want, W).backward();
      CHECK(torch::allclose(M1.grad(), M2.grad(), 1e-8, 1e-12));
    }
  }
  SECTION("log (FASTopic): plan, cost, iterations and the gradients of M, a and b over several absorptions") {
    auto M0 = torch::rand({7, 5}, torch::kFloat64) * 2.0, W = torch::randn({7, 5}, torch::kFloat64);
    auto wa0 = torch::randn({7}, torch::kFloat64) * 0.3, wb0 = torch::randn({5}, torch::kFloat64) * 0.5;
    for (auto opts : {SinkhornOptions{3.0, 0.005, 1}, SinkhornOptions{3.0, 0.0, 30}, SinkhornOptions{3.0, 0.0, 51},
                      SinkhornOptions{3.0, 0.0, 130}, SinkhornOptions{8.0, 1e-10, 1000}, SinkhornOptions{60.0, 1e-12, 1000},
                      SinkhornOptions{3.0, 0.0, 130, false}, SinkhornOptions{60.0, 1e-12, 1000, false}}) {
      CAPTURE(opts.host_loops);
      std::vector<torch::Tensor> grads[2];
      SinkhornResult rs[2];
      for (int k = 0; k < 2; ++k) {
        auto M = M0.clone().set_requires_grad(true), wa = wa0.clone().set_requires_grad(true),
             wb = wb0.clone().set_requires_grad(true);
        auto a = torch::softmax(wa, 0), b = torch::softmax(wb, 0);
        rs[k] = k == 0 ? sinkhorn_log(M, a, b, opts) : sinkhorn_log_unrolled(M, a, b, opts);
        both_outputs(rs[k], W).backward();
        grads[k] = {M.grad(), wa.grad(), wb.grad()};
      }
      CAPTURE(opts.alpha, opts.stop, opts.max_iter, rs[1].iterations);
      CHECK(rs[0].log_domain_iterations < std::max<int64_t>(2, rs[0].iterations));
      // α = 60: the scalings of the first segments leave [1e-6, 1e6], so those run in the log domain
      if (opts.alpha == 60.0) CHECK(rs[0].log_domain_iterations > 1);
      CHECK(rs[0].iterations == rs[1].iterations);
      CHECK(rs[0].err == Approx(rs[1].err).epsilon(1e-8).margin(1e-14));
      CHECK(torch::allclose(rs[0].plan, rs[1].plan, 1e-10, 1e-14));
      CHECK(rs[0].cost.item<double>() == Approx(rs[1].cost.item<double>()).epsilon(1e-10));
      for (int g = 0; g < 3; ++g) {
        CAPTURE(g);
        CHECK(torch::allclose(grads[0][g], grads[1][g], 1e-8, 1e-12));
      }
    }
  }
  SECTION("log, float32: a zero marginal runs in the log domain, the same numbers as the unrolled loop") {
    auto M = log_cost(torch::kFloat32).set_requires_grad(true);
    auto a = torch::full({4}, 0.25, torch::kFloat32), b = torch::tensor({0.5f, 0.5f, 0.0f});
    auto got = sinkhorn_log(M, a, b, SinkhornOptions{3.0, 0.005, 1000});
    auto want = sinkhorn_log_unrolled(M.detach(), a, b, SinkhornOptions{3.0, 0.005, 1000});
    CHECK(got.log_domain_iterations == got.iterations);
    CHECK(sinkhorn_log(M, a, torch::tensor({0.5f, 0.3f, 0.2f}), SinkhornOptions{3.0, 0.0, 60}).log_domain_iterations < 60);
    CHECK(got.iterations == want.iterations);
    CHECK(torch::allclose(got.plan, want.plan, 1e-5, 1e-7));
    got.cost.backward();
    CHECK(torch::isfinite(M.grad()).all().item<bool>());
  }
}

TEST_CASE("sinkhorn solvers in float32: gradient as close to the float64 truth as autograd's own float32", "[unit][models]") {
  // Topic and word embeddings as ECRTM / FASTopic draw them (normalised), 51+ iterations.
  torch::manual_seed(11);
  namespace F = torch::nn::functional;
  auto t = F::normalize(torch::randn({20, 32}, torch::kFloat64)), w = F::normalize(torch::randn({300, 32}, torch::kFloat64));
  auto M64 = pairwise_sq_dist(t, w), W = torch::randn({20, 300}, torch::kFloat64);
  auto b64 = torch::softmax(torch::randn({300}, torch::kFloat64) * 0.2, 0), a64 = torch::full({20}, 1.0 / 20, torch::kFloat64);
  auto rel = [](const torch::Tensor& g, const torch::Tensor& truth) {
    return ((g.to(torch::kFloat64) - truth).norm() / truth.norm()).item<double>();
  };
  auto grad_of = [&](const torch::Tensor& M0, bool fast, bool linear, bool host_loops = true) {
    auto M = M0.clone().set_requires_grad(true);
    const auto dt = M0.scalar_type();
    const SinkhornOptions o{20.0, 0.005, 1000, host_loops};
    SinkhornResult r = linear ? (fast ? sinkhorn_linear(M, o) : linear_unrolled(M, o))
                              : (fast ? sinkhorn_log(M, a64.to(dt), b64.to(dt), o) : sinkhorn_log_unrolled(M, a64.to(dt), b64.to(dt), o));
    both_outputs(r, W.to(dt)).backward();
    return M.grad();
  };
  for (bool linear : {true, false}) {
    CAPTURE(linear);
    auto truth = grad_of(M64, false, linear);
    const double fast = rel(grad_of(M64.to(torch::kFloat32), true, linear), truth);
    const double fast_ops = rel(grad_of(M64.to(torch::kFloat32), true, linear, false), truth);
    const double autograd = rel(grad_of(M64.to(torch::kFloat32), false, linear), truth);
    CAPTURE(fast, fast_ops, autograd);
    CHECK(fast <= 2.0 * autograd + 1e-6);
    CHECK(fast_ops <= 2.0 * autograd + 1e-6);
    CHECK(fast < 1e-4);
  }
}
