// [lm][cuda] the CUDA paths (SDPA with is_causal, band masks, bf16) against the fixtures and the
// CPU path. Skipped (NTM_SKIP) when no CUDA device is usable (the Debian CPU build).
#include <torch/version.h>

#include <filesystem>
#include <fstream>

#include "catch.h"
#include "skip.h"
#include "lm_test_util.h"
#include "ntm/lm/model.h"

using namespace ntm::test;
using ntm::lm::CausalLM;

namespace {
#define NTM_REQUIRE_CUDA() \
  if (!torch::cuda::is_available()) NTM_SKIP("no usable CUDA device (libtorch " TORCH_VERSION ")")
const c10::Device kCuda(c10::kCUDA, 0);
}  // namespace

TEST_CASE("lm cuda: fp32 matches transformers, bf16 stays close, batching does not matter", "[lm][cuda]") {
  NTM_REQUIRE_CUDA();
  for (const auto& name : lm_fixture_names()) {
    INFO("fixture " << name);
    auto ref = lm_reference(name);
    auto f32 = CausalLM::load(fixture("lm-models/" + name), {"float32", kCuda});
    ntm::lm::ForwardOptions opts;
    opts.all_layers = true;
    auto r = f32->forward(ref.seqs, opts);
    CHECK(max_abs_diff(r.last_logits, ref.single_last_logits) <= 1e-4);
    CHECK(max_abs_diff(r.last_hidden, ref.single_last_hidden) <= 1e-4);
    CHECK(max_abs_diff(r.all_layers_last_hidden, ref.maskpos_all_layers_last_hidden) <= 1e-4);
    // one at a time == batched
    for (size_t i = 0; i < ref.seqs.size(); ++i) {
      auto one = f32->forward({ref.seqs[i]}, opts);
      CHECK(max_abs_diff(one.last_logits[0], r.last_logits[static_cast<int64_t>(i)]) <= 1e-5);
    }
    // equal lengths take the dense (no scatter) path
    auto dense = f32->forward({ref.seqs[1], ref.seqs[1], ref.seqs[1]}, opts);
    for (int64_t i = 0; i < 3; ++i) CHECK(max_abs_diff(dense.last_logits[i], r.last_logits[1]) <= 1e-5);

    auto bf16 = CausalLM::load(fixture("lm-models/" + name), {"auto", kCuda});
    REQUIRE(bf16->dtype() == at::kBFloat16);
    auto b = bf16->forward(ref.seqs, opts);
    auto cos = at::cosine_similarity(b.last_logits, ref.single_last_logits, 1);
    INFO("bf16 cosine per row " << cos);
    CHECK(cos.min().item<double>() >= 0.99);
  }
}

TEST_CASE("lm cuda: a sliding window shorter than the batch gives the CPU path's numbers", "[lm][cuda]") {
  NTM_REQUIRE_CUDA();
  TempDir tmp;
  const std::string src = fixture("lm-models/mistral");
  nlohmann::json cfg = nlohmann::json::parse(std::ifstream(src + "/config.json"));
  cfg["sliding_window"] = 4;
  std::ofstream(tmp / "config.json") << cfg.dump(2);
  std::filesystem::copy_file(src + "/model.safetensors", tmp / "model.safetensors");
  auto ref = lm_reference("mistral");
  auto cpu = CausalLM::load(tmp.path(), {"float32", c10::Device(c10::kCPU)})->forward(ref.seqs, {});
  auto gpu = CausalLM::load(tmp.path(), {"float32", kCuda})->forward(ref.seqs, {});
  CHECK(max_abs_diff(cpu.last_logits, gpu.last_logits) <= 1e-4);
}
