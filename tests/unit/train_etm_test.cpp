// ETM and DSL-ETM (src/topic/etm_model.cpp): shapes, simplex, β rows normalised, the loss against
// the formula computed here from the model's own parameters, finite training, seed determinism,
// --topic-embedding-init (linear: U(±1/√E); randn: N(0, 1), seeded).
#include <torch/torch.h>

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <map>

#include "catch.h"
#include "ntm/topic/adam.h"
#include "ntm/topic/model.h"
#include "ntm/topic/objective.h"
#include "test_util.h"

using namespace ntm::topic;

namespace {

constexpr int64_t kB = 6, kV = 12, kH = 5, kK = 3;

TrainOptions etm_options(const std::string& model) {
  TrainOptions o;
  o.model = model;
  o.num_topics = kK;
  o.hidden_sizes = {7, 7};
  o.activation = model == "etm" ? "relu" : "softplus";
  o.encoder_dropout = 0.0;  // deterministic forward for the formula check
  o.loss_weight = 1000.0;
  return o;
}

Batch make_batch(bool dsl) {
  auto g = at::detail::createCPUGenerator(11);
  Batch b;
  auto counts = torch::floor(torch::rand({kB, kV}, g) * 4);  // [B, V]
  counts.index_put_({torch::indexing::Slice(), 0}, 1.0);     // no empty row
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

// The loss by the formulas of method-spec §5.2 / §6, from the model's parameters.
double expected_loss(TopicModel& m, const Batch& b, bool dsl) {
  auto p = params(m);
  auto act = [&](const torch::Tensor& x) { return dsl ? torch::softplus(x) : torch::relu(x); };
  auto lin = [&](const std::string& n, const torch::Tensor& x) {
    return torch::matmul(x, p[n + ".weight"].t()) + p[n + ".bias"];
  };
  auto in = dsl ? b.x : b.bow / b.bow.sum(1, true);
  auto h = act(lin("q_theta_1", act(lin("q_theta_0", in))));
  auto mu = lin("mu_q_theta", h), ls = lin("logsigma_q_theta", h);
  auto theta = torch::softmax(mu + *b.eps * torch::exp(0.5 * ls), 1);
  auto beta = torch::softmax(torch::matmul(p["rho"], p["alphas.weight"].t()), 0).t();  // [K, V]
  auto kl = (-0.5 * (1 + ls - mu * mu - ls.exp()).sum(1)).mean();
  auto mix = torch::matmul(theta, beta);
  if (!dsl) return ((-(torch::log(mix + 1e-6) * b.weight).sum(1)).mean() + kl).item<double>();
  auto t = b.weight.clamp_min(1e-9), s = torch::softmax(mix, 1).clamp_min(1e-9);
  auto rl = (t * torch::log(t / s)).sum(1).mean();
  return (kl + 1000.0 * rl).item<double>();
}

std::vector<double> train_steps(const std::string& model, uint64_t seed, int steps) {
  const bool dsl = model == "dsl-etm";
  auto opts = etm_options(model);
  opts.encoder_dropout = 0.5;
  torch::manual_seed(seed);
  auto m = find_model(model).make(opts, ModelShape{kV, kH});
  m->set_training(true);
  auto gen = at::detail::createCPUGenerator(seed ^ 99);
  Adam adam(m->named_parameters(), AdamOptions{2e-3, 0.9, 0.999, 1e-8});
  Batch b = make_batch(dsl);
  b.eps.reset();
  std::vector<double> losses;
  for (int i = 0; i < steps; ++i) {
    adam.zero_grad();
    auto loss = m->loss(b, gen);
    losses.push_back(loss.item<double>());
    loss.backward();
    adam.step();
  }
  auto beta = m->topic_word().flatten();
  for (int64_t i = 0; i < beta.numel(); i += 5) losses.push_back(beta[i].item<double>());
  return losses;
}

}  // namespace

TEST_CASE("etm and dsl-etm: shapes, simplex, normalised beta, loss formula, determinism", "[unit][models]") {
  for (const std::string model : {"etm", "dsl-etm"}) {
    INFO(model);
    const bool dsl = model == "dsl-etm";
    torch::manual_seed(3);
    auto m = find_model(model).make(etm_options(model), ModelShape{kV, kH});
    CHECK(m->name() == model);
    CHECK(m->num_topics() == kK);
    m->set_training(true);
    auto gen = at::detail::createCPUGenerator(1);
    Batch b = make_batch(dsl);
    auto loss = m->loss(b, gen);
    REQUIRE(loss.dim() == 0);
    CHECK(std::isfinite(loss.item<double>()));
    CHECK(loss.item<double>() == Approx(expected_loss(*m, b, dsl)).epsilon(1e-5));

    auto beta = m->topic_word();  // [K, V]
    REQUIRE(beta.sizes() == (std::vector<int64_t>{kK, kV}));
    CHECK((beta >= 0).all().item<bool>());
    CHECK(torch::allclose(beta.sum(1), torch::ones({kK}), 1e-5, 1e-5));
    m->set_training(false);
    for (auto mode : {ThetaMode::kMean, ThetaMode::kSample}) {
      auto theta = m->theta(b, mode, gen);  // [B, K]
      REQUIRE(theta.sizes() == (std::vector<int64_t>{kB, kK}));
      CHECK((theta >= 0).all().item<bool>());
      CHECK(torch::allclose(theta.sum(1), torch::ones({kB}), 1e-5, 1e-5));
    }
    // Gradients reach the topic embeddings; the BoW baseline's word embeddings are fixed.
    bool has_rho = false;
    for (auto& [n, t] : m->named_parameters()) has_rho |= n == "rho";
    CHECK(has_rho == dsl);

    auto a = train_steps(model, 7, 5), a2 = train_steps(model, 7, 5), c = train_steps(model, 8, 5);
    for (size_t i = 0; i < 5; ++i) CHECK(std::isfinite(a[i]));
    CHECK(a == a2);
    CHECK(a != c);
  }
}

namespace {

torch::Tensor topic_embeddings(const std::string& model, const std::string& init, uint64_t seed) {
  auto o = etm_options(model);
  o.topic_embedding_init = init;
  torch::manual_seed(seed);
  auto m = find_model(model).make(o, ModelShape{kV, kH});
  for (auto& [n, t] : m->named_state())
    if (n == "alphas.weight") return t.detach().clone();  // [K, E]
  FAIL("no alphas.weight in " << model << "'s state");
  return {};
}

}  // namespace

TEST_CASE("etm: --topic-embedding-init linear is U(+-1/sqrt(E)), randn is N(0, 1) from the seed",
          "[unit][models]") {
  for (const std::string model : {"etm", "dsl-etm"}) {
    INFO(model);
    auto lin = topic_embeddings(model, "linear", 5);  // [K, E], E = 300
    REQUIRE(lin.sizes() == (std::vector<int64_t>{kK, 300}));
    const double bound = 1.0 / std::sqrt(300.0);
    CHECK(lin.abs().max().item<double>() <= bound);
    CHECK(lin.std().item<double>() == Approx(bound / std::sqrt(3.0)).epsilon(0.1));
    auto rn = topic_embeddings(model, "randn", 5);  // 900 draws of N(0, 1)
    CHECK(rn.std().item<double>() == Approx(1.0).epsilon(0.1));
    CHECK(std::abs(rn.mean().item<double>()) < 0.15);
    CHECK(torch::equal(rn, topic_embeddings(model, "randn", 5)));  // reproducible from the seed
    CHECK(!torch::equal(rn, topic_embeddings(model, "randn", 6)));
  }
}

TEST_CASE("etm: an unknown --topic-embedding-init is exit 2 naming the flag and the choices", "[unit][cli]") {
  TrainOptions o = etm_options("etm");
  o.labels = "store";
  o.out = "run";
  o.topic_embedding_init = "gauss";
  auto msg = ntm::test::error_of([&] { o.validate(); });
  CHECK(msg.find("--topic-embedding-init") != std::string::npos);
  CHECK(msg.find("linear or randn") != std::string::npos);
  const std::string args = "train --model etm --labels no-such-store --out no-such-run ";
  auto r = ntm::test::run_ntm(args + "--topic-embedding-init gauss");
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("--topic-embedding-init") != std::string::npos);
  auto typo = ntm::test::run_ntm(args + "--topic-embeding-init randn");  // a misspelt flag
  CHECK(typo.exit_code == 2);
}
