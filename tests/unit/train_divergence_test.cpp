// A non-finite loss stops training with an error naming the epoch, the batch and the last finite loss.
#include <torch/torch.h>

#include "catch.h"
#include "ntm/error.h"
#include "ntm/topic/model.h"
#include "ntm/topic/trainer.h"
#include "test_util.h"

using namespace ntm::topic;

TEST_CASE("NaN loss: error names epoch, batch and the last finite loss", "[unit][train]") {
  ntm::test::TempDir tmp;
  const int64_t D = 8, V = 6, H = 4;
  TrainData data;
  data.num_docs = D;
  data.vocab_size = V;
  data.hidden_size = H;
  data.x = torch::randn({D, H});
  data.target = make_teacher_target(torch::randn({D, V}), V, MaskMode::kNegInf, 3.0, LossType::kKL);
  data.labels = torch::zeros({D}, torch::kInt64);
  data.doc_index = torch::arange(D, torch::kInt64);
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
