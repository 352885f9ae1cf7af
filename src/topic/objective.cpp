#include "ntm/topic/objective.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "ntm/error.h"

namespace ntm::topic {

MaskMode parse_mask_mode(const std::string& s, const std::string& where) {
  if (s == "neg_inf") return MaskMode::kNegInf;
  if (s == "multiplicative") return MaskMode::kMultiplicative;
  usage_error(where, ": unknown mask mode '", s, "' (use neg_inf or multiplicative)");
}

LossType parse_loss_type(const std::string& s, const std::string& where) {
  if (s == "KL" || s == "kl") return LossType::kKL;
  if (s == "CE" || s == "ce") return LossType::kCE;
  usage_error(where, ": unknown loss type '", s, "' (use KL or CE)");
}

const char* to_string(MaskMode m) { return m == MaskMode::kNegInf ? "neg_inf" : "multiplicative"; }
const char* to_string(LossType t) { return t == LossType::kKL ? "KL" : "CE"; }

int64_t resolve_topk(int64_t topk, double sparsity_ratio, int64_t vocab_size) {
  int64_t k = topk > 0 ? topk : static_cast<int64_t>(std::ceil(sparsity_ratio * static_cast<double>(vocab_size)));
  if (k < 1) k = 1;
  if (k > vocab_size) k = vocab_size;
  return k;
}

at::Tensor mask_topk(const at::Tensor& logits, int64_t k, MaskMode mode) {
  NTM_CHECK(logits.dim() == 2, "logits must be [B, V]");
  const int64_t V = logits.size(1);
  if (k >= V) return logits.clone();
  auto [vals, idx] = torch::topk(logits, k, /*dim=*/1);  // [B, k]
  const double fill = mode == MaskMode::kNegInf ? -std::numeric_limits<double>::infinity() : 0.0;
  return torch::full_like(logits, fill).scatter_(1, idx, vals);
}

at::Tensor teacher_distribution(const at::Tensor& logits, int64_t k, MaskMode mode, double temperature) {
  return torch::softmax(mask_topk(logits, k, mode) / temperature, -1);
}

at::Tensor reconstruction_loss(const at::Tensor& teacher, const at::Tensor& student, LossType type) {
  if (type == LossType::kCE) return -torch::sum(teacher * torch::log(student + 1e-10), 1);
  auto t = teacher.clamp_min(1e-9);
  auto s = student.clamp_min(1e-9);
  return torch::sum(t * torch::log(t / s), 1);
}

at::Tensor gaussian_kl(const at::Tensor& prior_mean, const at::Tensor& prior_variance, const at::Tensor& mu,
                       const at::Tensor& logvar) {
  const int64_t K = mu.size(1);
  auto var_division = torch::sum(torch::exp(logvar) / prior_variance, 1);  // [B]
  auto diff = prior_mean - mu;                                             // [B, K]
  auto diff_term = torch::sum(diff * diff / prior_variance, 1);            // [B]
  auto logdet = prior_variance.log().sum() - logvar.sum(1);                // [B]
  return 0.5 * (var_division + diff_term - static_cast<double>(K) + logdet);
}

ReconTarget make_teacher_target(const at::Tensor& logits, int64_t k, MaskMode mode, double temperature,
                                LossType type) {
  NTM_CHECK(logits.dim() == 2, "logits must be [D, V]");
  torch::NoGradGuard no_grad;
  const int64_t D = logits.size(0);
  ReconTarget target;
  target.weight = torch::empty(logits.sizes(), logits.options().dtype(torch::kFloat32));
  target.kl = type == LossType::kKL;
  const int64_t block = 4096;
  for (int64_t b = 0; b < D; b += block) {
    const int64_t e = std::min(D, b + block);
    auto t = teacher_distribution(logits.slice(0, b, e).to(torch::kFloat32), k, mode, temperature);  // [b, V]
    if (type == LossType::kKL) t = t.clamp_min(1e-9);
    target.weight.slice(0, b, e).copy_(t);
  }
  return target;
}

at::Tensor target_loss(const at::Tensor& student, const at::Tensor& weight, bool kl) {
  // The reference's operations, in its order (teacher already clamped for KL).
  if (kl) return torch::sum(weight * torch::log(weight / student.clamp_min(1e-9)), 1);  // [B]
  return -torch::sum(weight * torch::log(student + 1e-10), 1);                           // [B]
}

}  // namespace ntm::topic
