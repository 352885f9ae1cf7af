// [gguf][lm] The real SmolLM2-135M-Instruct Q4_1 GGUF (scripts/fetch-smollm2.sh): `ntm lm-run`
// against transformers' from_pretrained(..., gguf_file=...) in fp32 on CPU, max |diff| <= 1e-3
// (tests/fixtures/gguf/smollm2-reference.safetensors, scripts/make-smollm2-reference.py).
// Skipped (WARN) when the file has not been fetched.
#include <cstdlib>
#include <filesystem>

#include "catch.h"
#include "lm_test_util.h"
#include "skip.h"

using namespace ntm::test;

namespace {
std::string smollm2_path() {
  const char* a = std::getenv("NTM_ASSETS_DIR");
  std::string dir = a && *a ? a : source_path(".assets");
  return dir + "/models/SmolLM2-135M-Instruct.Q4_1.gguf";
}
}  // namespace

TEST_CASE("gguf smollm2: lm-run matches transformers on the real Q4_1 file", "[gguf][lm][e2e][assets]") {
  const std::string model = smollm2_path();
  if (!std::filesystem::exists(model)) {
    NTM_SKIP(model << " is missing (run scripts/fetch-smollm2.sh)");
  }
  for (const char* weights : {"quantized", "float"}) {  // kept in blocks / dequantized at load
    INFO("--gguf-weights " << weights);
    TempDir tmp;
    auto r =
        run_ntm("--device cpu lm-run --model " + q(model) + " --input " + q(fixture("gguf/smollm2-ids.jsonl")) +
                " --out " + q(tmp / "out.safetensors") + " --dtype float32 --gguf-weights " + weights);
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    auto got = ntm::st::File::open(tmp / "out.safetensors")->tensor("last_logits").clone();  // [N, V]
    auto ref = ntm::st::File::open(fixture("gguf/smollm2-reference.safetensors"));
    auto ids = ref->tensor("ids").clone();
    auto want = ref->tensor("logits").clone();
    REQUIRE(got.size(1) == 49152);
    double d = max_abs_diff(got.index_select(1, ids), want);
    INFO("max |ntm - transformers| = " << d);
    CHECK(d <= 1e-3);
    CHECK(torch::equal(got.argmax(1), ref->tensor("argmax").clone()));
  }
}
