// FASTopic and DSL-FASTopic (src/topic/fastopic_model.cpp, method-spec §5.4 / §6): shapes, θ rows
// on the simplex (chunked transport plans, whole-corpus plan, baseline formula), β rows normalised,
// DT/TW plan marginals, the loss against its formula, finite training, seed determinism, the fixed
// top-20 target.
#include <torch/torch.h>

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "catch.h"
#include "ntm/topic/adam.h"
#include "ntm/topic/model.h"
#include "ntm/topic/objective.h"
#include "ntm/topic/trainer.h"
#include "topic/fastopic_model.h"

using namespace ntm::topic;

namespace {

constexpr int64_t kN = 10, kV = 30, kH = 6, kK = 3;

TrainOptions fastopic_options(const std::string& model) {
  TrainOptions o;
  o.model = model;
  o.num_topics = kK;
  return o;
}

// A training set of kN documents: LM hidden states (large, un-normalised, as real ones), logits,
// BoW counts; the target as ntm train builds it.
TrainData make_data(bool dsl) {
  auto g = at::detail::createCPUGenerator(5);
  TrainData d;
  d.num_docs = kN;
  d.vocab_size = kV;
  d.hidden_size = kH;
  d.x = torch::randn({kN, kH}, g) * 4;  // ‖x - t‖² of order 100: exp(-3·M) underflows in float32
  auto counts = torch::floor(torch::rand({kN, kV}, g) * 3);
  counts.index_put_({torch::indexing::Slice(), 0}, 1.0);
  auto nz = counts.nonzero();
  std::vector<int64_t> ptr{0};
  for (int64_t r = 0; r < kN; ++r) ptr.push_back(ptr.back() + counts[r].gt(0).sum().item<int64_t>());
  d.bow_indptr = torch::tensor(ptr, torch::kInt64);
  d.bow_indices = nz.select(1, 1).to(torch::kInt32).contiguous();
  d.bow_counts = counts.index({nz.select(1, 0), nz.select(1, 1)}).contiguous();
  d.labels = torch::zeros({kN}, torch::kInt64);
  d.doc_index = torch::arange(kN, torch::kInt64);
  if (dsl) {
    auto logits = torch::randn({kN, kV}, g) * 2;
    // DSL-FASTopic's fixed target: softmax(neg_inf top-20 / 3), unclamped (the CE form).
    d.target = make_teacher_target(logits, 20, MaskMode::kNegInf, 3.0, LossType::kCE);
  } else {
    d.bow_target = true;
  }
  return d;
}

std::vector<double> train(const std::string& model, uint64_t seed, int steps) {
  const bool dsl = model == "dsl-fastopic";
  TrainData data = make_data(dsl);
  torch::manual_seed(seed);
  auto m = find_model(model).make(fastopic_options(model), ModelShape{kV, kH});
  m->set_training(true);
  auto gen = at::detail::createCPUGenerator(seed);
  Adam adam(m->named_parameters(), AdamOptions{2e-3, 0.9, 0.999, 1e-8});
  Batch b = make_batch(data, torch::arange(kN, torch::kInt64), c10::kCPU);
  std::vector<double> out;
  for (int i = 0; i < steps; ++i) {
    adam.zero_grad();
    auto loss = m->loss(b, gen);
    out.push_back(loss.item<double>());
    loss.backward();
    adam.step();
  }
  m->after_training(data, c10::kCPU);
  auto theta = compute_theta(*m, data, ThetaMode::kMean, 1, 4, c10::kCPU, gen).flatten();
  auto beta = m->topic_word().flatten();
  for (int64_t i = 0; i < theta.numel(); ++i) out.push_back(theta[i].item<double>());
  for (int64_t i = 0; i < beta.numel(); ++i) out.push_back(beta[i].item<double>());
  return out;
}

}  // namespace

TEST_CASE("fastopic and dsl-fastopic: shapes, plans' marginals, beta rows, loss formula, theta", "[unit][models]") {
  for (const std::string model : {"fastopic", "dsl-fastopic"}) {
    INFO(model);
    const bool dsl = model == "dsl-fastopic";
    TrainData data = make_data(dsl);
    torch::manual_seed(3);
    auto m = find_model(model).make(fastopic_options(model), ModelShape{kV, kH});
    auto* f = dynamic_cast<FastopicModel*>(m.get());
    REQUIRE(f != nullptr);
    CHECK(m->full_batch());
    m->set_training(true);
    auto gen = at::detail::createCPUGenerator(1);
    Batch b = make_batch(data, torch::arange(kN, torch::kInt64), c10::kCPU);
    auto loss = m->loss(b, gen);
    REQUIRE(loss.dim() == 0);
    CHECK(std::isfinite(loss.item<double>()));

    // Plans: rows sum to 1/N (resp. 1/K), columns to softmax(weights), within 0.005 L1.
    auto& net = f->net();
    auto tw_b = torch::softmax(net->topic_weights.detach(), 0).reshape({-1});
    auto ww_b = torch::softmax(net->word_weights.detach(), 0).reshape({-1});
    const auto& dt = f->last_dt;
    const auto& tw = f->last_tw;
    REQUIRE(dt.plan.sizes() == (std::vector<int64_t>{kN, kK}));
    REQUIRE(tw.plan.sizes() == (std::vector<int64_t>{kK, kV}));
    CHECK(torch::isfinite(dt.plan).all().item<bool>());
    CHECK((dt.plan.sum(1) - 1.0 / kN).abs().sum().item<double>() <= 0.005);
    CHECK((dt.plan.sum(0) - tw_b).abs().sum().item<double>() <= 0.005);
    CHECK((tw.plan.sum(1) - 1.0 / kK).abs().sum().item<double>() <= 0.005);
    CHECK((tw.plan.sum(0) - ww_b).abs().sum().item<double>() <= 0.005);

    // The loss: −mean Σ t log(θβ + 1e-12) + cost_DT + cost_TW, θ = N·P_DT, β = K·P_TW.
    auto docs = dsl ? b.x : torch::nn::functional::normalize(b.x);
    auto dist = torch::zeros({kN, kK});
    auto te = net->topic_embeddings.detach();
    for (int64_t k = 0; k < kK; ++k) dist.select(1, k).copy_(((docs - te[k]) * (docs - te[k])).sum(1));
    CHECK(dt.cost.item<double>() == Approx((dt.plan * dist).sum().item<double>()).epsilon(1e-4));
    auto recon = torch::matmul(dt.plan * kN, tw.plan * kK);
    double want = (-(b.weight * torch::log(recon + 1e-12)).sum(1).mean() + dt.cost + tw.cost).item<double>();
    CHECK(loss.item<double>() == Approx(want).epsilon(1e-5));

    auto beta = m->topic_word();  // [K, V]: K·P_TW, rows sum to 1
    REQUIRE(beta.sizes() == (std::vector<int64_t>{kK, kV}));
    CHECK((beta >= 0).all().item<bool>());
    CHECK(torch::allclose(beta.sum(1), torch::ones({kK}), 1e-2, 1e-2));

    m->set_training(false);
    m->after_training(data, c10::kCPU);
    for (int64_t chunk : {int64_t{4}, int64_t{0}}) {
      auto theta = compute_theta(*m, data, ThetaMode::kMean, 1, chunk, c10::kCPU, gen);  // [N, K]
      REQUIRE(theta.sizes() == (std::vector<int64_t>{kN, kK}));
      CHECK(torch::isfinite(theta).all().item<bool>());
      CHECK((theta >= 0).all().item<bool>());
      CHECK(torch::allclose(theta.sum(1), torch::ones({kN}), 1e-5, 1e-5));
    }
    if (dsl) {
      // θ of a chunk is the chunk's own plan: chunking changes it (method-spec §5.4, §11.10).
      auto t4 = compute_theta(*m, data, ThetaMode::kMean, 1, 4, c10::kCPU, gen);
      auto t0 = compute_theta(*m, data, ThetaMode::kMean, 1, 0, c10::kCPU, gen);
      CHECK(!torch::allclose(t4, t0, 1e-4, 1e-4));
      CHECK(m->theta_batch_size(fastopic_options(model)) == 256);
    } else {
      // Baseline θ: exp(−‖x − t‖²) over its column sums on the training documents, rows renormalised.
      auto e = torch::exp(-dist);
      auto want_theta = e / e.sum(0, true);
      want_theta = want_theta / want_theta.sum(1, true);
      auto theta = compute_theta(*m, data, ThetaMode::kMean, 1, 3, c10::kCPU, gen);
      CHECK(torch::allclose(theta, want_theta, 1e-4, 1e-5));
    }
  }
}

TEST_CASE("fastopic: training steps are finite and seed-deterministic", "[unit][models]") {
  for (const std::string model : {"fastopic", "dsl-fastopic"}) {
    INFO(model);
    auto a = train(model, 7, 3), a2 = train(model, 7, 3), c = train(model, 8, 3);
    for (size_t i = 0; i < 3; ++i) CHECK(std::isfinite(a[i]));
    CHECK(a == a2);
    CHECK(a != c);
  }
}

TEST_CASE("dsl-fastopic: fixed top-20 target whatever the teacher flags say", "[unit][models]") {
  TrainOptions o = fastopic_options("dsl-fastopic");
  o.topk = 3;
  o.sparsity_ratio = 0.5;
  o.loss_type = "KL";
  ModelInputs in = find_model("dsl-fastopic").inputs(o);
  CHECK(in.fixed_topk == 20);
  CHECK(in.hidden);
  CHECK(in.soft_label_target);
  CHECK_FALSE(in.word_embeddings);
  CHECK(find_model("fastopic").inputs(o).fixed_topk == 0);
}
