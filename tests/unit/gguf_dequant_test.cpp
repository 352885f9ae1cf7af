// [gguf] dequantization of every supported ggml type, bit for bit against gguf-py 0.19
// (tests/fixtures/gguf/dequant.safetensors, written by scripts/make-gguf-dequant-fixture.py).
#include <cstring>

#include "catch.h"
#include "ntm/io/gguf.h"
#include "ntm/io/safetensors.h"
#include "test_util.h"

using namespace ntm::test;

TEST_CASE("gguf dequant: every type bit-exact with gguf-py", "[gguf][unit][golden]") {
  auto f = ntm::st::File::open(fixture("gguf/dequant.safetensors"));
  const std::vector<std::pair<const char*, uint32_t>> types = {
      {"F32", 0},  {"F16", 1},   {"BF16", 30}, {"Q4_0", 2},  {"Q4_1", 3},  {"Q5_0", 6},  {"Q5_1", 7},
      {"Q8_0", 8}, {"Q2_K", 10}, {"Q3_K", 11}, {"Q4_K", 12}, {"Q5_K", 13}, {"Q6_K", 14},
  };
  for (const auto& [name, id] : types) {
    INFO("type " << name);
    CHECK(std::string(ntm::gguf::type_name(id)) == name);
    auto raw = f->tensor(std::string(name) + ".raw").contiguous();
    auto expected = f->tensor(std::string(name) + ".expected").contiguous();
    const int64_t n = expected.numel();
    REQUIRE(raw.numel() == n / ntm::gguf::block_elems(id) * ntm::gguf::block_bytes(id));
    std::vector<float> got(static_cast<size_t>(n));
    ntm::gguf::dequantize_into(id, raw.data_ptr<uint8_t>(), got.data(), n);
    int64_t mismatches = 0, first = -1;
    for (int64_t i = 0; i < n; ++i) {
      uint32_t a, b;
      std::memcpy(&a, &got[static_cast<size_t>(i)], 4);
      std::memcpy(&b, expected.data_ptr<float>() + i, 4);
      if (a != b && mismatches++ == 0) first = i;
    }
    INFO("first mismatch at " << first << ": got " << (first >= 0 ? got[static_cast<size_t>(first)] : 0.f)
                              << " expected " << (first >= 0 ? expected.data_ptr<float>()[first] : 0.f));
    CHECK(mismatches == 0);
  }
}
