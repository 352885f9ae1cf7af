// build-labels end to end: parity with Hugging Face on the e2e fixture, resume after SIGKILL,
// shards, bad input. Runs the ntm binary (tiny models; a few seconds).
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "catch.h"
#include "ntm/io/safetensors.h"
#include "ntm/labels/label_store.h"
#include "ntm/util/fs.h"
#include "test_util.h"

namespace fs = std::filesystem;
using ntm::test::fixture;
using ntm::test::run_ntm;
using ntm::test::source_path;

namespace {

// Writes a TSV corpus (text<TAB>label) with the given texts.
void write_tsv(const std::string& path, const std::vector<std::string>& texts, const std::string& label = "a") {
  std::ofstream out(path, std::ios::binary);
  out << "text\tlabel\n";
  for (const auto& t : texts) out << t << "\t" << label << "\n";
}

std::vector<std::string> sample_texts(int n) {
  const char* words[] = {"the", "market", "prices", "rose", "sharply", "after", "the", "central", "bank",
                         "raised", "rates", "game", "team", "won", "season", "players", "coach", "software",
                         "update", "crashed", "windows", "linux", "kernel", "driver"};
  std::vector<std::string> out;
  uint32_t s = 12345;
  for (int i = 0; i < n; ++i) {
    std::string t;
    int len = 5 + static_cast<int>(i * 7 % 40);
    for (int j = 0; j < len; ++j) {
      s = s * 1103515245u + 12345u;
      t += (j ? " " : "") + std::string(words[(s >> 16) % 24]);
    }
    out.push_back(t + ".");
  }
  return out;
}

using ntm::test::q;

}  // namespace

TEST_CASE("build-labels soft labels and hidden states match transformers on the e2e fixture", "[e2e][labels]") {
  ntm::test::TempDir dir;
  std::ifstream in(fixture("e2e/e2e.json"));
  auto j = nlohmann::json::parse(in);
  std::vector<std::string> docs = j["documents"].get<std::vector<std::string>>();
  {
    // JSONL keeps every document byte-exact (tabs, newlines).
    std::ofstream out(dir / "corpus.jsonl");
    for (const auto& d : docs) out << nlohmann::json{{"text", d}, {"label", "x"}}.dump() << "\n";
  }
  ntm::write_file_atomic(dir / "vocab.json", nlohmann::json(j["vocab"]).dump());
  auto ref = ntm::st::File::open(fixture("e2e/reference.safetensors"));
  at::Tensor want_logits = ref->tensor("maskpos_word_logits");  // [6, 12]
  at::Tensor want_hidden = ref->tensor("maskpos_last_hidden");  // [6, 64]
  for (int batch_tokens : {1, 64, 100000}) {
    std::string out = dir / ("labels-" + std::to_string(batch_tokens));
    auto r = run_ntm("build-labels --corpus " + q(dir / "corpus.jsonl") + " --model " + q(fixture("e2e")) +
                     " --vocab " + q(dir / "vocab.json") + " --out " + q(out) +
                     " --batch-tokens " + std::to_string(batch_tokens) + " --chunk-size 4");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    ntm::labels::LabelStoreReader store(out);
    auto c = store.read_all();
    REQUIRE(c.soft_labels.sizes() == want_logits.sizes());
    double dl = (c.soft_labels - want_logits).abs().max().item<double>();
    double dh = (c.hidden - want_hidden).abs().max().item<double>();
    INFO("batch_tokens " << batch_tokens << ": max |diff| logits " << dl << ", hidden " << dh);
    CHECK(dl <= 1e-4);
    CHECK(dh <= 1e-4);
    // The words' token ids are the reference's first tokens of " " + word.
    auto wt = nlohmann::json::parse(ntm::read_file(out + "/word_tokens.json"));
    CHECK(wt["token_ids"] == j["first_token_ids"]);
  }
}

TEST_CASE("build-labels resumes after SIGKILL to the same bytes; shards merge to the unsharded store", "[e2e][labels]") {
  ntm::test::TempDir dir;
  auto texts = sample_texts(70);
  texts[3] = "";  // empty documents are kept
  texts[20] = "";
  write_tsv(dir / "c.tsv", texts);
  const std::string common = "build-labels --corpus " + q(dir / "c.tsv") + " --model " + q(source_path("data/tiny-lm")) +
                             " --vocab-size 15 --chunk-size 8 --batch-tokens 300";
  auto full = run_ntm(common + " --out " + q(dir / "full"));
  INFO(full.output);
  REQUIRE(full.exit_code == 0);
  ntm::labels::LabelStoreReader store(dir / "full");
  CHECK(store.meta().num_docs == 70);
  CHECK(store.num_chunks() == 9);

  // A run killed with SIGKILL right after committing chunk k, then resumed.
  for (int k : {1, 5}) {
    std::string out = dir / ("killed" + std::to_string(k));
    auto killed = ntm::test::run_command("NTM_FAULT_KILL_AFTER_CHUNKS=" + std::to_string(k) + " " + q(NTM_BINARY) + " " +
                                         common + " --out " + q(out));
    CHECK(killed.exit_code == 128 + 9);
    auto refused = run_ntm(common + " --out " + q(out));
    CHECK(refused.exit_code == 2);
    CHECK(refused.output.find("--resume") != std::string::npos);
    auto resumed = run_ntm(common + " --out " + q(out) + " --resume");
    INFO(resumed.output);
    REQUIRE(resumed.exit_code == 0);
    for (size_t i = 0; i < store.num_chunks(); ++i) {
      std::string name = store.chunks()[i].file;
      CHECK(ntm::read_file(out + "/" + name) == ntm::read_file(dir / ("full/" + name)));
    }
  }

  // Three shards, merged.
  for (int i = 0; i < 3; ++i) {
    auto s = run_ntm(common + " --shard " + std::to_string(i) + "/3 --out " + q(dir / ("shard" + std::to_string(i))));
    INFO(s.output);
    REQUIRE(s.exit_code == 0);
  }
  auto partial = run_ntm("merge-labels --out " + q(dir / "bad") + " " + q(dir / "shard0") + " " + q(dir / "shard2"));
  CHECK(partial.exit_code == 2);
  auto merged = run_ntm("merge-labels --out " + q(dir / "merged") + " " + q(dir / "shard2") + " " + q(dir / "shard0") +
                        " " + q(dir / "shard1"));
  INFO(merged.output);
  REQUIRE(merged.exit_code == 0);
  for (size_t i = 0; i < store.num_chunks(); ++i) {
    std::string name = store.chunks()[i].file;
    CHECK(ntm::read_file(dir / ("merged/" + name)) == ntm::read_file(dir / ("full/" + name)));
  }
}

TEST_CASE("build-labels on hostile corpora and checkpoints", "[e2e][labels]") {
  ntm::test::TempDir dir;
  const std::string model = q(source_path("data/tiny-lm"));
  // A 200 KB document and empty documents. The LM sees at most 2048 prompt tokens (--max-tokens
  // keeps the instruction and the "Topic:" frame); the BoW covers the whole document.
  std::string big;
  while (big.size() < 200000) big += "market prices rose sharply after the central bank raised rates ";
  write_tsv(dir / "big.tsv", {"", big, "team won the season", ""});
  auto r = run_ntm("build-labels --corpus " + q(dir / "big.tsv") + " --model " + model +
                   " --vocab-size 10 --max-tokens 2048 --out " + q(dir / "big"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("1 document(s) made prompts longer than --max-tokens 2048") != std::string::npos);
  ntm::labels::LabelStoreReader store(dir / "big");
  auto c = store.read_all();
  CHECK(c.size() == 4);
  CHECK(c.prompt_tokens[1].item<int>() <= 2048);
  CHECK(c.prompt_tokens[1].item<int>() >= 2000);
  CHECK(c.prompt_tokens[2].item<int>() < 60);
  CHECK(c.bow_indptr[1].item<int64_t>() == 0);  // the empty first document has an empty BoW
  // BoW counts of the big document come from all of its ~3,100 repetitions.
  auto row = c.bow_counts.slice(0, c.bow_indptr[1].item<int64_t>(), c.bow_indptr[2].item<int64_t>());
  CHECK(row.max().item<float>() > 3000);

  // Invalid UTF-8.
  {
    std::ofstream out(dir / "bad.tsv", std::ios::binary);
    out << "text\tlabel\nok text\ta\nbad \xff\xfe bytes\ta\n";
  }
  auto bad = run_ntm("build-labels --corpus " + q(dir / "bad.tsv") + " --model " + model + " --out " + q(dir / "o1"));
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("bad.tsv:3") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "o1/meta.json"));

  // A folder without config.json.
  ntm::make_dirs(dir / "empty-model");
  auto nomodel = run_ntm("build-labels --corpus " + q(dir / "big.tsv") + " --model " + q(dir / "empty-model") + " --out " +
                         q(dir / "o2"));
  CHECK(nomodel.exit_code == 2);
  CHECK(nomodel.output.find("no config.json") != std::string::npos);

  // A vocabulary word the tokenizer cannot encode: a copy of the tiny LM whose BPE lacks 'q'.
  fs::create_directories(dir / "noq");
  for (const char* f : {"config.json", "model.safetensors", "tokenizer_config.json"})
    fs::copy_file(source_path(std::string("data/tiny-lm/") + f), dir / ("noq/" + std::string(f)));
  auto tok = nlohmann::json::parse(ntm::read_file(source_path("data/tiny-lm/tokenizer.json")));
  tok["model"]["vocab"].erase("q");
  auto& merges = tok["model"]["merges"];
  nlohmann::json kept = nlohmann::json::array();
  for (const auto& m : merges)
    if (m[0].get<std::string>().find('q') == std::string::npos && m[1].get<std::string>().find('q') == std::string::npos)
      kept.push_back(m);
  merges = kept;
  ntm::write_file_atomic(dir / "noq/tokenizer.json", tok.dump());
  ntm::write_file_atomic(dir / "v.json", R"(["market","qqq","team"])");
  write_tsv(dir / "small.tsv", {"market prices rose", "the team won"});
  auto noq = run_ntm("build-labels --corpus " + q(dir / "small.tsv") + " --model " + q(dir / "noq") + " --vocab " +
                     q(dir / "v.json") + " --out " + q(dir / "o3"));
  INFO(noq.output);
  CHECK(noq.exit_code == 2);
  CHECK(noq.output.find("'qqq'") != std::string::npos);
  CHECK(noq.output.find("cannot be encoded") != std::string::npos);
}
