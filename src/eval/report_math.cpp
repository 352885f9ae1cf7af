// Numerical helpers of the report: β as distributions, Jensen-Shannon distances, classical MDS.
#include <torch/torch.h>

#include "ntm/eval/report.h"

namespace ntm::eval {

at::Tensor beta_distributions(const at::Tensor& beta) {
  auto b = beta.to(torch::kFloat64);  // [K, V]
  const bool nonneg = b.min().item<double>() >= 0;
  const bool sums_one = (b.sum(1) - 1).abs().max().item<double>() < 1e-3;
  if (nonneg && sums_one) return b / b.sum(1, true);
  return torch::softmax(b, 1);
}

at::Tensor js_distances(const at::Tensor& dist) {
  auto p = dist.to(torch::kFloat64);               // [K, V]
  auto P = p.unsqueeze(1), Q = p.unsqueeze(0);     // [K, 1, V], [1, K, V]
  auto M = 0.5 * (P + Q);                          // [K, K, V]
  auto kl = [](const at::Tensor& a, const at::Tensor& m) {
    return torch::where(a > 0, a * (torch::log(a) - torch::log(m)), torch::zeros_like(a * m)).sum(-1);
  };
  auto js = 0.5 * kl(P, M) + 0.5 * kl(Q, M);       // [K, K]
  return torch::sqrt(js.clamp_min(0));
}

at::Tensor classical_mds(const at::Tensor& distances) {
  auto D2 = distances.to(torch::kFloat64).pow(2);  // [K, K]
  const int64_t K = D2.size(0);
  if (K < 2) return torch::zeros({K, 2}, torch::kFloat64);
  auto J = torch::eye(K, torch::kFloat64) - torch::full({K, K}, 1.0 / K, torch::kFloat64);
  auto B = -0.5 * J.matmul(D2).matmul(J);
  B = 0.5 * (B + B.t());
  auto [evals, evecs] = torch::linalg_eigh(B);     // ascending
  auto coords = torch::zeros({K, 2}, torch::kFloat64);
  for (int c = 0; c < 2 && c < K; ++c) {
    const int64_t i = K - 1 - c;
    const double lam = std::max(evals[i].item<double>(), 0.0);
    auto v = evecs.select(1, i);
    // Deterministic sign: the largest-magnitude component positive.
    if (v[v.abs().argmax()].item<double>() < 0) v = -v;
    coords.select(1, c).copy_(v * std::sqrt(lam));
  }
  return coords;
}

}  // namespace ntm::eval
