// build-labels --layers: extra hidden states per document (layer_hidden [n, S, H]) checked against
// independent ground truth on the e2e fixture: layer 0 is the embedding row of the prompt's last
// token (read straight from model.safetensors) and layer L is transformers' final hidden state
// (maskpos_last_hidden). Middle layers are covered by the LM tests against
// maskpos_all_layers_last_hidden.
#include <torch/torch.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "catch.h"
#include "ntm/io/safetensors.h"
#include "ntm/labels/label_store.h"
#include "ntm/util/fs.h"
#include "test_util.h"

using ntm::test::fixture;
using ntm::test::run_ntm;

namespace {

using ntm::test::q;

struct E2e {
  ntm::test::TempDir dir;
  std::string corpus, vocab;
  E2e() {
    std::ifstream in(fixture("e2e/e2e.json"));
    auto j = nlohmann::json::parse(in);
    corpus = dir / "corpus.jsonl";
    vocab = dir / "vocab.json";
    std::ofstream out(corpus);
    for (const auto& d : j["documents"]) out << nlohmann::json{{"text", d}, {"label", "x"}}.dump() << "\n";
    out.close();
    ntm::write_file_atomic(vocab, nlohmann::json(j["vocab"]).dump());
  }
  ntm::test::RunResult build(const std::string& out, const std::string& extra) {
    return run_ntm("build-labels --corpus " + q(corpus) + " --model " + q(fixture("e2e")) + " --vocab " + q(vocab) +
                   " --out " + q(dir / out) + " --chunk-size 4 " + extra);
  }
};

double max_diff(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); }

}  // namespace

TEST_CASE("build-labels --layers stores embedding and final layers equal to the reference", "[e2e][labels]") {
  E2e e;
  auto ref = ntm::st::File::open(fixture("e2e/reference.safetensors"));
  at::Tensor want_last = ref->tensor("maskpos_last_hidden");  // [6, 64]
  // Layer 0 = embed_tokens row of each prompt's last real token (right or left padding alike).
  at::Tensor ids = ref->tensor("input_ids").to(torch::kLong), mask = ref->tensor("attention_mask").to(torch::kLong);
  auto weights = ntm::st::File::open(fixture("e2e/model.safetensors"));
  at::Tensor emb = weights->tensor("model.embed_tokens.weight").to(torch::kFloat);  // [V_lm, 64]
  const int64_t n = ids.size(0);
  at::Tensor want_emb = torch::empty({n, emb.size(1)});
  for (int64_t i = 0; i < n; ++i) {
    // Last position whose mask is 1.
    int64_t last = -1;
    for (int64_t t = 0; t < mask.size(1); ++t)
      if (mask[i][t].item<int64_t>() == 1) last = t;
    want_emb[i] = emb[ids[i][last].item<int64_t>()];
  }
  const int64_t L = nlohmann::json::parse(ntm::read_file(fixture("e2e/config.json")))["num_hidden_layers"];

  SECTION("a list with a negative index") {
    auto r = e.build("l", "--layers 0,-1 --batch-tokens 64");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    ntm::labels::LabelStoreReader store(e.dir / "l");
    CHECK(store.meta().layers == std::vector<int64_t>{0, L});
    auto c = store.read_all();
    REQUIRE(c.layer_hidden.sizes() == at::IntArrayRef({n, 2, 64}));
    CHECK(max_diff(c.layer_hidden.select(1, 0), want_emb) <= 1e-6);
    CHECK(max_diff(c.layer_hidden.select(1, 1), want_last) <= 1e-4);
    CHECK(max_diff(c.layer_hidden.select(1, 1), c.hidden) == 0);
  }
  SECTION("all layers, bfloat16 storage, resumable and shown by check-labels") {
    auto r = e.build("a", "--layers all --hidden-dtype bfloat16");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    ntm::labels::LabelStoreReader store(e.dir / "a");
    REQUIRE(store.meta().layers.size() == static_cast<size_t>(L + 1));
    auto c = store.read_all();
    REQUIRE(c.layer_hidden.sizes() == at::IntArrayRef({n, L + 1, 64}));
    CHECK(max_diff(c.layer_hidden.select(1, 0), want_emb) <= 0.02);  // bf16 storage
    CHECK(max_diff(c.layer_hidden.select(1, L), want_last) <= 0.05);
    auto chk = run_ntm("check-labels " + q(e.dir / "a"));
    INFO(chk.output);
    CHECK(chk.exit_code == 0);
    CHECK(chk.output.find("layer_hidden  " + std::to_string(L + 1) + " layer(s)") != std::string::npos);
    // Resuming with other layers is refused, naming the key.
    auto again = e.build("a", "--layers last --hidden-dtype bfloat16 --resume");
    CHECK(again.exit_code == 2);
    CHECK(again.output.find("layers") != std::string::npos);
  }
}

TEST_CASE("build-labels --layers rejects bad lists with the flag named", "[e2e][labels]") {
  E2e e;
  for (const char* bad : {"--layers 7", "--layers 1,1", "--layers x", "--layers 0,", "--layers -9"}) {
    auto r = e.build(std::string("bad") + std::to_string(std::hash<std::string>{}(bad) % 1000), bad);
    INFO(bad << "\n" << r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("--layers") != std::string::npos);
  }
}

TEST_CASE("label store: layer_hidden must match meta.json layers", "[unit][labels]") {
  ntm::labels::StoreMeta m;
  m.vocab = {"a", "b"};
  m.hidden_size = 3;
  m.layers = {0, 2};
  ntm::labels::Chunk c;
  c.soft_labels = torch::zeros({2, 2});
  c.hidden = torch::zeros({2, 3});
  c.bow_indptr = torch::zeros({3}, torch::kLong);
  c.bow_indices = torch::zeros({0}, torch::kInt);
  c.bow_counts = torch::zeros({0});
  c.labels = torch::full({2}, -1, torch::kLong);
  c.doc_index = torch::arange(2, torch::kLong);
  CHECK_THROWS_WITH(ntm::labels::check_chunk(c, m, 0, -1, "w"), Catch::Contains("'layer_hidden' is missing"));
  c.layer_hidden = torch::zeros({2, 3, 3});
  CHECK_THROWS_WITH(ntm::labels::check_chunk(c, m, 0, -1, "w"), Catch::Contains("expected [2, 2, 3]"));
  c.layer_hidden = torch::zeros({2, 2, 3});
  c.layer_hidden[1][1][2] = std::nanf("");
  CHECK_THROWS_WITH(ntm::labels::check_chunk(c, m, 0, -1, "w"), Catch::Contains("layer_hidden of corpus row 1"));
  c.layer_hidden[1][1][2] = 0;
  CHECK_NOTHROW(ntm::labels::check_chunk(c, m, 0, -1, "w"));
  m.layers.clear();
  CHECK_THROWS_WITH(ntm::labels::check_chunk(c, m, 0, -1, "w"), Catch::Contains("lists no 'layers'"));
}
