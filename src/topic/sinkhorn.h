#pragma once
// Entropic optimal transport as the reference's topic models compute it (private header: needs
// torch). Gradients are those of the unrolled loop through every iteration, as the reference's
// autograd computes them; each solver is one autograd node with that backward written out
// (sinkhorn.cpp), which is several times faster than a graph of two or more ops per iteration.
//
// sinkhorn_linear — ECRTM's embedding-clustering regulariser (method-spec §5.3): marginals
//   a = 1/n, b = 1/m, kernel exp(-alpha M), u0 = 1/n; iterate v = b/(Kᵀu + 1e-16),
//   u = a/(K v + 1e-16); at iterations 1, 51, 101, ... err = Σ_j |v_j (Kᵀu)_j - b_j|; stop when
//   err <= stop or after max_iter iterations; plan P = diag(u) K diag(v).
// sinkhorn_log — FASTopic's embedding transport plans (method-spec §5.4): log-kernel -alpha M,
//   log v = log b - LSE_i(logK + log u), log u = log a - LSE_j(logK + log v); at iterations 1,
//   51, 101, ... absorb (logK += log u + log vᵀ, u = v = 1) and measure
//   err = max(Σ_i |row_i - a_i|, Σ_j |col_j - b_j|); same stop rule; P = diag(u) exp(logK) diag(v).
// Both return cost = Σ P ⊙ M.
#include <torch/torch.h>

#include <cstdint>

namespace ntm::topic {

struct SinkhornOptions {
  double alpha = 20.0;     // kernel exp(-alpha M)
  double stop = 0.005;     // stop threshold on the marginal error
  int64_t max_iter = 1000;
  bool host_loops = true;  // on the CPU, run the iterations as plain loops (false: tensor ops, as on a GPU)
};

struct SinkhornResult {
  torch::Tensor plan;      // [n, m]
  torch::Tensor cost;      // scalar Σ P ⊙ M
  int64_t iterations = 0;  // iterations run
  double err = 0.0;        // the last measured marginal error
  int64_t log_domain_iterations = 0;  // sinkhorn_log: iterations not run as linear steps
};

// Squared Euclidean distances ‖x_i‖² + ‖y_j‖² − 2 x_i·y_j as the reference computes them: [n, m].
torch::Tensor pairwise_sq_dist(const torch::Tensor& x, const torch::Tensor& y);

// ECRTM: uniform marginals. M [n, m].
SinkhornResult sinkhorn_linear(const torch::Tensor& M, const SinkhornOptions& opts);

// FASTopic: marginals a [n] and b [m] (probabilities; log taken with +1e-30). M [n, m]. Between
// absorptions the iterations run as linear-domain steps on the absorbed kernel where the scalings
// stay within [1e-6, 1e6], else in the log domain: the same numbers up to rounding.
SinkhornResult sinkhorn_log(const torch::Tensor& M, const torch::Tensor& a, const torch::Tensor& b,
                            const SinkhornOptions& opts);

}  // namespace ntm::topic
