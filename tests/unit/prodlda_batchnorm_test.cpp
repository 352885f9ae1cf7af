// The ProdLDA family's --batchnorm (src/topic/prodlda_net.cpp): "octis" (OCTIS/CTM: no scale or
// shift, eps 1e-5, momentum 0.1; the reference-parity default) and "avitm" (original AVITM and
// TopMost: scale frozen at 1, trained shift, eps 1e-3, momentum 1e-3) on the μ, log σ² and decoder
// BatchNorms, for every model that shares the net; the optimiser sees the shifts and not the
// scales, the checkpoint state holds both, and a bad value is exit 2.
#include <torch/torch.h>

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <map>

#include "catch.h"
#include "ntm/topic/adam.h"
#include "ntm/topic/model.h"
#include "test_util.h"
#include "topic/prodlda_net.h"

using namespace ntm::topic;

namespace {

constexpr int64_t kB = 8, kV = 12, kH = 5, kK = 3;
const char* const kBatchNorms[] = {"f_mu_batchnorm", "f_sigma_batchnorm", "beta_batchnorm"};

TrainOptions bn_options(const std::string& model, const std::string& style) {
  TrainOptions o;
  o.model = model;
  o.num_topics = kK;
  o.hidden_sizes = {7, 7};
  o.batchnorm = style;
  return o;
}

Batch make_batch() {
  auto g = at::detail::createCPUGenerator(11);
  Batch b;
  auto counts = torch::floor(torch::rand({kB, kV}, g) * 4);  // [B, V]
  counts.index_put_({torch::indexing::Slice(), 0}, 1.0);
  b.x = torch::randn({kB, kH}, g);  // [B, H]
  b.bow = counts;
  b.weight = counts;
  b.kl = false;  // BoW counts: the CE form
  return b;
}

// The tensors of the BatchNorm named `bn` (under any encoder prefix), by their last name part:
// "weight", "bias", "running_mean", ...
std::map<std::string, torch::Tensor> by_suffix(const NamedTensors& ts, const std::string& bn) {
  std::map<std::string, torch::Tensor> out;
  for (const auto& [n, t] : ts) {
    const auto dot = n.rfind('.');
    if (dot == std::string::npos) continue;
    const std::string owner = n.substr(0, dot);
    if (owner == bn || (owner.size() > bn.size() &&
                        owner.compare(owner.size() - bn.size() - 1, std::string::npos, "." + bn) == 0))
      out[n.substr(dot + 1)] = t.detach().clone();
  }
  return out;
}

}  // namespace

TEST_CASE(
    "prodlda_batchnorm: octis is affine-free (eps 1e-5, momentum 0.1), avitm has a frozen scale and a "
    "trained shift (eps 1e-3, momentum 1e-3)",
    "[unit][models]") {
  for (const std::string style : {"octis", "avitm"}) {
    auto bn = prodlda_batchnorm(kV, style);
    INFO(style);
    CHECK(bn->options.eps() == (style == "avitm" ? 1e-3 : 1e-5));
    CHECK(bn->options.momentum().value() == (style == "avitm" ? 1e-3 : 0.1));
    CHECK(bn->options.affine() == (style == "avitm"));
    if (style == "avitm") {
      CHECK(torch::equal(bn->weight, torch::ones({kV})));
      CHECK(!bn->weight.requires_grad());
      CHECK(bn->bias.requires_grad());
    }
  }
}

TEST_CASE(
    "prodlda --batchnorm avitm: shifts trained, scales stay 1, running stats move by 1e-3, state round-trips",
    "[unit][models]") {
  for (const std::string model : {"prodlda", "dsl-prodlda", "zeroshot", "combined"}) {
    INFO(model);
    torch::manual_seed(3);
    auto octis = find_model(model).make(bn_options(model, "octis"), ModelShape{kV, kH});
    for (const char* bn : kBatchNorms) CHECK(by_suffix(octis->named_state(), bn).count("weight") == 0);

    torch::manual_seed(3);
    auto m = find_model(model).make(bn_options(model, "avitm"), ModelShape{kV, kH});
    for (const char* bn : kBatchNorms) {
      INFO(bn);
      auto trained = by_suffix(m->named_parameters(), bn);
      CHECK(trained.count("bias") == 1);
      CHECK(trained.count("weight") == 0);  // the optimiser never sees the frozen scale
      CHECK(by_suffix(m->named_state(), bn).count("weight") == 1);
    }
    m->set_training(true);
    auto gen = at::detail::createCPUGenerator(1);
    Adam adam(m->named_parameters(), AdamOptions{2e-3, 0.9, 0.999, 1e-8});
    Batch b = make_batch();
    adam.zero_grad();
    auto loss = m->loss(b, gen);
    CHECK(std::isfinite(loss.item<double>()));
    loss.backward();
    adam.step();
    for (const char* bn : kBatchNorms) {
      INFO(bn);
      auto s = by_suffix(m->named_state(), bn);
      CHECK(torch::equal(s["weight"], torch::ones_like(s["weight"])));
      CHECK(s["bias"].abs().max().item<double>() > 0);  // moved by Adam's first step (~lr)
      // one training batch: running_var = 0.999 * 1 + 0.001 * unbiased batch var, so within 1e-3 of 1
      CHECK((s["running_var"] - 1).abs().max().item<double>() < 2e-3);
      CHECK((s["running_var"] - 1).abs().max().item<double>() > 0);
    }
    // The checkpoint state loads into a fresh avitm model; an octis state lacks the shifts.
    torch::manual_seed(9);
    auto fresh = find_model(model).make(bn_options(model, "avitm"), ModelShape{kV, kH});
    fresh->load_state(m->named_state(), "test state");
    for (const char* bn : kBatchNorms)
      CHECK(
          torch::equal(by_suffix(fresh->named_state(), bn)["bias"], by_suffix(m->named_state(), bn)["bias"]));
    const auto msg = ntm::test::error_of([&] { fresh->load_state(octis->named_state(), "octis state"); });
    CHECK(msg.find("missing tensor") != std::string::npos);
  }
}

TEST_CASE("prodlda: an unknown --batchnorm is exit 2 naming the flag and the choices", "[unit][cli]") {
  TrainOptions o = bn_options("prodlda", "tf");
  o.labels = "store";
  o.out = "run";
  auto msg = ntm::test::error_of([&] { o.validate(); });
  CHECK(msg.find("--batchnorm") != std::string::npos);
  CHECK(msg.find("octis or avitm") != std::string::npos);
  auto r =
      ntm::test::run_ntm("train --model prodlda --labels no-such-store --out no-such-run --batchnorm tf");
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("--batchnorm") != std::string::npos);
}
