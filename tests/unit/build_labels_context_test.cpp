// [labels] build-labels and the model's context length (issue 21 item 3): a prompt longer than
// the context is cut in its document part with one warning and a count in meta.json, or refused
// with --on-long-prompt error before anything is written.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "catch.h"
#include "ntm/labels/label_store.h"
#include "ntm/lm/context.h"
#include "ntm/util/fs.h"
#include "test_util.h"

using ntm::test::q;
using ntm::test::run_ntm;
using ntm::test::source_path;

namespace {

// tiny-lm: config.json max_position_embeddings and tokenizer_config.json model_max_length are 4096.
void write_big_corpus(const std::string& path) {
  std::string big;
  while (big.size() < 60000) big += "market prices rose sharply after the central bank raised rates ";
  std::ofstream out(path, std::ios::binary);
  out << "text\tlabel\nteam won the season\ta\n" << big << "\tb\nthe game\ta\n";
}

}  // namespace

TEST_CASE("context length: the smallest of config.json and model_max_length applies", "[unit][labels]") {
  ntm::lm::DecoderConfig cfg;
  cfg.model_type = "llama";
  cfg.max_position_embeddings = 4096;
  CHECK(ntm::lm::context_length(cfg, 0).tokens == 4096);
  CHECK(ntm::lm::context_length(cfg, 0).source == "config.json max_position_embeddings");
  CHECK(ntm::lm::context_length(cfg, 2048).tokens == 2048);
  CHECK(ntm::lm::context_length(cfg, 2048).source == "tokenizer model_max_length");
  // transformers' "no limit" (1e30, clamped to INT64_MAX when read) is ignored.
  CHECK(ntm::lm::context_length(cfg, INT64_MAX).tokens == 4096);
  cfg.max_position_embeddings = 0;
  CHECK(ntm::lm::context_length(cfg, 0).tokens == 0);
  cfg.model_type = "gpt2";
  cfg.max_position_embeddings = 1024;
  CHECK(ntm::lm::context_length(cfg, 0).source == "config.json n_positions");
}

TEST_CASE("build-labels cuts prompts longer than the model's context, or refuses them", "[e2e][labels]") {
  ntm::test::TempDir dir;
  write_big_corpus(dir / "c.tsv");
  const std::string common = "build-labels --corpus " + q(dir / "c.tsv") + " --model " +
                             q(source_path("data/tiny-lm")) + " --vocab-size 8 --chunk-size 2";
  auto r = run_ntm(common + " --out " + q(dir / "cut"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  // One warning with the count, naming the limit and where it comes from.
  CHECK(r.output.find("1 document(s) made prompts longer than the model's context of 4096 tokens") != std::string::npos);
  ntm::labels::LabelStoreReader store(dir / "cut");
  auto c = store.read_all();
  REQUIRE(c.size() == 3);
  CHECK(c.prompt_tokens[1].item<int>() <= 4096);
  CHECK(c.prompt_tokens[1].item<int>() >= 4050);
  CHECK(c.prompt_tokens[0].item<int>() < 60);
  auto meta = nlohmann::json::parse(ntm::read_file(dir / "cut/meta.json"));
  CHECK(meta["extra"]["truncated_docs"] == 1);
  CHECK(meta["prompt"]["context_length"] == 4096);
  CHECK(meta["prompt"]["prompt_limit"] == 4096);

  // --max-tokens below the context wins and is named in the warning.
  auto small = run_ntm(common + " --max-tokens 500 --out " + q(dir / "small"));
  INFO(small.output);
  REQUIRE(small.exit_code == 0);
  CHECK(small.output.find("longer than --max-tokens 500") != std::string::npos);
  CHECK(ntm::labels::LabelStoreReader(dir / "small").read_all().prompt_tokens[1].item<int>() <= 500);

  // --on-long-prompt error: exit 2 naming the document and the context, no store written.
  auto refused = run_ntm(common + " --on-long-prompt error --out " + q(dir / "refused"));
  INFO(refused.output);
  CHECK(refused.exit_code == 2);
  CHECK(refused.output.find("c.tsv: document 2: its prompt has") != std::string::npos);
  CHECK(refused.output.find("model's context of 4096 (config.json max_position_embeddings)") != std::string::npos);
  CHECK(refused.output.find("internal error") == std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "refused/meta.json"));

  auto bad = run_ntm(common + " --on-long-prompt maybe --out " + q(dir / "bad"));
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("--on-long-prompt must be truncate or error") != std::string::npos);
}
