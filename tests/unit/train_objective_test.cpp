// The DSL objective on hand-made logits (method-spec §4, §10): both mask conventions, k from
// topk / sparsity_ratio, teacher softmax, KL with clamps, CE, the VAE KL term.
#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "catch.h"
#include "ntm/error.h"
#include "ntm/topic/model.h"
#include "ntm/topic/objective.h"

using namespace ntm::topic;

namespace {
const double kInf = std::numeric_limits<double>::infinity();
at::Tensor fixed_logits() { return torch::tensor({1.0f, 5.0f, 3.0f, 2.0f, 4.0f, 4.0f, 0.0f, -1.0f}).view({2, 4}); }
}  // namespace

TEST_CASE("top-k masking: neg_inf and multiplicative on a fixed matrix", "[unit][train]") {
  auto l = fixed_logits();
  auto neg = mask_topk(l, 2, MaskMode::kNegInf);
  auto mul = mask_topk(l, 2, MaskMode::kMultiplicative);
  // Row 0 keeps 5 (col 1) and 3 (col 2); row 1 keeps the tied 4s (cols 0, 1).
  CHECK(torch::equal(neg, torch::tensor({-kInf, 5.0, 3.0, -kInf, 4.0, 4.0, -kInf, -kInf}).to(torch::kFloat).view({2, 4})));
  CHECK(torch::equal(mul, torch::tensor({0.0f, 5.0f, 3.0f, 0.0f, 4.0f, 4.0f, 0.0f, 0.0f}).view({2, 4})));
  // k = V masks nothing in either mode.
  CHECK(torch::equal(mask_topk(l, 4, MaskMode::kNegInf), l));
  CHECK(torch::equal(mask_topk(l, 4, MaskMode::kMultiplicative), l));
  // The input is not modified.
  CHECK(torch::equal(l, fixed_logits()));
}

TEST_CASE("k = ceil(ratio * V); an explicit top-k overrides the ratio", "[unit][train]") {
  CHECK(resolve_topk(0, 1.0, 2000) == 2000);
  CHECK(resolve_topk(0, 0.5, 2000) == 1000);
  CHECK(resolve_topk(0, 0.25, 10) == 3);   // ceil(2.5)
  CHECK(resolve_topk(0, 0.001, 10) == 1);  // ceil(0.01)
  CHECK(resolve_topk(7, 0.5, 2000) == 7);
  CHECK(resolve_topk(5000, 1.0, 2000) == 2000);
  CHECK(parse_mask_mode("neg_inf", "x") == MaskMode::kNegInf);
  CHECK(parse_mask_mode("multiplicative", "x") == MaskMode::kMultiplicative);
  CHECK_THROWS_AS(parse_mask_mode("zero", "--mask-mode"), ntm::Error);
  CHECK(parse_loss_type("KL", "x") == LossType::kKL);
  CHECK(parse_loss_type("CE", "x") == LossType::kCE);
  CHECK_THROWS_AS(parse_loss_type("MSE", "--loss-type"), ntm::Error);
}

TEST_CASE("teacher = softmax(masked / T) in both conventions", "[unit][train]") {
  auto l = fixed_logits();
  const double T = 3.0;
  auto t_neg = teacher_distribution(l, 2, MaskMode::kNegInf, T);
  // Row 0: only cols 1, 2 remain: e^(5/3) / (e^(5/3) + e^(3/3)).
  const double a = std::exp(5.0 / 3.0), b = std::exp(1.0);
  CHECK(t_neg[0][1].item<double>() == Approx(a / (a + b)).epsilon(1e-6));
  CHECK(t_neg[0][2].item<double>() == Approx(b / (a + b)).epsilon(1e-6));
  CHECK(t_neg[0][0].item<double>() == 0.0);
  CHECK(t_neg[0][3].item<double>() == 0.0);
  CHECK(t_neg[1][0].item<double>() == Approx(0.5).epsilon(1e-6));
  // Multiplicative: masked entries are logits of 0, so they keep probability e^0 / Z.
  auto t_mul = teacher_distribution(l, 2, MaskMode::kMultiplicative, T);
  const double z = 1.0 + a + b + 1.0;
  CHECK(t_mul[0][0].item<double>() == Approx(1.0 / z).epsilon(1e-6));
  CHECK(t_mul[0][1].item<double>() == Approx(a / z).epsilon(1e-6));
  CHECK(t_mul[0][3].item<double>() == Approx(1.0 / z).epsilon(1e-6));
  CHECK(torch::allclose(t_mul.sum(1), torch::ones({2})));
}

TEST_CASE("KL: >= 0, 0 when s = t, clamps at 1e-9 after the softmax", "[unit][train]") {
  torch::manual_seed(3);
  auto t = torch::softmax(torch::randn({6, 10}), 1);
  auto s = torch::softmax(torch::randn({6, 10}), 1);
  auto kl = reconstruction_loss(t, s, LossType::kKL);  // [6]
  CHECK((kl >= 0).all().item<bool>());
  CHECK(reconstruction_loss(t, t, LossType::kKL).abs().max().item<double>() < 1e-6);
  // A neg_inf-masked teacher has exact zeros; the clamp turns them into 1e-9 (no renormalisation).
  auto t0 = torch::tensor({1.0f, 0.0f}).view({1, 2});
  auto s0 = torch::tensor({0.5f, 0.5f}).view({1, 2});
  const double expected = std::log(2.0) + 1e-9 * std::log(1e-9 / 0.5);
  CHECK(reconstruction_loss(t0, s0, LossType::kKL).item<double>() == Approx(expected).epsilon(1e-6));
  // A student probability below 1e-9 is clamped too: t = [0.5, 0.5], s = [1, 1e-12].
  auto s1 = torch::tensor({1.0f, 1e-12f}).view({1, 2});
  auto t1 = torch::tensor({0.5f, 0.5f}).view({1, 2});
  const double expected1 = 0.5 * std::log(0.5) + 0.5 * std::log(0.5 / 1e-9);
  CHECK(reconstruction_loss(t1, s1, LossType::kKL).item<double>() == Approx(expected1).epsilon(1e-5));
}

TEST_CASE("CE = -sum t log(s + 1e-10); differs from KL by the teacher entropy", "[unit][train]") {
  auto t = torch::tensor({0.25f, 0.75f}).view({1, 2});
  auto s = torch::tensor({0.5f, 0.5f}).view({1, 2});
  const double ce = -(0.25 * std::log(0.5 + 1e-10) + 0.75 * std::log(0.5 + 1e-10));
  CHECK(reconstruction_loss(t, s, LossType::kCE).item<double>() == Approx(ce).epsilon(1e-6));
  const double entropy = -(0.25 * std::log(0.25) + 0.75 * std::log(0.75));
  CHECK(reconstruction_loss(t, s, LossType::kKL).item<double>() == Approx(ce - entropy).epsilon(1e-5));
}

TEST_CASE("precomputed teacher target gives the reference's loss", "[unit][train]") {
  torch::manual_seed(5);
  auto logits = torch::randn({7, 12}) * 4;  // [D, V]
  auto student = torch::softmax(torch::randn({7, 12}), 1);
  for (auto mode : {MaskMode::kNegInf, MaskMode::kMultiplicative}) {
    for (auto type : {LossType::kKL, LossType::kCE}) {
      const int64_t k = 5;
      auto direct = reconstruction_loss(teacher_distribution(logits, k, mode, 3.0), student, type);
      auto target = make_teacher_target(logits, k, mode, 3.0, type);
      auto via = target_loss(student, target.weight, target.kl);
      INFO(to_string(mode) << " " << to_string(type));
      CHECK(torch::allclose(direct, via, 1e-6, 1e-6));
    }
  }
}

TEST_CASE("VAE KL term: 0 at the prior, hand value otherwise", "[unit][train]") {
  const int64_t K = 4;
  auto pm = torch::zeros({K});
  auto pv = torch::full({K}, 1.0 - 1.0 / K);
  auto mu = torch::zeros({2, K});
  auto logvar = pv.log().expand({2, K}).clone();
  CHECK(gaussian_kl(pm, pv, mu, logvar).abs().max().item<double>() < 1e-6);
  // mu = 1, logvar = 0: 0.5 * (K/pv + K/pv - K + K log pv).
  auto kl = gaussian_kl(pm, pv, torch::ones({1, K}), torch::zeros({1, K}));
  const double v = 0.75;
  CHECK(kl.item<double>() == Approx(0.5 * (K / v + K / v - K + K * std::log(v))).epsilon(1e-6));
}

TEST_CASE("registry: explicit table, unknown names list the valid ones", "[unit][train]") {
  std::vector<std::string> names;
  for (const auto& e : model_registry()) names.push_back(e.name);
  CHECK(names == std::vector<std::string>{"dsl-prodlda", "prodlda", "zeroshot", "combined", "dsl-etm", "etm", "dsl-ecrtm", "ecrtm", "dsl-fastopic", "fastopic", "lda"});
  try {
    find_model("dsl-prodlad");
    FAIL("expected an error");
  } catch (const ntm::Error& e) {
    CHECK(std::string(e.what()).find("dsl-prodlda, prodlda, zeroshot, combined, dsl-etm, etm, dsl-ecrtm, ecrtm, dsl-fastopic, fastopic, lda") != std::string::npos);
  }
}
