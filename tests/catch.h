#pragma once
// Tests compile against Catch2 v2 (Debian 12) and v3 (typical GPU boxes).
#if defined(NTM_CATCH3)
#include <catch2/catch_all.hpp>
using Catch::Approx;
#else
#include <catch2/catch.hpp>
#endif
