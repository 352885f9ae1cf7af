// [lm] `ntm lm-run` end to end on a fixture: output tensors, order and values.
#include <filesystem>
#include <fstream>

#include "catch.h"
#include "lm_test_util.h"

using namespace ntm::test;

TEST_CASE("ntm lm-run writes last_logits / last_hidden / all layers in input order", "[lm][e2e]") {
  for (const std::string name : {"gpt2", "llama_bf16_sharded"}) {
    INFO("fixture " << name);
    TempDir tmp;
    auto ref = lm_reference(name);
    {
      std::ofstream f(tmp / "ids.jsonl");
      for (const auto& s : ref.seqs) {
        f << "[";
        for (size_t i = 0; i < s.size(); ++i) f << (i ? ", " : "") << s[i];
        f << "]\n";
      }
    }
    auto r = run_ntm("--device cpu lm-run --model '" + fixture("lm-models/" + name) + "' --input '" +
                     (tmp / "ids.jsonl") + "' --out '" + (tmp / "out.safetensors") +
                     "' --layers all --batch-tokens 16");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    auto f = ntm::st::File::open(tmp / "out.safetensors");
    auto logits = f->tensor("last_logits"), hidden = f->tensor("last_hidden");
    auto layers = f->tensor("all_layers_last_hidden");
    CHECK(logits.sizes() == ref.single_last_logits.sizes());
    CHECK(layers.size(0) == ref.maskpos_all_layers_last_hidden.size(0));
    CHECK(max_abs_diff(logits, ref.single_last_logits) <= 1e-4);
    CHECK(max_abs_diff(hidden, ref.single_last_hidden) <= 1e-4);
    CHECK(max_abs_diff(layers, ref.maskpos_all_layers_last_hidden) <= 1e-4);
    CHECK(f->metadata("dtype") == "Float");
  }
}
