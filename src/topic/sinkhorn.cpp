#include "sinkhorn.h"

#include "ntm/error.h"

namespace ntm::topic {

torch::Tensor pairwise_sq_dist(const torch::Tensor& x, const torch::Tensor& y) {
  return torch::sum(x * x, 1, /*keepdim=*/true) + torch::sum(y * y, 1) - 2 * torch::matmul(x, y.t());  // [n, m]
}

SinkhornResult sinkhorn_linear(const torch::Tensor& M, const SinkhornOptions& opts) {
  NTM_CHECK(M.dim() == 2, "sinkhorn: the cost must be a matrix");
  const int64_t n = M.size(0), m = M.size(1);
  const double eps = 1e-16;
  auto a = torch::full({n, 1}, 1.0 / static_cast<double>(n), M.options());  // [n, 1]
  auto b = torch::full({m, 1}, 1.0 / static_cast<double>(m), M.options());  // [m, 1]
  auto u = torch::full({n, 1}, 1.0 / static_cast<double>(n), M.options());  // [n, 1]
  auto K = torch::exp(-M * opts.alpha);                                      // [n, m]
  torch::Tensor v;
  SinkhornResult r;
  r.err = 1.0;
  while (r.err > opts.stop && r.iterations < opts.max_iter) {
    v = b / (torch::matmul(K.t(), u) + eps);  // [m, 1]
    u = a / (torch::matmul(K, v) + eps);      // [n, 1]
    ++r.iterations;
    if (r.iterations % 50 == 1) {
      torch::NoGradGuard no_grad;
      auto bb = v * torch::matmul(K.t(), u);  // [m, 1] column sums of the plan
      r.err = torch::sum(torch::abs(bb - b)).item<double>();
    }
  }
  r.plan = u * (K * v.t());  // [n, m]
  r.cost = torch::sum(r.plan * M);
  return r;
}

SinkhornResult sinkhorn_log(const torch::Tensor& M, const torch::Tensor& a, const torch::Tensor& b,
                            const SinkhornOptions& opts) {
  NTM_CHECK(M.dim() == 2 && a.numel() == M.size(0) && b.numel() == M.size(1), "sinkhorn: marginals do not fit M");
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

}  // namespace ntm::topic
