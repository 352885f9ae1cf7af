// [gguf][lm] GGUF models through `ntm lm-run`: every family and quant type of
// tests/fixtures/gguf/models (scripts/make-gguf-fixtures.py) against transformers run on the
// dequantized weights (fp32, CPU), max |diff| <= 1e-4, with the matrices kept quantized and
// dequantized at load (--gguf-weights); unknown architectures are exit-2 errors.
#include <filesystem>
#include <fstream>

#include <torch/torch.h>

#include "catch.h"
#include "gguf_test_util.h"
#include "lm/tensor_source.h"
#include "lm_test_util.h"
#include "ntm/error.h"
#include "ntm/lm/config.h"
#include "ntm/lm/model.h"

using namespace ntm::test;
namespace fs = std::filesystem;

namespace {

double lm_run_diff(const std::string& gguf, const std::string& reference, const std::string& ids,
                   const std::string& weights) {
  TempDir tmp;
  auto r = run_ntm("--device cpu lm-run --model " + q(gguf) + " --input " + q(ids) + " --out " +
                   q(tmp / "out.safetensors") + " --dtype float32 --gguf-weights " + weights);
  INFO("ntm output: " << r.output);
  REQUIRE(r.exit_code == 0);
  auto got = ntm::st::File::open(tmp / "out.safetensors")->tensor("last_logits").clone();
  auto want = ntm::st::File::open(reference)->tensor("last_logits").clone();
  return max_abs_diff(got, want);
}

}  // namespace

TEST_CASE("gguf models: lm-run matches the reference for every family and quant type", "[gguf][lm][e2e]") {
  const std::string dir = fixture("gguf/models");
  for (const char* name :
       {"llama-mixed32", "llama-kquants", "qwen2", "qwen3", "phi3", "gemma", "gemma2", "gpt2"}) {
    for (const char* weights : {"quantized", "float"}) {  // kept in blocks / dequantized at load
      INFO("fixture " << name << ", --gguf-weights " << weights);
      double d = lm_run_diff(dir + "/" + name + ".gguf", dir + "/" + name + ".reference.safetensors",
                             dir + "/ids.jsonl", weights);
      CHECK(d <= 1e-4);
    }
  }
}

TEST_CASE("gguf models: config from metadata", "[gguf][lm][unit]") {
  auto c = ntm::lm::load_decoder_config(fixture("gguf/models/llama-kquants.gguf"));
  CHECK(c.model_type == "llama");
  CHECK(c.hidden_size == 256);
  CHECK(c.num_heads == 2);
  CHECK(c.num_kv_heads == 1);
  CHECK(c.head_dim == 16);
  CHECK(c.vocab_size == 64);
  CHECK(!c.tie_word_embeddings);
  auto g = ntm::lm::load_decoder_config(fixture("gguf/models/gemma2.gguf"));
  CHECK(g.model_type == "gemma2");
  CHECK(g.tie_word_embeddings);
  CHECK(g.attn_softcap == 50.0);
  CHECK(ntm::lm::is_gguf_model(fixture("gguf/models/gpt2.gguf")));
  CHECK(!ntm::lm::is_gguf_model(fixture("lm-models/gpt2")));
}

TEST_CASE("gguf models: unknown architecture and broken files are one-line exit-2 errors",
          "[gguf][lm][unit]") {
  TempDir tmp;
  GgufBuilder b;
  b.kv_string("general.architecture", "mamba");
  b.f32_tensor("token_embd.weight", {4, 8}, std::vector<float>(32, 0.f));
  std::ofstream(tmp / "mamba.gguf", std::ios::binary) << b.build();
  std::ofstream(tmp / "ids.jsonl") << "[1, 2]\n";
  auto r = run_ntm("--device cpu lm-run --model " + q(tmp / "mamba.gguf") + " --input " +
                   q(tmp / "ids.jsonl") + " --out " + q(tmp / "out.safetensors"));
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("mamba.gguf") != std::string::npos);
  CHECK(r.output.find("'mamba' is not supported") != std::string::npos);
  CHECK(!fs::exists(tmp / "out.safetensors"));

  // A truncated real fixture: the error names the file and the tensor whose bytes are missing.
  std::ifstream in(fixture("gguf/models/qwen2.gguf"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ofstream(tmp / "cut.gguf", std::ios::binary) << bytes.substr(0, bytes.size() - 100);
  r = run_ntm("--device cpu lm-run --model " + q(tmp / "cut.gguf") + " --input " + q(tmp / "ids.jsonl") +
              " --out " + q(tmp / "out.safetensors"));
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("cut.gguf") != std::string::npos);
  CHECK(r.output.find("past the end") != std::string::npos);
  CHECK(!fs::exists(tmp / "out.safetensors"));
}

// The loader writes float32 weights straight into their (fused) buffers with read_into(); it must
// give exactly tensor(): the llama Q/K rows un-permuted row by row, Gemma norms minus one, GPT-2
// transposed, and a checkpoint folder's bfloat16 widened.
TEST_CASE("gguf models: weights decoded into their buffers equal the dequantized tensors",
          "[gguf][lm][unit]") {
  std::vector<std::string> models;
  for (const char* name :
       {"llama-mixed32", "llama-kquants", "qwen2", "qwen3", "phi3", "gemma", "gemma2", "gpt2"})
    models.push_back(fixture("gguf/models/" + std::string(name) + ".gguf"));
  models.push_back(fixture("lm-models/llama_bf16_sharded"));
  for (const auto& model : models) {
    auto src = ntm::lm::open_tensor_source(model);
    REQUIRE(!src->names().empty());
    for (const auto& name : src->names()) {
      INFO(model << ": " << name);
      at::Tensor want = src->tensor(name).to(torch::kFloat);
      // A row range of a larger buffer, as in the fused q | k | v matrix.
      std::vector<int64_t> big = src->shape(name);
      if (big.empty()) big.push_back(1);
      const int64_t rows = big[0];
      big[0] += 3;
      at::Tensor buf = torch::full(big, -7.0f);
      at::Tensor slice = want.dim() == 0 ? buf.narrow(0, 2, 1).view({}) : buf.narrow(0, 2, rows);
      src->read_into(name, slice);
      CHECK(torch::equal(slice, want));
      CHECK(torch::equal(buf.narrow(0, 0, 2), torch::full_like(buf.narrow(0, 0, 2), -7.0f)));
    }
  }
}
