#include "sinkhorn.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "ntm/error.h"

namespace ntm::topic {

torch::Tensor pairwise_sq_dist(const torch::Tensor& x, const torch::Tensor& y) {
  return torch::sum(x * x, 1, /*keepdim=*/true) + torch::sum(y * y, 1) - 2 * torch::matmul(x, y.t());  // [n, m]
}

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

constexpr double kLinearEps = 1e-16;  // added to Kᵀu and K v, as the reference

// The scaling steps both solvers share: per iteration t, s_t = Kᵀx_{t-1} (+ε), y_t = b ⊘ s_t,
// r_t = K y_t (+ε), x_t = a ⊘ r_t. Unrolled keeps X [T+1, n] (row t: x_t), Y [T, m], R [T, n],
// S [T, m] (row t-1: step t).
struct Unrolled {
  torch::Tensor X, Y, R, S;
};

// Steps from x_0 on K [n, m] with ε added to both denominators: max_steps of them, or fewer where
// stop >= 0 and the error Σ_j |y_t (Kᵀx_t) − b|_j measured at steps 1, 51, 101, ... is <= stop
// (ECRTM's rule; a NaN error stops too, as the reference's loop condition does).
struct StepSpec {
  torch::Tensor a, b, x0;  // [n], [m], [n]
  double eps = 0.0;
  int64_t max_steps = 0;
  double stop = -1.0;
};
struct Steps {
  Unrolled h;
  int64_t steps = 0;
  double err = 1.0;
};

// Tensor ops, any device.
Steps tensor_steps(const torch::Tensor& K, const StepSpec& p) {
  std::vector<torch::Tensor> xs{p.x0}, ys, rs, ss;
  Steps out;
  while (out.steps < p.max_steps) {
    ss.push_back(torch::mv(K.t(), xs.back()).add_(p.eps));  // [m]
    ys.push_back(p.b / ss.back());                          // [m]
    rs.push_back(torch::mv(K, ys.back()).add_(p.eps));      // [n]
    xs.push_back(p.a / rs.back());                          // [n]
    if (++out.steps % 50 == 1 && p.stop >= 0) {
      out.err = torch::sum(torch::abs(ys.back() * torch::mv(K.t(), xs.back()) - p.b)).item<double>();
      if (!(out.err > p.stop)) break;
    }
  }
  out.h = Unrolled{torch::stack(xs), torch::stack(ys), torch::stack(rs), torch::stack(ss)};
  return out;
}

// On the host (CPU, float32 / float64) the steps run without a tensor op each, over the row-major
// K only: Kᵀx as one axpy per row (inner loop along the row), K y as one dot product per row with
// eight running partial sums (the same order whatever the vector width). Compiled twice, for AVX2
// where the CPU has it (no FMA): the same numbers either way.
template <typename T>
inline __attribute__((always_inline)) void kt_x_loop(const T* K, int64_t n, int64_t m, const T* x, T* out) {
  std::fill(out, out + m, T(0));
  for (int64_t i = 0; i < n; ++i) {
    const T xi = x[i];
    const T* row = K + i * m;
    for (int64_t j = 0; j < m; ++j) out[j] += row[j] * xi;
  }
}
template <typename T>
inline __attribute__((always_inline)) void k_y_loop(const T* K, int64_t n, int64_t m, const T* y, T* out) {
  for (int64_t i = 0; i < n; ++i) {
    const T* row = K + i * m;
    T acc[8] = {};
    int64_t j = 0;
    for (; j + 8 <= m; j += 8) {
      for (int k = 0; k < 8; ++k) acc[k] += row[j + k] * y[j + k];
    }
    T tail = 0;
    for (; j < m; ++j) tail += row[j] * y[j];
    out[i] = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail;
  }
}
#define NTM_SINKHORN_AVX2(T)                                                                                  \
  __attribute__((target("avx2"))) void kt_x_avx2(const T* K, int64_t n, int64_t m, const T* x, T* out) {     \
    kt_x_loop(K, n, m, x, out);                                                                               \
  }                                                                                                           \
  __attribute__((target("avx2"))) void k_y_avx2(const T* K, int64_t n, int64_t m, const T* y, T* out) {      \
    k_y_loop(K, n, m, y, out);                                                                                \
  }
NTM_SINKHORN_AVX2(float)
NTM_SINKHORN_AVX2(double)
#undef NTM_SINKHORN_AVX2
const bool kHostAvx2 = __builtin_cpu_supports("avx2");

template <typename T>
void kt_x(const T* K, int64_t n, int64_t m, const T* x, T* out) {  // out [m] = Kᵀx
  if (kHostAvx2) return kt_x_avx2(K, n, m, x, out);
  kt_x_loop(K, n, m, x, out);
}
template <typename T>
void k_y(const T* K, int64_t n, int64_t m, const T* y, T* out) {  // out [n] = K y
  if (kHostAvx2) return k_y_avx2(K, n, m, y, out);
  k_y_loop(K, n, m, y, out);
}

template <typename T>
torch::Tensor host_tensor(const std::vector<T>& v, int64_t rows, int64_t cols, const torch::Tensor& like) {
  return torch::from_blob(const_cast<T*>(v.data()), {rows, cols}, like.options()).clone();
}

template <typename T>
Steps host_steps(const torch::Tensor& K, const StepSpec& p) {
  const int64_t n = K.size(0), m = K.size(1);
  const auto Kc = K.contiguous(), a = p.a.contiguous(), b = p.b.contiguous();
  const T *pk = Kc.data_ptr<T>(), *pa = a.data_ptr<T>(), *pb = b.data_ptr<T>();
  const auto x0 = p.x0.contiguous();
  std::vector<T> X(x0.data_ptr<T>(), x0.data_ptr<T>() + n), Y, R, S, check(m);
  const T eps = static_cast<T>(p.eps);
  Steps out;
  while (out.steps < p.max_steps) {
    S.resize(S.size() + m), Y.resize(Y.size() + m), R.resize(R.size() + n), X.resize(X.size() + n);
    T *s = S.data() + S.size() - m, *y = Y.data() + Y.size() - m, *r = R.data() + R.size() - n;
    T *x_prev = X.data() + X.size() - 2 * n, *x = x_prev + n;
    kt_x(pk, n, m, x_prev, s);
    for (int64_t j = 0; j < m; ++j) y[j] = pb[j] / (s[j] += eps);
    k_y(pk, n, m, y, r);
    for (int64_t i = 0; i < n; ++i) x[i] = pa[i] / (r[i] += eps);
    if (++out.steps % 50 == 1 && p.stop >= 0) {
      kt_x(pk, n, m, x, check.data());
      double e = 0.0;
      for (int64_t j = 0; j < m; ++j) e += std::abs(static_cast<double>(y[j] * check[j] - pb[j]));
      out.err = e;
      if (!(out.err > p.stop)) break;
    }
  }
  const int64_t t = out.steps;
  out.h = Unrolled{host_tensor(X, t + 1, n, K), host_tensor(Y, t, m, K), host_tensor(R, t, n, K), host_tensor(S, t, m, K)};
  return out;
}

Steps run_steps(const torch::Tensor& K, const StepSpec& p, bool host_loops) {
  if (host_loops && K.device().is_cpu() && K.scalar_type() == torch::kFloat) return host_steps<float>(K, p);
  if (host_loops && K.device().is_cpu() && K.scalar_type() == torch::kDouble) return host_steps<double>(K, p);
  return tensor_steps(K, p);
}

// The exact reverse of those T steps (what autograd computes through every iteration), in log
// gradients: glx, gly are the gradients of log x_T, log y_T on entry; on return glx is that of
// log x_0. Adds Σ_t (gradient of log x_t) to *gla and Σ_t (gradient of log y_t) to *glb where given
// (the gradients of log a, log b). Returns the kernel's gradient Σ_t (dr_t y_tᵀ + x_{t-1} ds_tᵀ),
// built from two matrix products over the stored vectors instead of two outer products per step.
torch::Tensor tensor_backward(const torch::Tensor& K, const Unrolled& h, torch::Tensor& glx, torch::Tensor gly,
                              torch::Tensor* gla, torch::Tensor* glb) {
  const int64_t T = h.Y.size(0);
  auto DR = torch::empty_like(h.R), DS = torch::empty_like(h.S);
  for (int64_t t = T; t >= 1; --t) {
    if (gla) gla->add_(glx);
    auto dr = -glx / h.R[t - 1];  // log x_t = log a - log r_t
    auto from_r = torch::mv(K.t(), dr) * h.Y[t - 1];
    gly = gly.defined() ? gly + from_r : from_r;
    if (glb) glb->add_(gly);
    auto ds = -gly / h.S[t - 1];           // log y_t = log b - log s_t
    glx = torch::mv(K, ds) * h.X[t - 1];  // s_t = Kᵀ x_{t-1}
    gly = torch::Tensor();                 // y_{t-1} feeds only step t-1
    DR[t - 1].copy_(dr);
    DS[t - 1].copy_(ds);
  }
  return torch::mm(DR.t(), h.Y).addmm_(h.X.narrow(0, 0, T).t(), DS);  // [n, m]
}

// The same on the host, without a tensor op per step.
template <typename T>
torch::Tensor host_backward(const torch::Tensor& K, const Unrolled& h, torch::Tensor& glx, const torch::Tensor& gly,
                            torch::Tensor* gla, torch::Tensor* glb) {
  const int64_t n = K.size(0), m = K.size(1), steps = h.Y.size(0);
  const auto Kc = K.contiguous();
  const auto X = h.X.contiguous(), Y = h.Y.contiguous(), R = h.R.contiguous(), S = h.S.contiguous();
  const T *pk = Kc.data_ptr<T>(), *px = X.data_ptr<T>(), *py = Y.data_ptr<T>(),
          *pr = R.data_ptr<T>(), *ps = S.data_ptr<T>();
  auto host = [](const torch::Tensor& t, int64_t len) {
    if (!t.defined()) return std::vector<T>(len, T(0));
    const auto c = t.contiguous();
    return std::vector<T>(c.data_ptr<T>(), c.data_ptr<T>() + len);
  };
  std::vector<T> gx = host(glx, n), gy = host(gly, m), ga(n, T(0)), gb(m, T(0)), from_r(m), DR(steps * n), DS(steps * m);
  for (int64_t t = steps; t >= 1; --t) {
    T *dr = DR.data() + (t - 1) * n, *ds = DS.data() + (t - 1) * m;
    const T *x_prev = px + (t - 1) * n, *y = py + (t - 1) * m, *r = pr + (t - 1) * n, *s = ps + (t - 1) * m;
    for (int64_t i = 0; i < n; ++i) {
      ga[i] += gx[i];
      dr[i] = -gx[i] / r[i];  // log x_t = log a - log r_t
    }
    kt_x(pk, n, m, dr, from_r.data());
    for (int64_t j = 0; j < m; ++j) {
      gy[j] += from_r[j] * y[j];
      gb[j] += gy[j];
      ds[j] = -gy[j] / s[j];  // log y_t = log b - log s_t
      gy[j] = T(0);           // y_{t-1} feeds only step t-1
    }
    k_y(pk, n, m, ds, gx.data());  // s_t = Kᵀ x_{t-1}
    for (int64_t i = 0; i < n; ++i) gx[i] *= x_prev[i];
  }
  glx = host_tensor(gx, 1, n, K).reshape({n});
  if (gla) gla->add_(host_tensor(ga, 1, n, K).reshape({n}));
  if (glb) glb->add_(host_tensor(gb, 1, m, K).reshape({m}));
  return torch::mm(host_tensor(DR, steps, n, K).t(), Y).addmm_(X.narrow(0, 0, steps).t(), host_tensor(DS, steps, m, K));
}

torch::Tensor unrolled_backward(const torch::Tensor& K, const Unrolled& h, torch::Tensor& glx, const torch::Tensor& gly,
                                bool host_loops, torch::Tensor* gla = nullptr, torch::Tensor* glb = nullptr) {
  if (host_loops && K.device().is_cpu() && K.scalar_type() == torch::kFloat) return host_backward<float>(K, h, glx, gly, gla, glb);
  if (host_loops && K.device().is_cpu() && K.scalar_type() == torch::kDouble) return host_backward<double>(K, h, glx, gly, gla, glb);
  return tensor_backward(K, h, glx, gly, gla, glb);
}

// Both solvers return (P, cost = Σ P ⊙ M): from their gradients (either may be undefined) the
// gradient reaching P, and M's direct part (cost's P ⊙ dcost).
std::pair<torch::Tensor, torch::Tensor> plan_cost_backward(const variable_list& grads, const torch::Tensor& M,
                                                           const torch::Tensor& P) {
  const auto &gP = grads[0], &gc = grads[1];
  auto dP = gc.defined() ? gc * M : torch::zeros_like(M);  // [n, m]
  if (gP.defined()) dP = dP + gP;
  return {dP, gc.defined() ? gc * P : torch::zeros_like(M)};
}

// ECRTM's linear-domain loop as one autograd node: the forward runs without a graph, the backward
// is the exact reverse of the unrolled loop (what autograd computes through every iteration).
struct LinearSinkhorn : torch::autograd::Function<LinearSinkhorn> {
  static variable_list forward(AutogradContext* ctx, const torch::Tensor& M, SinkhornOptions opts, SinkhornResult* out) {
    const int64_t n = M.size(0), m = M.size(1);
    auto a = torch::full({n}, 1.0 / static_cast<double>(n), M.options());  // [n]
    auto b = torch::full({m}, 1.0 / static_cast<double>(m), M.options());  // [m]
    auto K = torch::exp(-M * opts.alpha);                                    // [n, m]
    const auto x0 = torch::full({n}, 1.0 / static_cast<double>(n), M.options());
    auto run = run_steps(K, StepSpec{a, b, x0, kLinearEps, opts.max_iter, opts.stop}, opts.host_loops);
    const auto& h = run.h;
    auto plan = h.X[-1].unsqueeze(1) * (K * h.Y[-1].unsqueeze(0));  // [n, m]
    out->iterations = run.steps;
    out->err = run.err;
    ctx->saved_data["alpha"] = opts.alpha;
    ctx->saved_data["host_loops"] = opts.host_loops;
    // detached: the plan is this node's output (saving it as is would make a reference cycle)
    ctx->saved_data["M"] = M.detach();
    ctx->saved_data["K"] = K;
    ctx->saved_data["P"] = plan.detach();
    ctx->saved_data["X"] = h.X;
    ctx->saved_data["Y"] = h.Y;
    ctx->saved_data["R"] = h.R;
    ctx->saved_data["S"] = h.S;
    return {plan, torch::sum(plan * M)};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = [&](const char* key) { return ctx->saved_data[key].toTensor(); };
    const auto M = saved("M"), K = saved("K"), P = saved("P");
    const Unrolled h{saved("X"), saved("Y"), saved("R"), saved("S")};
    const int64_t T = h.Y.size(0);
    auto [dP, dM] = plan_cost_backward(grads, M, P);
    // P = diag(x_T) K diag(y_T)
    auto dPK = dP * K;
    auto glx = torch::mv(dPK, h.Y[T - 1]) * h.X[T];  // [n] gradient of log x_T
    auto gly = torch::mv(dPK.t(), h.X[T]) * h.Y[T - 1];  // [m] gradient of log y_T
    auto dK = unrolled_backward(K, h, glx, gly, ctx->saved_data["host_loops"].toBool()) + dP * torch::outer(h.X[T], h.Y[T - 1]);
    dM.add_(dK * K, -ctx->saved_data["alpha"].toDouble());  // K = exp(-αM)
    return {dM, torch::Tensor(), torch::Tensor()};
  }
};

// FASTopic's log-domain loop as one autograd node, with the reference's numbers up to rounding.
// At iterations 1, 51, 101, ... the scalings are absorbed into the kernel, so the iterations fall
// into segments (iteration 1, then runs of up to 50) on a fixed kernel logK_s. A segment runs as
// the linear steps above on exp(logK_s), with x = e^{log u}, y = e^{log v}: two matrix-vector
// products per iteration instead of two log-sum-exps over the matrix. Where that segment's
// scalings leave [1e-6, 1e6] (early in training the first segments' reach 1e25; the written-out
// backward would overflow in float32) it is run again in the log domain, as the reference does.
struct LogSinkhorn : torch::autograd::Function<LogSinkhorn> {
  struct Segment {
    torch::Tensor logK, K;  // [n, m] the segment's kernel (log) and, for linear steps, its exp
    Unrolled h;             // linear steps
    torch::Tensor LU, LV;   // log-domain steps: [T, n] log u_t, [T, m] log v_t
    // the last log u, log v
    torch::Tensor lu_end(const torch::Tensor& log_a) const { return K.defined() ? log_a - h.R[-1].log() : LU[-1]; }
    torch::Tensor lv_end(const torch::Tensor& log_b) const { return K.defined() ? log_b - h.S[-1].log() : LV[-1]; }
  };

  // K = exp(g.logK), the plan the absorption measured
  static bool linear_steps(Segment& g, const torch::Tensor& K, const torch::Tensor& ea, const torch::Tensor& eb,
                           int64_t steps, bool host_loops) {
    auto h = run_steps(K, StepSpec{ea, eb, torch::ones_like(ea), 0.0, steps}, host_loops).h;
    for (const auto& v : {h.X, h.Y}) {
      if (!(v.min().item<double>() >= 1e-6 && v.max().item<double>() <= 1e6)) return false;
    }
    g.K = K;
    g.h = h;
    return true;
  }

  static void log_steps(Segment& g, const torch::Tensor& log_a, const torch::Tensor& log_b, int64_t steps) {
    std::vector<torch::Tensor> lus, lvs;
    auto lu = torch::zeros_like(log_a);
    for (int64_t t = 0; t < steps; ++t) {
      lvs.push_back(log_b - torch::logsumexp(g.logK + lu.unsqueeze(1), 0));            // [m]
      lus.push_back(log_a - torch::logsumexp(g.logK + lvs.back().unsqueeze(0), 1));  // [n]
      lu = lus.back();
    }
    g.LU = torch::stack(lus);
    g.LV = torch::stack(lvs);
  }

  // Reverse of a log-domain segment: log u_t = log a - LSE_j(logK + log v_t),
  // log v_t = log b - LSE_i(logK + log u_{t-1}); the softmax weights are recomputed from the
  // stored scalings (LSE = log a - log u_t, resp. log b - log v_t).
  static void log_backward(const Segment& g, const torch::Tensor& log_a, const torch::Tensor& log_b, torch::Tensor glu,
                           torch::Tensor glv, torch::Tensor& glogK, torch::Tensor& gla, torch::Tensor& glb) {
    for (int64_t t = g.LU.size(0) - 1; t >= 0; --t) {
      gla.add_(glu);
      auto dY = -glu.unsqueeze(1) * (g.logK + g.LV[t].unsqueeze(0) + (g.LU[t] - log_a).unsqueeze(1)).exp();  // [n, m]
      glogK = glogK + dY;
      glv = glv + dY.sum(0);
      glb.add_(glv);
      auto lu_prev = t > 0 ? g.LU[t - 1] : torch::zeros_like(log_a);
      auto dX = -glv.unsqueeze(0) * (g.logK + lu_prev.unsqueeze(1) + (g.LV[t] - log_b).unsqueeze(0)).exp();  // [n, m]
      glogK = glogK + dX;
      glu = dX.sum(1);
      glv = torch::zeros_like(glv);
    }
  }

  static variable_list forward(AutogradContext* ctx, const torch::Tensor& M, const torch::Tensor& log_a,
                               const torch::Tensor& log_b, SinkhornOptions opts, SinkhornResult* out) {
    const auto ea = log_a.exp(), eb = log_b.exp();  // a + 1e-30, b + 1e-30
    auto logK = -opts.alpha * M;                    // [n, m]
    torch::Tensor P;                                // exp(logK) after each absorption
    std::vector<Segment> segs;
    double err = 1.0;
    int64_t it = 0;
    out->log_domain_iterations = 0;
    while (err > opts.stop && it < opts.max_iter) {
      const int64_t steps = std::min<int64_t>(it == 0 ? 1 : 50, opts.max_iter - it);
      Segment g;
      g.logK = logK;
      if (it == 0 || !linear_steps(g, P, ea, eb, steps, opts.host_loops)) {
        log_steps(g, log_a, log_b, steps);
        out->log_domain_iterations += steps;
      }
      it += steps;
      segs.push_back(g);
      if (it % 50 == 1) {  // absorb the scalings and measure the marginals
        logK = logK + g.lu_end(log_a).unsqueeze(1) + g.lv_end(log_b).unsqueeze(0);
        P = logK.exp();
        err = std::max(torch::sum(torch::abs(P.sum(1) - ea)).item<double>(), torch::sum(torch::abs(P.sum(0) - eb)).item<double>());
      }
    }
    const auto& last = segs.back();
    auto plan = it % 50 == 1 ? P
                             : (logK + last.lu_end(log_a).unsqueeze(1) + last.lv_end(log_b).unsqueeze(0)).exp();
    out->iterations = it;
    out->err = err;
    ctx->saved_data["alpha"] = opts.alpha;
    ctx->saved_data["host_loops"] = opts.host_loops;
    // detached: the plan is this node's output (saving it as is would make a reference cycle)
    for (const auto& [key, t] : {std::pair<const char*, torch::Tensor>{"M", M}, {"P", plan}, {"log_a", log_a}, {"log_b", log_b}}) {
      ctx->saved_data[key] = t.detach();
    }
    // per segment its kernel; the steps of linear segments in one set of lists, of log ones in another
    std::vector<torch::Tensor> logK_s, K, X, Y, R, S, LU, LV;
    std::vector<int64_t> linear;
    for (const auto& g : segs) {
      logK_s.push_back(g.logK);
      linear.push_back(g.K.defined() ? 1 : 0);
      if (g.K.defined()) {
        K.push_back(g.K), X.push_back(g.h.X), Y.push_back(g.h.Y), R.push_back(g.h.R), S.push_back(g.h.S);
      } else {
        LU.push_back(g.LU), LV.push_back(g.LV);
      }
    }
    ctx->saved_data["linear"] = linear;
    for (auto& [key, list] : {std::pair<const char*, std::vector<torch::Tensor>*>{"logK", &logK_s}, {"K", &K}, {"X", &X},
                              {"Y", &Y}, {"R", &R}, {"S", &S}, {"LU", &LU}, {"LV", &LV}}) {
      ctx->saved_data[key] = *list;
    }
    return {plan, torch::sum(plan * M)};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = [&](const char* key) { return ctx->saved_data[key].toTensor(); };
    const auto M = saved("M"), P = saved("P"), log_a = saved("log_a"), log_b = saved("log_b");
    auto [dP, dM] = plan_cost_backward(grads, M, P);
    auto gla = torch::zeros_like(log_a), glb = torch::zeros_like(log_b);
    // P = exp(logK + log u + log v) and an absorption logK' = logK + log u + log v have the same
    // reverse: the row and column sums of the gradient go to the scalings, the rest to logK.
    auto glogK = dP * P;
    auto list = [&](const char* key) { return ctx->saved_data[key].toTensorVector(); };
    const auto logK = list("logK"), K = list("K"), X = list("X"), Y = list("Y"), R = list("R"), S = list("S"),
               LU = list("LU"), LV = list("LV");
    const auto linear = ctx->saved_data["linear"].toIntVector();
    const bool host_loops = ctx->saved_data["host_loops"].toBool();
    size_t lin = K.size(), lg = LU.size();  // segments of each kind not yet walked back
    for (size_t i = linear.size(); i-- > 0;) {
      torch::Tensor glu = glogK.sum(1), glv = glogK.sum(0);
      if (linear[i]) {
        --lin;
        glogK = glogK + unrolled_backward(K[lin], Unrolled{X[lin], Y[lin], R[lin], S[lin]}, glu, glv, host_loops, &gla, &glb) * K[lin];
      } else {
        --lg;
        Segment g;
        g.logK = logK[i];
        g.LU = LU[lg];
        g.LV = LV[lg];
        log_backward(g, log_a, log_b, glu, glv, glogK, gla, glb);
      }
    }
    dM.add_(glogK, -ctx->saved_data["alpha"].toDouble());  // logK_0 = -αM
    return {dM, gla, glb, torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

SinkhornResult sinkhorn_linear(const torch::Tensor& M, const SinkhornOptions& opts) {
  NTM_CHECK(M.dim() == 2, "sinkhorn: the cost must be a matrix");
  NTM_CHECK(opts.max_iter >= 1 && opts.stop < 1.0, "sinkhorn: max_iter must be >= 1 and the stop threshold < 1");
  SinkhornResult r;
  auto out = LinearSinkhorn::apply(M, opts, &r);
  r.plan = out[0];
  r.cost = out[1];
  return r;
}

SinkhornResult sinkhorn_log(const torch::Tensor& M, const torch::Tensor& a, const torch::Tensor& b,
                            const SinkhornOptions& opts) {
  NTM_CHECK(M.dim() == 2 && a.numel() == M.size(0) && b.numel() == M.size(1), "sinkhorn: marginals do not fit M");
  NTM_CHECK(opts.max_iter >= 1, "sinkhorn: max_iter must be >= 1");
  const int64_t n = M.size(0), m = M.size(1);
  SinkhornResult r;
  auto out = LogSinkhorn::apply(M, torch::log(a.reshape({n}) + 1e-30), torch::log(b.reshape({m}) + 1e-30), opts, &r);
  r.plan = out[0];
  r.cost = out[1];
  return r;
}

}  // namespace ntm::topic
