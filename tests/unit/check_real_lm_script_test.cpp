// scripts/check-real-lm.sh reuses the finished stages of a grid only when they were made from the
// same inputs: a rerun with other settings into the same OUT exits 2 with the reason, and leaves
// every file as it was. Runs the script on a 2-label corpus of its own with data/tiny-lm and LDA.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "catch.h"
#include "skip.h"
#include "test_util.h"

using ntm::test::q;
using ntm::test::run_command;
using ntm::test::source_path;
using ntm::test::TempDir;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// PY for the script: its default /usr/bin/python3, else python3 on PATH, else "".
std::string python() {
  if (std::filesystem::exists("/usr/bin/python3")) return "/usr/bin/python3";
  auto r = run_command("command -v python3");
  if (r.exit_code != 0 || r.output.empty()) return "";
  return r.output.substr(0, r.output.find('\n'));
}

}  // namespace

TEST_CASE("check-real-lm.sh reuses a finished grid and refuses one made with other settings", "[e2e][scripts]") {
  const std::string py = python();
  if (py.empty()) NTM_SKIP("no python3 to run scripts/check-real-lm.sh's subset step");
  TempDir tmp;
  std::filesystem::create_directories(tmp / "data/stackoverflow");
  {
    std::ofstream f(tmp / "data/stackoverflow/all.tsv");
    f << "text\tlabel\n";
    // Two topics of 12 words each, 5 words a title, so that every word occurs in several titles.
    const char* py[] = {"python", "list",  "sort",   "string", "dict",  "lambda",
                        "module", "import", "class", "pandas", "numpy", "tuple"};
    const char* sh[] = {"bash", "script", "loop",  "folder", "rename", "grep",
                        "pipe", "shell",  "files", "awk",    "sed",    "variable"};
    for (int i = 0; i < 30; ++i) {
      const char** w = i % 2 ? py : sh;
      for (int j = 0; j < 5; ++j) f << w[(i * 7 + j * 5) % 12] << (j < 4 ? " " : "");
      f << (i % 2 ? "\tpython\n" : "\tbash\n");
    }
  }
  const std::string out = tmp / "grid";
  auto script = [&](const std::string& settings) {
    return run_command("cd " + q(NTM_SOURCE_DIR) + " && env NTM_BIN=" + q(NTM_BINARY) + " PY=" + q(py) +
                       " DATA=" + q(tmp / "data") + " LM=" + q(source_path("data/tiny-lm")) + " OUT=" + q(out) +
                       " THREADS=1 KS=3 SEEDS=0 MODELS=lda RATING=0 " + settings +
                       " scripts/check-real-lm.sh --corpus stackoverflow");
  };
  const std::string dir = out + "/stackoverflow";

  auto first = script("DOCS_SO=20");
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  CHECK(slurp(dir + "/corpus.jsonl").size() > 0);
  const std::string times = slurp(dir + "/times.tsv");
  CHECK(times.find("build-labels labels\t") != std::string::npos);
  CHECK(times.find("train lda-K3\t") != std::string::npos);
  CHECK(times.find("eval lda-K3\t") != std::string::npos);
  const std::string corpus = slurp(dir + "/corpus.jsonl");
  const std::string store_meta = slurp(dir + "/labels/meta.json");

  SECTION("the same settings redo nothing") {
    auto again = script("DOCS_SO=20");
    INFO(again.output);
    CHECK(again.exit_code == 0);
    CHECK(slurp(dir + "/times.tsv") == times);
  }
  SECTION("another subset size is refused before anything runs") {
    auto other = script("DOCS_SO=10");
    INFO(other.output);
    CHECK(other.exit_code == 2);
    CHECK(other.output.find("corpus.jsonl holds another subset (20 documents) than the 10") != std::string::npos);
    CHECK(other.output.find("choose another OUT") != std::string::npos);
  }
  SECTION("a label store built with another --max-tokens is refused") {
    auto other = script("DOCS_SO=20 MAX_TOKENS_SO=48");
    INFO(other.output);
    CHECK(other.exit_code == 2);
    CHECK(other.output.find("cannot resume: prompt.max_tokens is 64 in the store, 48 now") != std::string::npos);
  }
  // Whatever was refused, the grid is as the first run left it.
  CHECK(slurp(dir + "/corpus.jsonl") == corpus);
  CHECK(slurp(dir + "/labels/meta.json") == store_meta);
  CHECK(slurp(dir + "/times.tsv") == times);
}
