// `ntm check-labels DIR`: summary and exit 0 on a good store, one line and exit 2 otherwise.
#include <filesystem>
#include <fstream>

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
