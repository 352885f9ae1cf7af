// Hostile inputs to train / eval / vocab / build-labels (issue 10, "limits with clear errors"):
// K = 0 and K > documents, an empty vocabulary, --max-doc-bytes on the command line, and a run set
// whose seed directory is not named by an integer. Each check names the flag, key, file or row.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "catch.h"
#include "ntm/util/fs.h"
#include "test_util.h"
#include "unit/label_store_test_util.h"

using ntm::test::run_ntm;
using ntm::test::source_path;
using ntm::test::TempDir;

namespace {

using ntm::test::q;

std::string train_cmd(const std::string& store, const std::string& out, const std::string& extra) {
  return "train --config " + q(source_path("configs/tiny.json")) + " --labels " + q(store) + " --out " + q(out) +
         " --device cpu --threads 1 " + extra;
}

}  // namespace

TEST_CASE("train refuses K = 0 (and K = 1 for the Laplace-prior models); K above the number of documents trains with a warning",
          "[e2e][reliability]") {
  TempDir dir;
  ntm::test::store::write_store(dir / "store", {24, 16});  // 40 documents, 10 with an empty BoW
  auto zero = run_ntm(train_cmd(dir / "store", dir / "k0", "--num-topics 0"));
  INFO(zero.output);
  CHECK(zero.exit_code == 2);
  CHECK(zero.output.find("--num-topics (num_topics) must be >= 1 (got 0)") != std::string::npos);
  for (const char* model : {"prodlda", "dsl-prodlda", "zeroshot", "combined", "ecrtm", "dsl-ecrtm"}) {
    auto one = run_ntm(train_cmd(dir / "store", dir / (std::string("k1-") + model),
                                 std::string("--model ") + model + " --num-topics 1"));
    INFO(model << "\n" << one.output);
    CHECK(one.exit_code == 2);
    CHECK(one.output.find(std::string("--num-topics (num_topics) 1: ") + model + " needs at least 2 topics") !=
          std::string::npos);
    CHECK(!std::filesystem::exists(dir / (std::string("k1-") + model)));
  }
  // An option check: refused before the label store is opened (here it does not exist).
  auto early = run_ntm(train_cmd(dir / "no-store", dir / "k1-early", "--model prodlda --num-topics 1"));
  INFO(early.output);
  CHECK(early.exit_code == 2);
  CHECK(early.output.find("--num-topics (num_topics) 1: prodlda needs at least 2 topics") != std::string::npos);
  CHECK(!std::filesystem::exists(dir / "k1-early"));
  // K = 1 is a valid (if dull) LDA or DSL-ETM.
  auto etm1 = run_ntm(train_cmd(dir / "store", dir / "k1-dsl-etm", "--model dsl-etm --num-topics 1 --epochs 1"));
  INFO(etm1.output);
  CHECK(etm1.exit_code == 0);
  // More topics than documents: a warning naming both counts, and the run trains.
  auto big = run_ntm(train_cmd(dir / "store", dir / "k41", "--num-topics 41 --epochs 1"));
  INFO(big.output);
  CHECK(big.exit_code == 0);
  CHECK(big.output.find("--num-topics 41 is larger than the number of documents (40)") != std::string::npos);
  CHECK(std::filesystem::exists(dir / "k41/seed-0/topics.json"));
  // A BoW model drops the 10 empty documents first, and says so.
  auto bow = run_ntm(train_cmd(dir / "store", dir / "k31", "--model prodlda --num-topics 31 --epochs 1"));
  INFO(bow.output);
  CHECK(bow.exit_code == 0);
  CHECK(bow.output.find("larger than the number of documents (30 after dropping documents with an empty BoW)") !=
        std::string::npos);
}

TEST_CASE("an empty vocabulary (V = 0) is refused by build-labels --vocab and vocab --vocab", "[e2e][reliability]") {
  TempDir dir;
  {
    std::ofstream(dir / "c.tsv") << "text\tlabel\nmarket prices rose\ta\ngame won\tb\n";
    std::ofstream(dir / "empty.json") << "[]";
  }
  auto bl = run_ntm("build-labels --corpus " + q(dir / "c.tsv") + " --model " + q(source_path("data/tiny-lm")) +
                    " --vocab " + q(dir / "empty.json") + " --out " + q(dir / "o"));
  INFO(bl.output);
  CHECK(bl.exit_code == 2);
  CHECK(bl.output.find("empty.json") != std::string::npos);
  CHECK(bl.output.find("the vocabulary is empty") != std::string::npos);
  CHECK(!std::filesystem::exists(dir / "o/meta.json"));
  auto v = run_ntm("vocab --corpus " + q(dir / "c.tsv") + " --vocab " + q(dir / "empty.json") + " --out " + q(dir / "v.json"));
  INFO(v.output);
  CHECK(v.exit_code == 2);
  CHECK(v.output.find("the vocabulary is empty") != std::string::npos);
}

TEST_CASE("vocab and build-labels take --max-doc-bytes; a 100 MB document fails with file:line", "[e2e][reliability]") {
  TempDir dir;
  const std::string corpus = dir / "c.tsv";
  {
    std::ofstream out(corpus);
    out << "text\tlabel\nmarket prices rose\ta\ngame won the season\tb\n" << std::string(3000, 'a') << "\tc\n";
  }
  auto v = run_ntm("vocab --corpus " + q(corpus) + " --size 5 --max-doc-bytes 1000 --out " + q(dir / "v.json"));
  INFO(v.output);
  CHECK(v.exit_code == 2);
  CHECK(v.output.find(corpus + ":4: document larger than 1000 bytes") != std::string::npos);
  CHECK(v.output.find("--max-doc-bytes") != std::string::npos);
  auto v_ok = run_ntm("vocab --corpus " + q(corpus) + " --size 5 --max-doc-bytes 4000 --out " + q(dir / "v.json"));
  INFO(v_ok.output);
  CHECK(v_ok.exit_code == 0);
  auto bl = run_ntm("build-labels --corpus " + q(corpus) + " --model " + q(source_path("data/tiny-lm")) +
                    " --vocab-size 5 --max-doc-bytes 1000 --out " + q(dir / "o"));
  INFO(bl.output);
  CHECK(bl.exit_code == 2);
  CHECK(bl.output.find(corpus + ":4: document larger than 1000 bytes") != std::string::npos);
  auto bad = run_ntm("vocab --corpus " + q(corpus) + " --max-doc-bytes 0 --out " + q(dir / "v0.json"));
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("--max-doc-bytes must be positive") != std::string::npos);
  // The default limit (64 MiB): a sparse 100 MB second line is refused before it is read whole.
  const std::string huge = dir / "huge.txt";
  { std::ofstream(huge) << "first document\n"; }
  REQUIRE(::truncate(huge.c_str(), 100LL << 20) == 0);
  auto h = run_ntm("vocab --corpus " + q(huge) + " --size 5 --out " + q(dir / "h.json"));
  INFO(h.output);
  CHECK(h.exit_code == 2);
  CHECK(h.output.find(huge + ":2: document larger than 67108864 bytes") != std::string::npos);
  CHECK(h.output.find("--max-doc-bytes") != std::string::npos);
}

TEST_CASE("eval refuses a seed directory not named by an integer (seed-abc) as an input error", "[e2e][reliability]") {
  TempDir dir;
  const std::string topics = R"({"format": "ntm-topics", "topics": [["market", "prices"], ["game", "team"]]})";
  std::filesystem::create_directories(dir / "runs/seed-abc");
  {
    std::ofstream(dir / "runs/meta.json") << R"({"format": "ntm-run-set", "model": "dsl-prodlda", "seeds": ["abc"]})";
    std::ofstream(dir / "runs/seed-abc/topics.json") << topics;
    std::ofstream(dir / "runs/seed-abc/meta.json") << R"({"format": "ntm-run", "model": "dsl-prodlda", "seed": "abc"})";
  }
  auto set = run_ntm("eval --run " + q(dir / "runs") + " --metrics diversity --out " + q(dir / "e1"));
  INFO(set.output);
  CHECK(set.exit_code == 2);
  CHECK(set.output.find("internal error") == std::string::npos);
  CHECK(set.output.find(dir / "runs/seed-abc must be named seed-<integer>") != std::string::npos);
  auto one = run_ntm("eval --run " + q(dir / "runs/seed-abc") + " --metrics diversity --out " + q(dir / "e2"));
  INFO(one.output);
  CHECK(one.exit_code == 2);
  CHECK(one.output.find("internal error") == std::string::npos);
  CHECK(one.output.find(dir / "runs/seed-abc must be named seed-<integer>") != std::string::npos);
  // A negative seed is refused the same way; a valid one is evaluated.
  { std::ofstream(dir / "runs/meta.json") << R"({"format": "ntm-run-set", "seeds": [-1]})"; }
  auto neg = run_ntm("eval --run " + q(dir / "runs") + " --metrics diversity --out " + q(dir / "e3"));
  CHECK(neg.exit_code == 2);
  CHECK(neg.output.find("seed--1") != std::string::npos);
  std::filesystem::create_directories(dir / "runs/seed-3");
  {
    std::ofstream(dir / "runs/meta.json") << R"({"format": "ntm-run-set", "seeds": [3]})";
    std::ofstream(dir / "runs/seed-3/topics.json") << topics;
  }
  auto ok = run_ntm("eval --run " + q(dir / "runs") + " --metrics diversity --top-n 2 --out " + q(dir / "e4"));
  INFO(ok.output);
  CHECK(ok.exit_code == 0);
}
