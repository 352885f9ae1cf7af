// Global flags and inputs that used to be accepted silently or end as internal errors (issue 24
// item 11): --log-file naming a directory, an absurd --threads, --help showing a --seed default
// that train does not use, and a --vocab that fits the corpus badly.
#include <fstream>
#include <string>

#include "catch.h"
#include "ntm/util/fs.h"
#include "test_util.h"

using ntm::test::q;
using ntm::test::run_ntm;
using ntm::test::source_path;
using ntm::test::TempDir;

TEST_CASE("global option --log-file DIR is a usage error naming the directory", "[e2e][cli]") {
  TempDir tmp;
  auto r = run_ntm("--log-file " + q(tmp.path()) + " vocab --corpus " + q(tmp / "none.tsv") + " --out " +
                   q(tmp / "v.json"));
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("--log-file " + tmp.path() + ": is a directory") != std::string::npos);
  CHECK(r.output.find("internal error") == std::string::npos);
  auto missing = run_ntm("--log-file " + q(tmp / "no/such/dir/x.log") + " vocab --help");
  CHECK(missing.exit_code == 0);  // --help wins
}

TEST_CASE("global option --threads beyond a sane bound is refused", "[e2e][cli]") {
  TempDir tmp;
  auto r = run_ntm("--threads 100000 vocab --corpus " + q(tmp / "none.tsv") + " --out " + q(tmp / "v.json"));
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("--threads 100000: at most") != std::string::npos);
}

TEST_CASE("help texts show only defaults that apply (--seed, train --seeds)", "[e2e][cli]") {
  auto r = run_ntm("--help");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("train uses --seeds") != std::string::npos);
  // train --help shows the defaults that apply: the default model's (configs/dsl-prodlda.json).
  auto t = run_ntm("train --help");
  INFO(t.output);
  REQUIRE(t.exit_code == 0);
  CHECK(t.output.find("--seeds INT=0,1,2,3,4") != std::string::npos);
  CHECK(t.output.find("--hidden-sizes INT=200,200") != std::string::npos);
}

TEST_CASE("build-labels warns when most documents hold no word of --vocab", "[e2e][cli]") {
  TempDir tmp;
  {
    std::ofstream a(tmp / "a.tsv");
    a << "text\tlabel\n";
    for (int i = 0; i < 12; ++i) a << "market prices rose again bank rates\tx\n";
    std::ofstream b(tmp / "b.tsv");
    b << "text\tlabel\n";
    for (int i = 0; i < 12; ++i) b << (i == 0 ? "prices" : "football season coach") << " team won\ty\n";
  }
  auto v = run_ntm("vocab --corpus " + q(tmp / "a.tsv") + " --size 4 --out " + q(tmp / "vocab.json"));
  INFO(v.output);
  REQUIRE(v.exit_code == 0);
  const std::string lm = source_path("data/tiny-lm");
  auto bad = run_ntm("build-labels --corpus " + q(tmp / "b.tsv") + " --model " + q(lm) + " --vocab " +
                     q(tmp / "vocab.json") + " --out " + q(tmp / "labels-b"));
  INFO(bad.output);
  REQUIRE(bad.exit_code == 0);
  CHECK(bad.output.find("of 12 documents hold no word of the vocabulary") != std::string::npos);
  auto good = run_ntm("build-labels --corpus " + q(tmp / "a.tsv") + " --model " + q(lm) + " --vocab " +
                      q(tmp / "vocab.json") + " --out " + q(tmp / "labels-a"));
  REQUIRE(good.exit_code == 0);
  CHECK(good.output.find("hold no word of the vocabulary") == std::string::npos);
}
