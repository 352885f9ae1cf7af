#pragma once
// The DSL objective (method-spec §4): top-k / sparsity-ratio masking of the LM logits, the
// teacher distribution softmax(masked / T), the reconstruction loss (KL with 1e-9 clamps, or CE)
// and the Gaussian VAE KL term of the ProdLDA family.
//
// The training loop precomputes the teacher once per document (ReconTarget) and then applies the
// reference's own operations to it (target_loss), so losses and gradients match the reference
// bit for bit on CPU.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

namespace ntm::topic {

// How entries outside the per-row top-k are masked.
enum class MaskMode {
  kNegInf,          // "neg_inf": set to -inf (probability 0 after softmax) — DSL-ProdLDA, DSL-FASTopic
  kMultiplicative,  // "multiplicative": set to 0.0 (a logit of 0) — DSL-ETM, DSL-ECRTM
};
enum class LossType {
  kKL,  // "KL": sum t' log(t'/s') with t' = max(t, 1e-9), s' = max(s, 1e-9)
  kCE,  // "CE": -sum t log(s + 1e-10) (ProdLDA variant: t is the softmaxed teacher)
};

MaskMode parse_mask_mode(const std::string& s, const std::string& where);
LossType parse_loss_type(const std::string& s, const std::string& where);
const char* to_string(MaskMode m);
const char* to_string(LossType t);

// k = topk when topk > 0, else ceil(sparsity_ratio * V) (clamped to [1, V]).
int64_t resolve_topk(int64_t topk, double sparsity_ratio, int64_t vocab_size);

// logits [B, V] -> masked copy [B, V]; k >= V returns an unmasked copy. Ties as at::topk.
at::Tensor mask_topk(const at::Tensor& logits, int64_t k, MaskMode mode);

// softmax(mask_topk(logits) / T) over the last axis, [B, V].
at::Tensor teacher_distribution(const at::Tensor& logits, int64_t k, MaskMode mode, double temperature);

// Per-document reconstruction loss [B] between a teacher t [B, V] (probabilities) and a student
// s [B, V] (probabilities), exactly as the reference computes it.
at::Tensor reconstruction_loss(const at::Tensor& teacher, const at::Tensor& student, LossType type);

// VAE KL per document [B] between the diagonal Gaussian posterior (mu, logvar) [B, K] and the
// prior (prior_mean, prior_variance) [K]:
// 0.5 * (sum var/pvar + sum (pm - mu)^2/pvar - K + sum log pvar - sum logvar).
at::Tensor gaussian_kl(const at::Tensor& prior_mean, const at::Tensor& prior_variance, const at::Tensor& mu,
                       const at::Tensor& logvar);

// The reconstruction target in the form the training loop uses:
//   KL (kl = true):  RL_d = sum_v w_dv * log(w_dv / max(s_dv, 1e-9)),  w = max(teacher, 1e-9)
//   CE (kl = false): RL_d = -sum_v w_dv * log(s_dv + 1e-10),           w = teacher or BoW counts
struct ReconTarget {
  at::Tensor weight;  // [D, V] float32
  bool kl = true;
};

// Builds the target for soft-label logits [D, V] (processed in row blocks to bound memory).
ReconTarget make_teacher_target(const at::Tensor& logits, int64_t k, MaskMode mode, double temperature,
                                LossType type);

// RL [B] for a student s [B, V] and target rows weight [B, V] (see ReconTarget).
at::Tensor target_loss(const at::Tensor& student, const at::Tensor& weight, bool kl);

}  // namespace ntm::topic
