// [lm][prefix] CausalLM::prefix_cache: sequences continued from a shared token prefix's cached
// keys/values give the numbers of the full computation (fp32, max |diff| <= 1e-5), on every
// fixture family (llama-like RoPE, gpt2 learned positions, gemma2 window + soft-capping, ...),
// at batch sizes 1 and > 1, through both attention paths (the CPU manual one and, with
// NTM_LM_FORCE_SDPA=1, the masked SDPA one that CUDA takes). build-labels end to end on the
// tiny LM and (when fetched) SmolLM2: --no-prefix-cache writes the same store. The comparisons
// are REQUIREs: the first difference stops the case (its INFO names model, batch and row).
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "catch.h"
#include "lm_test_util.h"
#include "ntm/labels/label_store.h"
#include "ntm/lm/model.h"
#include "ntm/util/fs.h"
#include "skip.h"

using namespace ntm::test;
using ntm::lm::CausalLM;

namespace {

// Documents sharing the head `prefix`: different lengths, one that leaves it early, one that is
// the head itself, one shorter than it, one with nothing in common.
std::vector<std::vector<int64_t>> prefixed_docs(const std::vector<int64_t>& prefix, int64_t vocab) {
  std::vector<std::vector<int64_t>> docs;
  uint32_t s = 7;
  for (int len : {1, 9, 3, 14, 6}) {
    auto d = prefix;
    for (int i = 0; i < len; ++i) {
      s = s * 1103515245u + 12345u;
      d.push_back(static_cast<int64_t>((s >> 16) % static_cast<uint32_t>(vocab)));
    }
    docs.push_back(d);
  }
  auto early = prefix;
  early[3] = (early[3] + 1) % vocab;
  early.push_back(2);
  docs.push_back(early);
  docs.push_back(prefix);
  docs.push_back(std::vector<int64_t>(prefix.begin(), prefix.begin() + 4));
  docs.push_back({(prefix[0] + 5) % vocab, 3, 4});
  return docs;
}

struct ScopedEnv {
  std::string name;
  ScopedEnv(const char* n, const char* v) : name(n) { ::setenv(n, v, 1); }
  ~ScopedEnv() { ::unsetenv(name.c_str()); }
};

}  // namespace

TEST_CASE("lm: a cached prompt prefix gives the full computation's outputs on every fixture", "[lm][prefix][unit]") {
  auto names = lm_fixture_names();
  REQUIRE(names.size() >= 11);
  int with_cache = 0;
  for (const auto& name : names) {
    INFO("fixture " << name);
    auto lm = CausalLM::load(fixture("lm-models/" + name), {"float32", c10::Device(c10::kCPU)});
    const int64_t V = lm->config().vocab_size;
    std::vector<int64_t> prefix;
    for (int64_t i = 0; i < 8; ++i) prefix.push_back((1 + 37 * i) % V);
    auto cache = lm->prefix_cache(prefix);
    if (!cache) {  // dynamic / longrope RoPE: no reuse, and the runner must not pretend otherwise
      REQUIRE((lm->config().rope.type == "dynamic" || lm->config().rope.type == "longrope"));
      continue;
    }
    ++with_cache;
    REQUIRE(CausalLM::prefix_length(cache) == 8);
    auto docs = prefixed_docs(prefix, V);
    ntm::lm::ForwardOptions full;
    full.all_layers = true;
    full.argmax = true;
    full.token_ids = {0, 3, V - 1, 5};
    ntm::lm::ForwardOptions cached = full;
    cached.prefix = cache;
    for (const char* sdpa : {"0", "1"}) {
      ScopedEnv env("NTM_LM_FORCE_SDPA", sdpa);
      auto want = lm->run(docs, full, 1 << 20);
      for (int64_t budget : {1, 40, 1 << 20}) {  // batch size 1, a few, all in one batch
        INFO("sdpa " << sdpa << ", batch_tokens " << budget);
        auto got = lm->run(docs, cached, budget);
        double dl = max_abs_diff(got.last_logits, want.last_logits);
        double dh = max_abs_diff(got.last_hidden, want.last_hidden);
        double da = max_abs_diff(got.all_layers_last_hidden, want.all_layers_last_hidden);
        INFO("max |diff| logits " << dl << ", hidden " << dh << ", all layers " << da);
        REQUIRE(dl <= 1e-5);
        REQUIRE(dh <= 1e-5);
        REQUIRE(da <= 1e-5);
        REQUIRE(at::equal(got.argmax, want.argmax));
      }
    }
  }
  REQUIRE(with_cache >= 11);  // no fixture uses dynamic or longrope RoPE
}

TEST_CASE("lm: an empty prefix gives no cache; a prefix no sequence starts with changes nothing", "[lm][prefix][unit]") {
  auto lm = CausalLM::load(fixture("lm-models/llama"), {"float32", c10::Device(c10::kCPU)});
  REQUIRE(lm->prefix_cache({}) == nullptr);
  REQUIRE(CausalLM::prefix_length(nullptr) == 0);
  // A cache whose ids no sequence starts with: every sequence runs in full.
  auto cache = lm->prefix_cache({11, 12, 13});
  std::vector<std::vector<int64_t>> docs = {{1, 2, 3, 4}, {5}, {11, 2}};
  ntm::lm::ForwardOptions full, cached;
  cached.prefix = cache;
  auto want = lm->run(docs, full), got = lm->run(docs, cached);
  REQUIRE(max_abs_diff(got.last_logits, want.last_logits) <= 1e-5);
  REQUIRE(max_abs_diff(got.last_hidden, want.last_hidden) <= 1e-5);
}

namespace {

void write_corpus(const std::string& path, int n) {
  const char* words[] = {"the", "market", "prices", "rose", "sharply", "after", "the", "central", "bank", "raised",
                         "rates", "game", "team", "won", "season", "players", "coach", "software", "update"};
  std::ofstream out(path, std::ios::binary);
  uint32_t s = 99;
  for (int i = 0; i < n; ++i) {
    std::string t;
    const int len = 1 + (i * 11) % 37;
    for (int j = 0; j < len; ++j) {
      s = s * 1103515245u + 12345u;
      t += (j ? " " : "") + std::string(words[(s >> 16) % 19]);
    }
    out << nlohmann::json{{"text", t}, {"label", "x"}}.dump() << "\n";
  }
}

// build-labels with and without the prefix cache: same soft labels, hidden states and layers,
// to max |diff| <= tol * max(1, max |value|) per tensor.
void check_build_labels_prefix(const std::string& model, const std::string& corpus, double tol,
                               const std::string& dir) {
  ntm::labels::Chunk want;
  for (const std::string mode : {"--no-prefix-cache", "--prefix-cache"}) {
    for (int batch_tokens : {1, 100000}) {
      const std::string out = dir + "/labels" + mode + std::to_string(batch_tokens);
      auto r = run_ntm("--device cpu build-labels --corpus " + q(corpus) + " --model " + q(model) + " --out " + q(out) +
                       " --vocab-size 30 --layers all --dtype float32 --chunk-size 8 --batch-tokens " +
                       std::to_string(batch_tokens) + " " + mode);
      INFO(mode << " batch_tokens " << batch_tokens << "\n" << r.output);
      REQUIRE(r.exit_code == 0);
      auto meta = nlohmann::json::parse(ntm::read_file(out + "/meta.json"));
      REQUIRE(meta["extra"]["prefix_cache"]["used"] == (mode == "--prefix-cache"));
      auto c = ntm::labels::LabelStoreReader(out).read_all();
      if (!want.soft_labels.defined()) {
        want = c;
        continue;
      }
      auto bound = [&](const at::Tensor& t) { return tol * std::max(1.0, t.abs().max().item<double>()); };
      double dl = max_abs_diff(c.soft_labels, want.soft_labels), dh = max_abs_diff(c.hidden, want.hidden);
      double da = max_abs_diff(c.layer_hidden, want.layer_hidden);
      INFO("max |diff| soft labels " << dl << ", hidden " << dh << ", layers " << da);
      REQUIRE(dl <= bound(want.soft_labels));
      REQUIRE(dh <= bound(want.hidden));
      REQUIRE(da <= bound(want.layer_hidden));
      REQUIRE(at::equal(c.next_token, want.next_token));
      REQUIRE(at::equal(c.prompt_tokens, want.prompt_tokens));
    }
  }
}

}  // namespace

TEST_CASE("build-labels: --prefix-cache and --no-prefix-cache write the same store on the tiny LM", "[labels][prefix][e2e]") {
  TempDir dir;
  write_corpus(dir / "corpus.jsonl", 19);
  check_build_labels_prefix(source_path("data/tiny-lm"), dir / "corpus.jsonl", 1e-5, dir.path());
  // The prefix cache is a record, not identity: a store begun without it resumes with it.
  const std::string out = dir / "labels--no-prefix-cache1";
  auto meta = nlohmann::json::parse(ntm::read_file(out + "/meta.json"));
  meta["complete"] = false;
  ntm::write_file_atomic(out + "/meta.json", meta.dump(1));
  auto r = run_ntm("--device cpu build-labels --corpus " + q(dir / "corpus.jsonl") + " --model " +
                   q(source_path("data/tiny-lm")) + " --out " + q(out) +
                   " --vocab-size 30 --layers all --dtype float32 --chunk-size 8 --batch-tokens 1 --resume");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
}

TEST_CASE("build-labels: the prefix cache on the real SmolLM2 Q4_1 GGUF gives the full computation's store", "[labels][prefix][e2e][assets]") {
  const char* a = std::getenv("NTM_ASSETS_DIR");
  const std::string model = (a && *a ? std::string(a) : source_path(".assets")) + "/models/SmolLM2-135M-Instruct.Q4_1.gguf";
  if (!std::filesystem::exists(model)) {
    NTM_SKIP(model << " is missing (run scripts/fetch-smollm2.sh)");
  }
  TempDir dir;
  write_corpus(dir / "corpus.jsonl", 10);
  // 30 layers in fp32: the full computation alone moves by ~2e-5 on logits of ~8 between batch
  // size 1 and a batch of 12 (different GEMM shapes), so the bound is relative to the values.
  check_build_labels_prefix(model, dir / "corpus.jsonl", 1e-5, dir.path());
}
