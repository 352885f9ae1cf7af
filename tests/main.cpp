// Catch2 v2 entry point (Catch2 v3 builds link Catch2WithMain and have SKIP). Adds what v2 lacks:
// test cases that call NTM_SKIP (tests/catch.h) are listed after the run as SKIPPED, not passed,
// and the process exits 77 when every case that ran was skipped (ctest then shows "Skipped").
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>
#include <map>
#include <set>
#include <string>

namespace ntm::test {
namespace {
std::map<std::string, std::string>& skipped() {  // test case -> reason
  static std::map<std::string, std::string> cases;
  return cases;
}
std::set<std::string>& ran() {
  static std::set<std::string> cases;
  return cases;
}
}  // namespace

void record_skip(const std::string& test_case, const std::string& reason) { skipped().emplace(test_case, reason); }
}  // namespace ntm::test

namespace {
struct CaseRecorder : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  void testCaseEnded(const Catch::TestCaseStats& stats) override { ntm::test::ran().insert(stats.testInfo.name); }
};
}  // namespace
CATCH_REGISTER_LISTENER(CaseRecorder)

int main(int argc, char* argv[]) {
  const int rc = Catch::Session().run(argc, argv);
  const auto& skipped = ntm::test::skipped();
  if (skipped.empty()) return rc;
  std::printf("ntm_tests: %zu of %zu test case(s) SKIPPED (not passed):\n", skipped.size(), ntm::test::ran().size());
  for (const auto& [name, reason] : skipped) std::printf("  SKIPPED: %s -- %s\n", name.c_str(), reason.c_str());
  std::fflush(stdout);
  return rc == 0 && skipped.size() == ntm::test::ran().size() ? 77 : rc;
}
