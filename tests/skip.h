#pragma once
// NTM_SKIP(message): the running test case cannot run here (missing asset, no GPU, ...). It is
// reported as skipped, never as passed, and returns from the enclosing void function.
#include <sstream>
#include <string>

#include "catch.h"

#if defined(NTM_CATCH3)
#define NTM_SKIP(msg) SKIP(msg)
#else
namespace ntm::test {
// Catch2 v2 has no SKIP: tests/main.cpp lists the recorded cases after the run and exits 77 (the
// SKIP_RETURN_CODE tests/CMakeLists.txt gives ctest) when every case that ran was skipped.
void record_skip(const std::string& test_case, const std::string& reason);
}  // namespace ntm::test
#define NTM_SKIP(msg)                                                                                  \
  do {                                                                                                 \
    std::ostringstream ntm_skip_reason_;                                                               \
    ntm_skip_reason_ << msg;                                                                           \
    ::ntm::test::record_skip(Catch::getResultCapture().getCurrentTestName(), ntm_skip_reason_.str()); \
    WARN("SKIPPED: " << ntm_skip_reason_.str());                                                       \
    return;                                                                                            \
  } while (0)
#endif
