// docs/contributing.md's style rule that a script can check: no function in src/ or apps/ is
// longer than 120 lines (issue 21 item 8; scripts/check-function-length.py lists the offenders).
#include "catch.h"
#include "skip.h"
#include "test_util.h"

using ntm::test::q;
using ntm::test::source_path;

TEST_CASE("no function in src/ or apps/ is longer than 120 lines", "[unit][style]") {
  if (ntm::test::run_command("command -v python3").exit_code != 0) {
    NTM_SKIP("python3 is not installed: scripts/check-function-length.py cannot run");
    return;
  }
  auto r = ntm::test::run_command("python3 " + q(source_path("scripts/check-function-length.py")) + " 120 " +
                                  q(source_path("src")) + " " + q(source_path("apps")));
  INFO("split these into steps whose names say what happens:\n" << r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.empty());
}
