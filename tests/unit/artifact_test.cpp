// meta.json helpers: write_meta / read_meta / check_input_identity.
#include "catch.h"
#include "ntm/error.h"
#include "ntm/util/artifact.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "ntm/version.h"
#include "test_util.h"

using ntm::json;
using ntm::test::TempDir;

TEST_CASE("write_meta writes the standard keys atomically", "[unit][store][artifact]") {
  TempDir tmp;
  ntm::write_meta(tmp.path(), "ntm-eval", 2, json{{"k", 5}}, json{{"run", "ab12"}}, json{{"score", 0.5}});
  json j = ntm::load_json_file(tmp / "meta.json");
  CHECK(j["format"] == "ntm-eval");
  CHECK(j["format_version"] == 2);
  CHECK(j["ntm_version"] == ntm::version());
  CHECK(j["config"]["k"] == 5);
  CHECK(j["inputs"]["run"] == "ab12");
  CHECK(j["score"] == 0.5);
  json r = ntm::read_meta(tmp.path(), "ntm-eval", 2);
  CHECK(r == j);
  // No temp files are left behind.
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(tmp.path())) files += e.is_regular_file() ? 1 : 0;
  CHECK(files == 1);
  // extra may not override a standard key.
  CHECK_THROWS(ntm::write_meta(tmp.path(), "ntm-eval", 1, json::object(), json::object(), json{{"format", "x"}}));
}

TEST_CASE("read_meta explains format and version mismatches", "[unit][store][artifact]") {
  TempDir tmp;
  ntm::write_meta(tmp.path(), "ntm-run", 3, json::object(), json::object());
  try {
    ntm::read_meta(tmp.path(), "ntm-run", 1);
    FAIL("expected an error");
  } catch (const ntm::Error& e) {
    CHECK(std::string(e.what()) == tmp.path() + ": format_version 3 is newer than this ntm supports (1); upgrade ntm "
                                               "(it was written by ntm " + ntm::version() + ")");
    CHECK(e.exit_code() == 2);
  }
  CHECK_THROWS_WITH(ntm::read_meta(tmp.path(), "ntm-label-store", 1),
                    tmp.path() + " is a ntm-run directory, expected ntm-label-store");
  ntm::write_file_atomic(tmp / "meta.json", R"({"format":"ntm-run","format_version":"1"})");
  CHECK_THROWS_WITH(ntm::read_meta(tmp.path(), "ntm-run", 1), Catch::Contains("no integer \"format_version\""));
  ntm::write_file_atomic(tmp / "meta.json", R"({"format":"ntm-run","format_version":0})");
  CHECK_THROWS_WITH(ntm::read_meta(tmp.path(), "ntm-run", 1), Catch::Contains("format_version 0 is invalid"));
  ntm::write_file_atomic(tmp / "meta.json", R"([1, 2])");
  CHECK_THROWS_WITH(ntm::read_meta(tmp.path(), "ntm-run", 1), Catch::Contains("not a JSON object"));
  ntm::write_file_atomic(tmp / "meta.json", "{\"format\": ");
  CHECK_THROWS_WITH(ntm::read_meta(tmp.path(), "ntm-run", 1), Catch::Contains("meta.json"));
}

TEST_CASE("check_input_identity names both hashes and the fix", "[unit][store][artifact]") {
  std::string a(64, 'a'), b = "91c0d2e4" + std::string(56, '0');
  CHECK_NOTHROW(ntm::check_input_identity("labels were built with vocab", a, a, "ntm build-labels"));
  CHECK_THROWS_WITH(ntm::check_input_identity("labels were built with vocab", "3f2a01bc" + a.substr(8), b,
                                              "ntm build-labels --vocab vocab.json"),
                    "labels were built with vocab 3f2a01bc…; this run uses 91c0d2e4… — re-run "
                    "`ntm build-labels --vocab vocab.json`");
  CHECK(ntm::short_hash("") == "(none)");
}
