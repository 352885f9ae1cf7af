#pragma once
// libtorch pulls in glog, whose CHECK(condition) would replace Catch's CHECK in a test that
// includes torch after this header (with NTM_PCH=OFF, where torch is not precompiled in front):
// define glog's first and drop it, so Catch's CHECK is the one every test sees.
#include <c10/util/Logging.h>
#undef CHECK
// Tests compile against Catch2 v2 (Debian 12) and v3 (typical GPU boxes).
#if defined(NTM_CATCH3)
#include <catch2/catch_all.hpp>
using Catch::Approx;
// v2 spells the string matchers Catch::Contains / StartsWith / EndsWith (catch.hpp pulls
// Catch::Matchers into Catch); v3 only has them in Catch::Matchers, Contains as ContainsSubstring.
namespace Catch {
inline Matchers::StringContainsMatcher Contains(const std::string& s,
                                                CaseSensitive cs = CaseSensitive::Yes) {
  return Matchers::ContainsSubstring(s, cs);
}
using Matchers::EndsWith;
using Matchers::StartsWith;
}  // namespace Catch
#else
#include <catch2/catch.hpp>
#endif
