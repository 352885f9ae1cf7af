// [lm] checkpoint variants seen in the wild that the fixtures do not cover directly.
#include <filesystem>
#include <fstream>

#include "catch.h"
#include "lm_test_util.h"
#include "ntm/lm/model.h"

using namespace ntm::test;

TEST_CASE("lm: GPT-2 tensors without the 'transformer.' prefix (the original gpt2 files) load the same", "[lm][unit]") {
  TempDir tmp;
  const std::string src = fixture("lm-models/gpt2");
  std::filesystem::copy_file(src + "/config.json", tmp / "config.json");
  auto all = ntm::st::load_all(src + "/model.safetensors");
  for (auto& [name, t] : all)
    if (name.rfind("transformer.", 0) == 0) name = name.substr(12);
  ntm::st::save(tmp / "model.safetensors", all);
  auto ref = lm_reference("gpt2");
  auto lm = ntm::lm::CausalLM::load(tmp.path(), {"float32", c10::Device(c10::kCPU)});
  auto r = lm->forward(ref.seqs, {});
  CHECK(max_abs_diff(r.last_logits, ref.single_last_logits) <= 1e-4);
  CHECK(max_abs_diff(r.last_hidden, ref.single_last_hidden) <= 1e-4);
}

TEST_CASE("lm: an untied config whose checkpoint has no lm_head falls back to the embedding", "[lm][unit]") {
  // llama3_scaled_tied has no lm_head tensor; claiming tie_word_embeddings=false must still work
  // (with a warning), giving the tied numbers.
  TempDir tmp;
  const std::string src = fixture("lm-models/llama3_scaled_tied");
  nlohmann::json cfg = nlohmann::json::parse(std::ifstream(src + "/config.json"));
  cfg["tie_word_embeddings"] = false;
  std::ofstream(tmp / "config.json") << cfg.dump(2);
  std::filesystem::copy_file(src + "/model.safetensors", tmp / "model.safetensors");
  auto ref = lm_reference("llama3_scaled_tied");
  auto r = ntm::lm::CausalLM::load(tmp.path(), {"float32", c10::Device(c10::kCPU)})->forward(ref.seqs, {});
  CHECK(max_abs_diff(r.last_logits, ref.single_last_logits) <= 1e-4);
}
