// [lm] parity with transformers 5.17 on every tiny checkpoint in tests/fixtures/lm-models.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "catch.h"
#include "lm_test_util.h"
#include "ntm/lm/model.h"

using namespace ntm::test;
using ntm::lm::CausalLM;

namespace {
std::unique_ptr<CausalLM> load_fp32(const std::string& dir) {
  return CausalLM::load(dir, {"float32", c10::Device(c10::kCPU)});
}
}  // namespace

TEST_CASE("lm: every fixture model matches transformers on a padded batch", "[lm][golden]") {
  auto names = lm_fixture_names();
  REQUIRE(names.size() >= 11);
  std::printf("\n%-20s %12s %12s %12s\n", "lm fixture", "logits", "hidden", "all layers");
  for (const auto& name : names) {
    INFO("fixture " << name);
    auto ref = lm_reference(name);
    REQUIRE(ref.seqs.size() == 4);
    auto lm = load_fp32(fixture("lm-models/" + name));
    ntm::lm::ForwardOptions opts;
    opts.all_layers = true;
    auto r = lm->forward(ref.seqs, opts);  // one right-padded batch of lengths 7, 12, 5, 1
    double dl = max_abs_diff(r.last_logits, ref.single_last_logits);
    double dh = max_abs_diff(r.last_hidden, ref.single_last_hidden);
    // maskpos_* come from HF's left-padded batch with positions from the mask: same maths,
    // slightly different float noise than the single runs.
    double da = max_abs_diff(r.all_layers_last_hidden, ref.maskpos_all_layers_last_hidden);
    std::printf("%-20s %12.3g %12.3g %12.3g\n", name.c_str(), dl, dh, da);
    CHECK(dl <= 1e-4);
    CHECK(dh <= 1e-4);
    CHECK(da <= 1e-4);
    // argmax must agree exactly
    CHECK(at::equal(r.last_logits.argmax(1), ref.single_last_logits.argmax(1)));
  }
  std::fflush(stdout);
}

TEST_CASE("lm: results do not depend on batch order, batch size or the runner", "[lm][unit]") {
  for (const auto& name : lm_fixture_names()) {
    INFO("fixture " << name);
    auto ref = lm_reference(name);
    auto lm = load_fp32(fixture("lm-models/" + name));
    ntm::lm::ForwardOptions opts;
    opts.all_layers = true;
    auto base = lm->forward(ref.seqs, opts);
    std::vector<int64_t> perm = {0, 1, 2, 3};
    double worst = 0.0;
    do {
      for (int64_t bs : {1, 2, 4}) {
        auto logits = at::zeros_like(base.last_logits), hidden = at::zeros_like(base.last_hidden);
        auto layers = at::zeros_like(base.all_layers_last_hidden);
        for (size_t start = 0; start < perm.size(); start += static_cast<size_t>(bs)) {
          std::vector<std::vector<int64_t>> batch;
          std::vector<int64_t> rows;
          for (size_t i = start; i < std::min(perm.size(), start + static_cast<size_t>(bs)); ++i) {
            batch.push_back(ref.seqs[static_cast<size_t>(perm[i])]);
            rows.push_back(perm[i]);
          }
          auto r = lm->forward(batch, opts);
          auto idx = at::tensor(rows, at::kLong);
          logits.index_copy_(0, idx, r.last_logits);
          hidden.index_copy_(0, idx, r.last_hidden);
          layers.index_copy_(1, idx, r.all_layers_last_hidden);
        }
        worst = std::max({worst, max_abs_diff(logits, base.last_logits), max_abs_diff(hidden, base.last_hidden),
                          max_abs_diff(layers, base.all_layers_last_hidden)});
      }
    } while (std::next_permutation(perm.begin(), perm.end()));
    // Not bitwise on these tiny shapes: OpenBLAS picks different small-matrix sgemm kernels for
    // different row counts (last-bit differences, ~3e-6 on logits of size ~5). Each sequence's
    // attention, norms and positions are computed independently of the batch.
    INFO("worst difference over 24 orders x batch sizes 1, 2, 4: " << worst);
    CHECK(worst <= 5e-6);
    // The token-budget runner (several batches, sorted by length) gives the same rows.
    auto run = lm->run(ref.seqs, opts, /*batch_tokens=*/13);
    CHECK(max_abs_diff(run.last_logits, base.last_logits) <= 5e-6);
    CHECK(max_abs_diff(run.all_layers_last_hidden, base.all_layers_last_hidden) <= 5e-6);
  }
}

TEST_CASE("lm: logits for a list of token ids are the matching columns", "[lm][unit]") {
  auto ref = lm_reference("qwen3");
  auto lm = load_fp32(fixture("lm-models/qwen3"));
  ntm::lm::ForwardOptions all, some;
  some.token_ids = {5, 0, 383, 17};
  auto a = lm->forward(ref.seqs, all), s = lm->forward(ref.seqs, some);
  REQUIRE(s.last_logits.size(0) == 4);
  REQUIRE(s.last_logits.size(1) == 4);
  auto cols = a.last_logits.index_select(1, at::tensor(some.token_ids, at::kLong));
  CHECK(max_abs_diff(s.last_logits, cols) <= 1e-6);
  CHECK(max_abs_diff(s.last_hidden, a.last_hidden) == 0.0);
  // With argmax: the selected columns still, and the argmax over the full vocabulary equals
  // transformers' (single_last_logits: each sequence run alone by HF).
  some.argmax = true;
  auto g = lm->forward(ref.seqs, some);
  CHECK(max_abs_diff(g.last_logits, cols) <= 1e-6);
  REQUIRE(g.argmax.defined());
  CHECK(g.argmax.equal(ref.single_last_logits.argmax(1)));
  CHECK(!s.argmax.defined());
}

TEST_CASE("lm: a transformers-4 style config (rope_theta / rope_scaling at the top level) gives the same numbers",
          "[lm][unit]") {
  for (const std::string name : {"llama3_scaled_tied", "phi3"}) {
    INFO("fixture " << name);
    TempDir tmp;
    const std::string src = fixture("lm-models/" + name);
    nlohmann::json cfg = nlohmann::json::parse(std::ifstream(src + "/config.json"));
    nlohmann::json rp = cfg["rope_parameters"];
    cfg.erase("rope_parameters");
    cfg["rope_theta"] = rp["rope_theta"];
    if (rp.contains("partial_rotary_factor")) cfg["partial_rotary_factor"] = rp["partial_rotary_factor"];
    rp.erase("rope_theta");
    rp.erase("partial_rotary_factor");
    if (rp["rope_type"] == "default") {
      cfg["rope_scaling"] = nullptr;
    } else {
      rp["type"] = rp["rope_type"];  // the oldest spelling
      rp.erase("rope_type");
      cfg["rope_scaling"] = rp;
    }
    std::ofstream(tmp / "config.json") << cfg.dump(2);
    std::filesystem::copy_file(src + "/model.safetensors", tmp / "model.safetensors");
    auto ref = lm_reference(name);
    auto r = load_fp32(tmp.path())->forward(ref.seqs, {});
    CHECK(max_abs_diff(r.last_logits, ref.single_last_logits) <= 1e-4);
    CHECK(max_abs_diff(r.last_hidden, ref.single_last_hidden) <= 1e-4);
  }
}

TEST_CASE("lm: bfloat16 compute on CPU stays close to the fp32 reference", "[lm][unit]") {
  auto ref = lm_reference("llama_bf16_sharded");
  auto lm = CausalLM::load(fixture("lm-models/llama_bf16_sharded"), {"bfloat16", c10::Device(c10::kCPU)});
  REQUIRE(lm->dtype() == at::kBFloat16);
  auto r = lm->forward(ref.seqs, {});
  auto cos = at::cosine_similarity(r.last_logits, ref.single_last_logits, 1);
  INFO("cosine per row " << cos);
  CHECK(cos.min().item<double>() >= 0.99);
}

TEST_CASE("lm: a sliding window equals full attention over the window (1-layer model)", "[lm][unit]") {
  // With one layer, the last token's output depends only on the keys it sees; RoPE is relative,
  // so a window of w over a sequence gives the full-attention result of its last w tokens.
  TempDir tmp;
  const std::string src = fixture("lm-models/mistral");
  nlohmann::json cfg = nlohmann::json::parse(std::ifstream(src + "/config.json"));
  cfg["num_hidden_layers"] = 1;
  cfg["sliding_window"] = 4;
  std::ofstream(tmp / "config.json") << cfg.dump(2);
  std::filesystem::copy_file(src + "/model.safetensors", tmp / "model.safetensors");
  auto windowed = load_fp32(tmp.path());
  cfg["sliding_window"] = nullptr;
  std::filesystem::create_directory(tmp / "full");
  std::ofstream(tmp / "full/config.json") << cfg.dump(2);
  std::filesystem::copy_file(src + "/model.safetensors", tmp / "full/model.safetensors");
  auto full = load_fp32(tmp / "full");
  auto ref = lm_reference("mistral");
  const auto& s = ref.seqs[1];  // 12 tokens
  REQUIRE(s.size() == 12);
  auto w = windowed->forward({s, ref.seqs[0]}, {});
  auto f = full->forward({std::vector<int64_t>(s.end() - 4, s.end())}, {});
  CHECK(max_abs_diff(w.last_logits[0], f.last_logits[0]) <= 1e-4);
  auto all = full->forward({s}, {});
  CHECK(max_abs_diff(w.last_logits[0], all.last_logits[0]) > 1e-3);  // the window did change something
}
