// Catch2 v2 entry point (Catch2 v3 builds link Catch2WithMain instead).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
