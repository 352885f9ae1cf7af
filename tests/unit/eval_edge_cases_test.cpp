// `ntm eval` where the inputs do not fit the defaults (issue 24 items 3 and 6, issue 21 item 7):
// no labelled documents (label metrics left out, not scored 0), a plain-text --corpus, a --top-n
// larger than the stored topic lists (words from beta, or refused), and topic words absent from
// the reference corpus (listed per topic in metrics.json, a warning and the report).
#include <torch/torch.h>

#include <filesystem>
#include <string>

#include "catch.h"
#include "ntm/io/safetensors.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "test_util.h"
#include "unit/label_store_test_util.h"

using ntm::test::q;
using ntm::test::run_ntm;
using ntm::test::source_path;
using ntm::test::TempDir;

namespace {

// One seed, K = 2, 3 documents; `labels` as theta stores them (-1 = none).
void make_run(const std::string& dir, const std::vector<int64_t>& labels, const std::string& topics_json) {
  ntm::make_dirs(dir + "/seed-0");
  ntm::write_file_atomic(dir + "/meta.json", R"({"format":"ntm-run","model":"toy","seeds":[0]})");
  ntm::write_file_atomic(dir + "/seed-0/topics.json", topics_json);
  ntm::st::save(dir + "/seed-0/theta.safetensors",
                {{"theta", torch::tensor({0.9f, 0.1f, 0.8f, 0.2f, 0.3f, 0.7f}).view({3, 2})},
                 {"doc_index", torch::tensor({0, 1, 2}, torch::kInt64)},
                 {"labels", torch::tensor(labels, torch::kInt64)}});
}

const char* kTopics = R"({"format":"ntm-topics","topics":[["game","team","play"],["cpu","disk","memory"]]})";

}  // namespace

TEST_CASE("eval: no labelled documents leaves label metrics out; a plain-text --corpus serves coherence",
          "[e2e][eval]") {
  TempDir tmp;
  make_run(tmp / "run", {-1, -1, -1}, kTopics);
  ntm::write_file_atomic(tmp / "ref.txt", "the game team play game\nteam play\ncpu disk memory\ncpu disk team\n");
  auto r = run_ntm("eval --run " + q(tmp / "run") + " --reference-corpus " + q(tmp / "ref.txt") +
                   " --top-n 3 --out " + q(tmp / "ev"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("no labelled documents") != std::string::npos);
  auto m = ntm::load_json_file(tmp / "ev/metrics.json");
  for (const char* k : {"purity", "nmi", "ari", "precision@1"}) {
    INFO(k);
    CHECK(!m["seeds"][0]["metrics"].contains(k));
    CHECK(!m["aggregate"].contains(k));
  }
  CHECK(m["seeds"][0]["metrics"].contains("c_npmi"));
  auto c = run_ntm("compare " + q(tmp / "ev"));
  INFO(c.output);
  REQUIRE(c.exit_code == 0);
  CHECK(c.output.find("purity") == std::string::npos);
  CHECK(c.output.find("nmi") == std::string::npos);

  // --corpus x.txt: no labels (a warning), the same file as the coherence reference.
  auto t = run_ntm("eval --run " + q(tmp / "run") + " --corpus " + q(tmp / "ref.txt") + " --top-n 3 --out " +
                   q(tmp / "ev2"));
  INFO(t.output);
  REQUIRE(t.exit_code == 0);
  auto m2 = ntm::load_json_file(tmp / "ev2/metrics.json");
  CHECK(m2["seeds"][0]["metrics"].contains("c_v"));
  CHECK(!m2["seeds"][0]["metrics"].contains("purity"));
}

TEST_CASE("eval --top-n beyond the stored topic lists takes the words from beta, or is refused", "[e2e][eval]") {
  TempDir tmp;
  ntm::test::store::write_store(tmp / "store", {24, 16});  // V = 6
  auto tr = run_ntm("train --config " + q(source_path("configs/tiny.json")) + " --labels " + q(tmp / "store") +
                    " --out " + q(tmp / "run") + " --device cpu --threads 1 --epochs 1 --top-n 1");
  INFO(tr.output);
  REQUIRE(tr.exit_code == 0);
  // 3 topics x 6 words from beta cover the 6-word vocabulary: TD = 6 / 18. The stored one-word
  // lists alone could give at most 3 / 18.
  auto r = run_ntm("eval --run " + q(tmp / "run") + " --metrics diversity --top-n 6 --out " + q(tmp / "ev"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  auto m = ntm::load_json_file(tmp / "ev/metrics.json");
  CHECK(m["settings"]["top_n"] == 6);
  CHECK(m["seeds"][0]["metrics"]["topic_diversity"].get<double>() == Approx(1.0 / 3));

  auto big = run_ntm("eval --run " + q(tmp / "run") + " --metrics diversity --top-n 7 --out " + q(tmp / "ev2"));
  CHECK(big.exit_code == 2);
  CHECK(big.output.find("vocabulary of 6 words") != std::string::npos);
  CHECK(!std::filesystem::exists(tmp / "ev2"));

  // Without the label store the vocabulary of beta is unknown: refused, naming the stored length.
  std::filesystem::rename(tmp / "store", tmp / "moved");
  auto gone = run_ntm("eval --run " + q(tmp / "run") + " --metrics diversity --top-n 3 --out " + q(tmp / "ev3"));
  INFO(gone.output);
  CHECK(gone.exit_code == 2);
  CHECK(gone.output.find("stores 1 words per topic") != std::string::npos);
  CHECK(gone.output.find("--top-n 1 or less") != std::string::npos);
}

TEST_CASE("eval lists topic words absent from the reference corpus per topic, warns and shows them in the report",
          "[e2e][eval]") {
  TempDir tmp;
  make_run(tmp / "run", {0, 1, 1},
           R"({"format":"ntm-topics","topics":[["game","zebra","play"],["cpu","disk","quasar"]]})");
  ntm::write_file_atomic(tmp / "ref.txt", "game team play game\nteam play\ncpu disk memory\ncpu disk team\n");
  for (const char* flavour : {"gensim", "exact", "palmetto"}) {
    const std::string out = tmp / (std::string("ev-") + flavour);
    auto r = run_ntm("eval --run " + q(tmp / "run") + " --reference-corpus " + q(tmp / "ref.txt") +
                     " --reference-format tokens --top-n 3 --report --coherence-flavour " + flavour + " --out " + q(out));
    INFO(flavour << "\n" << r.output);
    REQUIRE(r.exit_code == 0);
    CHECK(r.output.find("2 topic word(s) in 2 topic(s) do not occur in the reference corpus") != std::string::npos);
    auto m = ntm::load_json_file(out + "/metrics.json");
    CHECK(m["seeds"][0]["missing_words_per_topic"] == ntm::json::parse(R"([["zebra"],["quasar"]])"));
    const std::string html = ntm::read_file(out + "/report.html");
    CHECK(html.find("not in the reference corpus: zebra") != std::string::npos);
  }
  // gensim drops the absent word: topic 0 scores exactly as a topic {game, play} would.
  make_run(tmp / "run2", {0, 1, 1},
           R"({"format":"ntm-topics","topics":[["game","play"],["cpu","disk"]]})");
  auto a = ntm::load_json_file(tmp / "ev-gensim/metrics.json");
  auto b2 = run_ntm("eval --run " + q(tmp / "run2") + " --reference-corpus " + q(tmp / "ref.txt") +
                    " --reference-format tokens --top-n 2 --coherence-flavour gensim --out " + q(tmp / "ev-two"));
  REQUIRE(b2.exit_code == 0);
  auto b = ntm::load_json_file(tmp / "ev-two/metrics.json");
  for (const char* measure : {"c_npmi", "c_uci", "u_mass", "c_v"}) {
    INFO(measure);
    CHECK(a["seeds"][0]["coherence_per_topic"][measure][0].get<double>() ==
          Approx(b["seeds"][0]["coherence_per_topic"][measure][0].get<double>()).margin(1e-12));
  }
}
