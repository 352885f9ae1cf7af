// ECRTM and DSL-ECRTM (src/topic/ecrtm_model.cpp, method-spec §5.3 / §6): shapes, simplex, β
// columns normalised over topics, frozen BatchNorm scales, the loss against the formulas computed
// here from the model's own parameters, the ECR Sinkhorn marginals, word-embedding init, finite
// training and seed determinism.
#include <torch/torch.h>

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <map>

#include "catch.h"
#include "ntm/topic/adam.h"
#include "ntm/topic/model.h"
#include "ntm/topic/objective.h"
#include "topic/ecrtm_model.h"

using namespace ntm::topic;

namespace {

constexpr int64_t kB = 8, kV = 12, kH = 5, kK = 3;

TrainOptions ecrtm_options(const std::string& model) {
  TrainOptions o;
  o.model = model;
  o.num_topics = kK;
  o.hidden_sizes = {7, 7};
  o.encoder_dropout = 0.0;
  o.loss_weight = 1000.0;
  return o;
}

Batch make_batch(bool dsl, uint64_t seed = 11) {
  auto g = at::detail::createCPUGenerator(seed);
  Batch b;
  auto counts = torch::floor(torch::rand({kB, kV}, g) * 4);  // [B, V]
  counts.index_put_({torch::indexing::Slice(), 0}, 1.0);
  if (dsl) {
    b.x = torch::randn({kB, kH}, g);
    auto logits = torch::randn({kB, kV}, g) * 2;
    b.weight = make_teacher_target(logits, kV, MaskMode::kMultiplicative, 3.0, LossType::kKL).weight;
    b.kl = true;
  } else {
    b.bow = counts;
    b.weight = counts;
    b.kl = false;
  }
  b.eps = torch::randn({kB, kK}, g);
  return b;
}

std::map<std::string, torch::Tensor> params(TopicModel& m) {
  std::map<std::string, torch::Tensor> p;
  for (auto& [n, t] : m.named_state()) p[n] = t.detach();
  return p;
}

// Training-mode BatchNorm with scale w, shift b (batch statistics, biased variance, eps 1e-5).
torch::Tensor bn(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b) {
  auto mean = x.mean(0, true);
  auto var = ((x - mean) * (x - mean)).mean(0, true);
  return (x - mean) / torch::sqrt(var + 1e-5) * w + b;
}

// Reconstruction + KL by the formulas of method-spec §5.3 / §6 (the ECR term is checked apart).
double expected_loss_without_ecr(TopicModel& m, const Batch& b, bool dsl) {
  auto p = params(m);
  auto lin = [&](const std::string& n, const torch::Tensor& x) {
    return torch::matmul(x, p[n + ".weight"].t()) + p[n + ".bias"];
  };
  auto in = dsl ? b.x : b.bow;
  auto h = torch::softplus(lin("fc12", torch::softplus(lin("fc11", in))));
  auto mu = bn(lin("fc21", h), p["mean_bn.weight"], p["mean_bn.bias"]);
  auto logvar = bn(lin("fc22", h), p["logvar_bn.weight"], p["logvar_bn.bias"]);
  auto theta = torch::softmax(mu + *b.eps * torch::exp(0.5 * logvar), 1);
  const double var2 = 1.0 - 1.0 / kK;  // Laplace approximation of Dirichlet(1)
  auto kl = (0.5 * ((logvar.exp() / var2 + mu * mu / var2 + std::log(var2) - logvar).sum(1) - kK)).mean();
  auto t = p["topic_embeddings"], w = p["word_embeddings"];
  auto dist = torch::zeros({kK, kV});
  for (int64_t k = 0; k < kK; ++k) dist[k] = ((w - t[k]) * (w - t[k])).sum(1);
  auto beta = torch::softmax(-dist / 0.2, 0);
  auto logits = bn(torch::matmul(theta, beta), p["decoder_bn.weight"], p["decoder_bn.bias"]);
  if (!dsl) return (-(b.weight * torch::log_softmax(logits, 1)).sum(1).mean() + kl).item<double>();
  auto tt = b.weight.clamp_min(1e-9), s = torch::softmax(logits, 1).clamp_min(1e-9);
  return (1000.0 * (tt * torch::log(tt / s)).sum(1).mean() + kl).item<double>();
}

std::vector<double> train_steps(const std::string& model, uint64_t seed, int steps) {
  const bool dsl = model == "dsl-ecrtm";
  torch::manual_seed(seed);
  auto m = find_model(model).make(ecrtm_options(model), ModelShape{kV, kH});
  m->set_training(true);
  auto gen = at::detail::createCPUGenerator(seed ^ 99);
  Adam adam(m->named_parameters(), AdamOptions{2e-3, 0.9, 0.999, 1e-8});
  std::vector<double> out;
  for (int i = 0; i < steps; ++i) {
    Batch b = make_batch(dsl, 20 + static_cast<uint64_t>(i));
    b.eps.reset();
    adam.zero_grad();
    auto loss = m->loss(b, gen);
    out.push_back(loss.item<double>());
    loss.backward();
    adam.step();
  }
  auto beta = m->topic_word().flatten();
  for (int64_t i = 0; i < beta.numel(); ++i) out.push_back(beta[i].item<double>());
  return out;
}

}  // namespace

TEST_CASE("ecrtm and dsl-ecrtm: shapes, simplex, beta columns, loss formula, ECR marginals", "[unit][models]") {
  for (const std::string model : {"ecrtm", "dsl-ecrtm"}) {
    INFO(model);
    const bool dsl = model == "dsl-ecrtm";
    torch::manual_seed(3);
    auto m = find_model(model).make(ecrtm_options(model), ModelShape{kV, kH});
    auto* e = dynamic_cast<EcrtmModel*>(m.get());
    REQUIRE(e != nullptr);
    CHECK(m->name() == model);
    CHECK(m->num_topics() == kK);
    m->set_training(true);
    auto gen = at::detail::createCPUGenerator(1);
    Batch b = make_batch(dsl);
    const double before = expected_loss_without_ecr(*m, b, dsl);  // parameters before any step
    auto loss = m->loss(b, gen);
    REQUIRE(loss.dim() == 0);
    CHECK(std::isfinite(loss.item<double>()));
    CHECK(e->last_ecr() > 0);
    CHECK(loss.item<double>() == Approx(before + e->last_ecr()).epsilon(1e-5));

    // The ECR plan (default stop rule) has marginals 1/K and 1/V within 0.005 L1.
    auto cost = e->net()->cost().detach();  // [K, V]
    auto r = sinkhorn_linear(cost, SinkhornOptions{20.0, 0.005, 1000});
    CHECK((r.plan.sum(1) - 1.0 / kK).abs().sum().item<double>() <= 0.005);
    CHECK((r.plan.sum(0) - 1.0 / kV).abs().sum().item<double>() <= 0.005);
    CHECK(e->last_ecr() == Approx(100.0 * r.cost.item<double>()).epsilon(1e-5));

    auto beta = m->topic_word();  // [K, V], each word's column a distribution over topics
    REQUIRE(beta.sizes() == (std::vector<int64_t>{kK, kV}));
    CHECK((beta >= 0).all().item<bool>());
    CHECK(torch::allclose(beta.sum(0), torch::ones({kV}), 1e-5, 1e-5));
    m->set_training(false);
    for (auto mode : {ThetaMode::kMean, ThetaMode::kSample}) {
      auto theta = m->theta(b, mode, gen);
      REQUIRE(theta.sizes() == (std::vector<int64_t>{kB, kK}));
      CHECK((theta >= 0).all().item<bool>());
      CHECK(torch::allclose(theta.sum(1), torch::ones({kB}), 1e-5, 1e-5));
    }
    // BatchNorm scales are frozen (kept in the state, never given to the optimiser); shifts train.
    std::map<std::string, bool> trainable;
    for (auto& [n, t] : m->named_parameters()) trainable[n] = true;
    auto state = params(*m);
    for (const char* bn_name : {"mean_bn", "logvar_bn", "decoder_bn"}) {
      CHECK(trainable.count(std::string(bn_name) + ".weight") == 0);
      CHECK(trainable.count(std::string(bn_name) + ".bias") == 1);
      REQUIRE(state.count(std::string(bn_name) + ".weight") == 1);
      CHECK(state[std::string(bn_name) + ".weight"].eq(1).all().item<bool>());
    }
    CHECK(trainable.count("word_embeddings") == 1);
    CHECK(trainable.count("topic_embeddings") == 1);
    CHECK(trainable.count("mu2") == 0);
    // Embeddings start L2-normalised.
    CHECK(torch::allclose(state["word_embeddings"].norm(2, 1), torch::ones({kV}), 1e-5, 1e-5));
    CHECK(torch::allclose(state["topic_embeddings"].norm(2, 1), torch::ones({kK}), 1e-5, 1e-5));
  }
}

TEST_CASE("ecrtm: training steps are finite and seed-deterministic; scales stay 1", "[unit][models]") {
  for (const std::string model : {"ecrtm", "dsl-ecrtm"}) {
    INFO(model);
    auto a = train_steps(model, 7, 4), a2 = train_steps(model, 7, 4), c = train_steps(model, 8, 4);
    for (size_t i = 0; i < 4; ++i) CHECK(std::isfinite(a[i]));
    CHECK(a == a2);  // identical doubles, not approximately
    CHECK(a != c);
  }
}

TEST_CASE("ecrtm: word embeddings from ModelShape (found rows used, missing rows random), normalised",
          "[unit][models]") {
  ModelShape shape{kV, kH};
  shape.word_embeddings = torch::zeros({kV, 4});
  for (int64_t v = 0; v < kV; ++v) shape.word_embeddings[v][v % 4] = 2.0 + v;  // one-hot-ish rows
  shape.word_found = torch::ones({kV}, torch::kBool);
  shape.word_found[5] = false;
  torch::manual_seed(1);
  auto m = find_model("dsl-ecrtm").make(ecrtm_options("dsl-ecrtm"), shape);
  auto state = params(*m);
  auto w = state["word_embeddings"];
  REQUIRE(w.sizes() == (std::vector<int64_t>{kV, 4}));                            // E from the given rows
  CHECK(state["topic_embeddings"].sizes() == (std::vector<int64_t>{kK, 4}));
  for (int64_t v = 0; v < kV; ++v) {
    INFO(v);
    CHECK(w[v].norm().item<double>() == Approx(1.0).epsilon(1e-6));
    if (v != 5) CHECK(w[v][v % 4].item<double>() == Approx(1.0));  // the given row, normalised
  }
  CHECK(w[5].abs().lt(0.999).all().item<bool>());  // the missing word: a random unit row
}
