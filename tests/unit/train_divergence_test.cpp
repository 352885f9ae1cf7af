// A non-finite loss stops training with an error naming the epoch, the batch and the last finite loss.
#include <torch/torch.h>

#include "catch.h"
#include "ntm/error.h"
#include "ntm/topic/model.h"
#include "ntm/topic/trainer.h"
#include "test_util.h"

using namespace ntm::topic;

namespace {
// D documents with random hidden states [D, H] and a top-3 teacher over V words.
TrainData random_teacher_data(int64_t D, int64_t V, int64_t H) {
  TrainData data;
  data.num_docs = D;
  data.vocab_size = V;
  data.hidden_size = H;
  data.x = torch::randn({D, H});
  data.target = make_teacher_target(torch::randn({D, V}), V, MaskMode::kNegInf, 3.0, LossType::kKL);
  data.labels = torch::zeros({D}, torch::kInt64);
  data.doc_index = torch::arange(D, torch::kInt64);
  return data;
}
}  // namespace

TEST_CASE("NaN loss: error names epoch, batch and the last finite loss", "[unit][train]") {
  ntm::test::TempDir tmp;
  const int64_t D = 8, V = 6, H = 4;
  TrainData data = random_teacher_data(D, V, H);
  TrainOptions opts;
  opts.num_topics = 2;
  opts.hidden_sizes = {4};
  opts.batch_size = 4;
  opts.epochs = 3;
  torch::manual_seed(0);
  auto model = find_model("dsl-prodlda").make(opts, ModelShape{V, H});
  auto gen = make_noise_generator(c10::Device(c10::kCPU), 1);
  // Epoch 1 trains; then a NaN in every input poisons epoch 2's first batch.
  opts.epochs = 1;
  SeedTraining run{0, c10::Device(c10::kCPU), tmp.path(), "id", false};
  auto first = train_seed(*model, data, opts, run, gen);
  REQUIRE(std::isfinite(first.final_loss));
  data.x.fill_(std::numeric_limits<float>::quiet_NaN());
  opts.epochs = 2;
  run.resume = true;
  try {
    train_seed(*model, data, opts, run, gen);
    FAIL("expected a divergence error");
  } catch (const ntm::Error& e) {
    const std::string msg = e.what();
    INFO(msg);
    CHECK(msg.find("loss is nan at epoch 2, batch 1") != std::string::npos);
    CHECK(msg.find("last finite batch loss: none") != std::string::npos);
  }
}

namespace {
// A model whose batch loss is a fixed per-document value c: c * B when summed, c when averaged.
class ConstantLossModel : public TopicModel {
 public:
  ConstantLossModel(bool mean, double c) : mean_(mean), c_(c), p_(torch::zeros({1}, torch::requires_grad())) {}
  std::string name() const override { return "constant"; }
  int64_t num_topics() const override { return 1; }
  void to(c10::Device) override {}
  void set_training(bool) override {}
  bool loss_is_batch_mean() const override { return mean_; }
  at::Tensor loss(const Batch& batch, at::Generator&) override {
    return (p_ * 0.0).sum() + (mean_ ? c_ : c_ * static_cast<double>(batch.size()));
  }
  at::Tensor theta(const Batch& batch, ThetaMode, at::Generator&) override { return torch::ones({batch.size(), 1}); }
  at::Tensor topic_word() override { return torch::ones({1, 1}); }
  NamedTensors named_parameters() override { return {{"p", p_}}; }
  NamedTensors named_state() override { return {{"p", p_}}; }
  void load_state(const NamedTensors&, const std::string&) override {}

 private:
  bool mean_;
  double c_;
  at::Tensor p_;
};
}  // namespace

TEST_CASE("epoch loss is per document for summed and batch-mean losses alike", "[unit][train]") {
  // 10 documents in batches of 4, 4, 2: a mean-reduced loss of 2.5 per batch is 2.5 per document,
  // not (3 * 2.5) / 10, and a summed loss of 2.5 per document is 2.5 too.
  TrainData data = random_teacher_data(10, 3, 2);
  TrainOptions opts;
  opts.batch_size = 4;
  opts.epochs = 2;
  for (bool mean : {false, true}) {
    ntm::test::TempDir tmp;
    ConstantLossModel model(mean, 2.5);
    auto gen = make_noise_generator(c10::Device(c10::kCPU), 1);
    SeedTraining run{0, c10::Device(c10::kCPU), tmp.path(), "id", false};
    auto out = train_seed(model, data, opts, run, gen);
    INFO("batch mean: " << mean);
    CHECK(out.final_loss == Approx(2.5).epsilon(1e-12));
    REQUIRE(out.metrics.size() == 2);
    CHECK(out.metrics[0]["loss"].get<double>() == Approx(2.5).epsilon(1e-12));
  }
}
