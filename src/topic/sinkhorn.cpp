#include "sinkhorn.h"

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

// The exact reverse of those T steps (what autograd computes through every iteration), in log
// gradients: glx, gly are the gradients of log x_T, log y_T on entry; on return glx is that of
// log x_0. Adds Σ_t (gradient of log x_t) to *gla and Σ_t (gradient of log y_t) to *glb where given
// (the gradients of log a, log b). Returns the kernel's gradient Σ_t (dr_t y_tᵀ + x_{t-1} ds_tᵀ),
// built from two matrix products over the stored vectors instead of two outer products per step.
torch::Tensor unrolled_backward(const torch::Tensor& K, const Unrolled& h, torch::Tensor& glx, torch::Tensor gly,
                                torch::Tensor* gla = nullptr, torch::Tensor* glb = nullptr) {
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

// ECRTM's linear-domain loop as one autograd node: the forward runs without a graph, the backward
// is the exact reverse of the unrolled loop (what autograd computes through every iteration).
struct LinearSinkhorn : torch::autograd::Function<LinearSinkhorn> {
  static variable_list forward(AutogradContext* ctx, const torch::Tensor& M, SinkhornOptions opts, SinkhornResult* out) {
    const int64_t n = M.size(0), m = M.size(1);
    auto a = torch::full({n}, 1.0 / static_cast<double>(n), M.options());  // [n]
    auto b = torch::full({m}, 1.0 / static_cast<double>(m), M.options());  // [m]
    auto K = torch::exp(-M * opts.alpha);                                    // [n, m]
    std::vector<torch::Tensor> xs{torch::full({n}, 1.0 / static_cast<double>(n), M.options())}, ys, rs, ss;
    double err = 1.0;
    int64_t it = 0;
    while (err > opts.stop && it < opts.max_iter) {
      ss.push_back(torch::mv(K.t(), xs.back()).add_(kLinearEps));  // [m]
      ys.push_back(b / ss.back());                                 // [m]
      rs.push_back(torch::mv(K, ys.back()).add_(kLinearEps));      // [n]
      xs.push_back(a / rs.back());                                 // [n]
      ++it;
      if (it % 50 == 1) err = torch::sum(torch::abs(ys.back() * torch::mv(K.t(), xs.back()) - b)).item<double>();
    }
    auto plan = xs.back().unsqueeze(1) * (K * ys.back().unsqueeze(0));  // [n, m]
    out->iterations = it;
    out->err = err;
    ctx->saved_data["alpha"] = opts.alpha;
    // detached: the plan is this node's output (saving it as is would make a reference cycle)
    ctx->saved_data["M"] = M.detach();
    ctx->saved_data["K"] = K;
    ctx->saved_data["P"] = plan.detach();
    ctx->saved_data["X"] = torch::stack(xs);
    ctx->saved_data["Y"] = torch::stack(ys);
    ctx->saved_data["R"] = torch::stack(rs);
    ctx->saved_data["S"] = torch::stack(ss);
    return {plan, torch::sum(plan * M)};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = [&](const char* key) { return ctx->saved_data[key].toTensor(); };
    const auto M = saved("M"), K = saved("K"), P = saved("P");
    const Unrolled h{saved("X"), saved("Y"), saved("R"), saved("S")};
    const int64_t T = h.Y.size(0);
    const auto &gP = grads[0], &gc = grads[1];
    auto dP = gc.defined() ? gc * M : torch::zeros_like(M);  // [n, m]
    if (gP.defined()) dP = dP + gP;
    auto dM = gc.defined() ? gc * P : torch::zeros_like(M);  // [n, m]
    // P = diag(x_T) K diag(y_T)
    auto dPK = dP * K;
    auto glx = torch::mv(dPK, h.Y[T - 1]) * h.X[T];  // [n] gradient of log x_T
    auto gly = torch::mv(dPK.t(), h.X[T]) * h.Y[T - 1];  // [m] gradient of log y_T
    auto dK = unrolled_backward(K, h, glx, gly) + dP * torch::outer(h.X[T], h.Y[T - 1]);
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

  static bool linear_steps(Segment& g, const torch::Tensor& ea, const torch::Tensor& eb, int64_t steps) {
    auto K = g.logK.exp();
    std::vector<torch::Tensor> xs{torch::ones_like(ea)}, ys, rs, ss;
    for (int64_t t = 0; t < steps; ++t) {
      ss.push_back(torch::mv(K.t(), xs.back()));  // [m]
      ys.push_back(eb / ss.back());               // [m]
      rs.push_back(torch::mv(K, ys.back()));      // [n]
      xs.push_back(ea / rs.back());               // [n]
    }
    Unrolled h{torch::stack(xs), torch::stack(ys), torch::stack(rs), torch::stack(ss)};
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
    std::vector<Segment> segs;
    double err = 1.0;
    int64_t it = 0;
    out->log_domain_iterations = 0;
    while (err > opts.stop && it < opts.max_iter) {
      const int64_t steps = std::min<int64_t>(it == 0 ? 1 : 50, opts.max_iter - it);
      Segment g;
      g.logK = logK;
      if (it == 0 || !linear_steps(g, ea, eb, steps)) {
        log_steps(g, log_a, log_b, steps);
        out->log_domain_iterations += steps;
      }
      it += steps;
      segs.push_back(g);
      if (it % 50 == 1) {  // absorb the scalings and measure the marginals
        logK = logK + g.lu_end(log_a).unsqueeze(1) + g.lv_end(log_b).unsqueeze(0);
        auto P = logK.exp();
        err = std::max(torch::sum(torch::abs(P.sum(1) - ea)).item<double>(), torch::sum(torch::abs(P.sum(0) - eb)).item<double>());
      }
    }
    const auto& last = segs.back();
    auto plan = it % 50 == 1 ? logK.exp()
                             : (logK + last.lu_end(log_a).unsqueeze(1) + last.lv_end(log_b).unsqueeze(0)).exp();
    out->iterations = it;
    out->err = err;
    ctx->saved_data["alpha"] = opts.alpha;
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
    const auto &gP = grads[0], &gc = grads[1];
    auto dP = gc.defined() ? gc * M : torch::zeros_like(M);  // [n, m]
    if (gP.defined()) dP = dP + gP;
    auto dM = gc.defined() ? gc * P : torch::zeros_like(M);
    auto gla = torch::zeros_like(log_a), glb = torch::zeros_like(log_b);
    // P = exp(logK + log u + log v) and an absorption logK' = logK + log u + log v have the same
    // reverse: the row and column sums of the gradient go to the scalings, the rest to logK.
    auto glogK = dP * P;
    auto list = [&](const char* key) { return ctx->saved_data[key].toTensorVector(); };
    const auto logK = list("logK"), K = list("K"), X = list("X"), Y = list("Y"), R = list("R"), S = list("S"),
               LU = list("LU"), LV = list("LV");
    const auto linear = ctx->saved_data["linear"].toIntVector();
    size_t lin = K.size(), lg = LU.size();  // segments of each kind not yet walked back
    for (size_t i = linear.size(); i-- > 0;) {
      torch::Tensor glu = glogK.sum(1), glv = glogK.sum(0);
      if (linear[i]) {
        --lin;
        glogK = glogK + unrolled_backward(K[lin], Unrolled{X[lin], Y[lin], R[lin], S[lin]}, glu, glv, &gla, &glb) * K[lin];
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

SinkhornResult sinkhorn_log_unrolled(const torch::Tensor& M, const torch::Tensor& a, const torch::Tensor& b,
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
