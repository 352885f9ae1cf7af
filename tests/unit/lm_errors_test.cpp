// [lm] broken checkpoints and inputs give one-line errors naming the culprit, from the library
// and from `ntm lm-run` (exit code 2).
#include <filesystem>
#include <fstream>

#include "catch.h"
#include "lm_test_util.h"
#include "ntm/error.h"
#include "ntm/lm/model.h"

using namespace ntm::test;
namespace fs = std::filesystem;

namespace {

// Copies a fixture folder (without reference.safetensors) into dst.
void copy_model(const std::string& name, const std::string& dst) {
  for (const auto& f : fs::directory_iterator(fixture("lm-models/" + name)))
    if (f.path().filename() != "reference.safetensors") fs::copy_file(f.path(), dst + "/" + f.path().filename().string());
}

nlohmann::json read_json(const std::string& path) { return nlohmann::json::parse(std::ifstream(path)); }
void write_json(const std::string& path, const nlohmann::json& j) { std::ofstream(path) << j.dump(2); }

// Loads through the library and through the CLI; both must fail naming every `needle`.
void expect_failure(const TempDir& tmp, const std::vector<std::string>& needles) {
  std::string msg;
  try {
    ntm::lm::CausalLM::load(tmp.path(), {"float32", c10::Device(c10::kCPU)});
  } catch (const ntm::Error& e) {
    msg = e.what();
    CHECK(e.exit_code() == 2);
  }
  INFO("library error: " << msg);
  REQUIRE(!msg.empty());
  CHECK(msg.find('\n') == std::string::npos);
  for (const auto& n : needles) CHECK(msg.find(n) != std::string::npos);

  std::ofstream(tmp / "ids.jsonl") << "[1, 2, 3]\n";
  auto r = run_ntm("--device cpu lm-run --model '" + tmp.path() + "' --input '" + (tmp / "ids.jsonl") + "' --out '" +
                   (tmp / "out.safetensors") + "'");
  INFO("ntm output: " << r.output);
  CHECK(r.exit_code == 2);
  for (const auto& n : needles) CHECK(r.output.find(n) != std::string::npos);
  CHECK(!fs::exists(tmp / "out.safetensors"));
}

}  // namespace

TEST_CASE("lm errors: missing tensor", "[lm][unit]") {
  TempDir tmp;
  copy_model("llama", tmp.path());
  auto all = ntm::st::load_all(tmp / "model.safetensors");
  std::vector<std::pair<std::string, at::Tensor>> kept;
  for (auto& [n, t] : all)
    if (n != "model.layers.1.mlp.down_proj.weight") kept.push_back({n, t});
  ntm::st::save(tmp / "model.safetensors", kept);
  expect_failure(tmp, {"model.layers.1.mlp.down_proj.weight", "missing tensor", "[64, 96]"});
}

TEST_CASE("lm errors: tensor with the wrong shape", "[lm][unit]") {
  TempDir tmp;
  copy_model("qwen3", tmp.path());
  auto all = ntm::st::load_all(tmp / "model.safetensors");
  for (auto& [n, t] : all)
    if (n == "model.layers.0.self_attn.k_norm.weight") t = at::ones({16});
  ntm::st::save(tmp / "model.safetensors", all);
  expect_failure(tmp, {"model.layers.0.self_attn.k_norm.weight", "[16]", "expected [32]"});
}

TEST_CASE("lm errors: unknown model_type lists the supported ones", "[lm][unit]") {
  TempDir tmp;
  copy_model("llama", tmp.path());
  auto cfg = read_json(tmp / "config.json");
  cfg["model_type"] = "mamba";
  write_json(tmp / "config.json", cfg);
  expect_failure(tmp, {"'mamba'", "llama, mistral, qwen2, qwen3, phi3, gemma, gemma2, ernie4_5, gpt2"});
}

TEST_CASE("lm errors: missing config key", "[lm][unit]") {
  TempDir tmp;
  copy_model("gemma2", tmp.path());
  auto cfg = read_json(tmp / "config.json");
  cfg.erase("intermediate_size");
  write_json(tmp / "config.json", cfg);
  expect_failure(tmp, {"config.json", "'intermediate_size'"});
}

TEST_CASE("lm errors: unsupported rope type", "[lm][unit]") {
  TempDir tmp;
  copy_model("llama", tmp.path());
  auto cfg = read_json(tmp / "config.json");
  cfg["rope_parameters"]["rope_type"] = "mrope";
  write_json(tmp / "config.json", cfg);
  expect_failure(tmp, {"rope_type", "'mrope'", "llama3"});
}

TEST_CASE("lm errors: truncated shard", "[lm][unit]") {
  TempDir tmp;
  copy_model("llama_bf16_sharded", tmp.path());
  const std::string shard = tmp / "model-00003-of-00006.safetensors";
  fs::resize_file(shard, fs::file_size(shard) - 10);
  expect_failure(tmp, {"model-00003-of-00006.safetensors"});
}

TEST_CASE("lm errors: index pointing to a missing shard", "[lm][unit]") {
  TempDir tmp;
  copy_model("llama_bf16_sharded", tmp.path());
  auto index = read_json(tmp / "model.safetensors.index.json");
  index["weight_map"]["model.norm.weight"] = "model-00007-of-00006.safetensors";
  write_json(tmp / "model.safetensors.index.json", index);
  expect_failure(tmp, {"model-00007-of-00006.safetensors", "model.norm.weight"});
}

TEST_CASE("lm errors: bad token-id input names the file and line", "[lm][unit]") {
  TempDir tmp;
  const std::string model = fixture("lm-models/llama");
  auto run = [&](const std::string& content) {
    std::ofstream(tmp / "ids.jsonl") << content;
    return run_ntm("--device cpu lm-run --model '" + model + "' --input '" + (tmp / "ids.jsonl") + "' --out '" +
                   (tmp / "out.safetensors") + "'");
  };
  auto r = run("[1, 2]\n[3, 400]\n");  // vocab is 384
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("ids.jsonl:2") != std::string::npos);
  CHECK(r.output.find("400") != std::string::npos);
  r = run("[1, 2]\n\n[]\n");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("ids.jsonl:3") != std::string::npos);
  r = run("[1, \"a\"]\n");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("ids.jsonl:1") != std::string::npos);
  r = run_ntm("--device cpu lm-run --model '" + model + "' --input x --out y --dtype float64");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("--dtype") != std::string::npos);
}
