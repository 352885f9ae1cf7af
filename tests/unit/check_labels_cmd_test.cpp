// `ntm check-labels DIR`: summary and exit 0 on a good store, one line and exit 2 otherwise.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "catch.h"
#include "label_store_test_util.h"
#include "test_util.h"

using namespace ntm::test::store;
using ntm::test::run_ntm;
using ntm::test::TempDir;

namespace {
size_t count_lines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}
}  // namespace

TEST_CASE("ntm check-labels summarises a good store", "[e2e][store]") {
  TempDir tmp;
  std::string dir = tmp / "labels";
  write_store(dir, {3, 2, 4});
  auto r = run_ntm("--log-level warn check-labels '" + dir + "'");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find(": OK") != std::string::npos);
  CHECK(r.output.find("documents     9 in 3 chunk(s)") != std::string::npos);
  CHECK(r.output.find("V = 6") != std::string::npos);
  CHECK(r.output.find("H = 5, float32") != std::string::npos);
  // bow_row(): rows 2 and 6 are empty; label_value(): rows 3 and 7 are unlabelled.
  CHECK(r.output.find("2 document(s) with an empty BoW") != std::string::npos);
  CHECK(r.output.find("2 unlabelled document(s)") != std::string::npos);
  // label_value(): a = rows 0, 6; b = rows 1, 4; c = rows 2, 5, 8.
  CHECK(r.output.find("0  a  (2)") != std::string::npos);
  CHECK(r.output.find("2  c  (3)") != std::string::npos);
  CHECK(r.output.find("\"model_type\":\"gpt2\"") != std::string::npos);
}

TEST_CASE("ntm check-labels: one line and exit 2 on a broken store", "[e2e][store]") {
  TempDir tmp;
  std::string dir = tmp / "labels";
  SECTION("incomplete") {
    write_store(dir, {3}, "float32", false);
    auto r = run_ntm("check-labels '" + dir + "'");
    CHECK(r.exit_code == 2);
    CHECK(count_lines(r.output) == 1);
    CHECK(r.output.find("--resume") != std::string::npos);
  }
  SECTION("corrupted chunk") {
    write_store(dir, {3, 2});
    std::fstream f(dir + "/chunk-00001.safetensors", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-1, std::ios::end);
    f.put('\x55');
    f.close();
    auto r = run_ntm("check-labels '" + dir + "'");
    CHECK(r.exit_code == 2);
    CHECK(count_lines(r.output) == 1);
    CHECK(r.output.find("chunk-00001.safetensors: sha256") != std::string::npos);
  }
  SECTION("not a directory") {
    auto r = run_ntm("check-labels '" + tmp / "missing" + "'");
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("no such directory") != std::string::npos);
  }
}

TEST_CASE("ntm check-labels --show N prints texts, gold labels and top soft-label words", "[e2e][store]") {
  TempDir tmp;
  {
    std::ofstream f(tmp / "c.tsv");
    f << "text\tlabel\n";
    for (int i = 0; i < 6; ++i)
      f << (i % 2 ? "the team won the game and the season, coach players league fans stadium\tsport\n"
                  : "the market and the bank and the money rate stocks trader profit loss shares\tfinance\n");
  }
  auto b = run_ntm("--log-level warn build-labels --corpus '" + tmp / "c.tsv" + "' --model '" +
                   ntm::test::source_path("data/tiny-lm") + "' --vocab-size 12 --chunk-size 4 --out '" + tmp / "labels" + "'");
  INFO(b.output);
  REQUIRE(b.exit_code == 0);
  auto r = run_ntm("--log-level warn check-labels '" + tmp / "labels" + "' --show 5");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find(": OK") != std::string::npos);
  CHECK(r.output.find("first 5 document(s)") != std::string::npos);
  CHECK(r.output.find("[4] label: finance") != std::string::npos);  // crosses the chunk boundary (4 per chunk)
  CHECK(r.output.find("[5] label") == std::string::npos);
  CHECK(r.output.find("[1] label: sport\n  text:  the team won the game and the season, coach") != std::string::npos);
  // 10 words with probabilities in decreasing order on each "words:" line.
  size_t pos = r.output.find("  words:");
  REQUIRE(pos != std::string::npos);
  std::istringstream line(r.output.substr(pos + 8, r.output.find('\n', pos) - pos - 8));
  std::string word;
  double p, last = 1.0, sum = 0;
  int n = 0;
  while (line >> word >> p) {
    CHECK(p <= last);
    last = p;
    sum += p;
    ++n;
  }
  CHECK(n == 10);
  CHECK(sum <= 1.0 + 1e-6);
  auto short_text = run_ntm("check-labels '" + tmp / "labels" + "' --show 1");
  CHECK(count_lines(short_text.output) < count_lines(r.output));
  auto missing = run_ntm("check-labels '" + tmp / "labels" + "' --show 2 --corpus '" + tmp / "nope.tsv" + "'");
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("nope.tsv") != std::string::npos);
}
