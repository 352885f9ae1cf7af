// Fuzzes the safetensors header parser and, for inputs that parse, tensor access.
#include <cstddef>
#include <cstdint>

#include "ntm/error.h"
#include "ntm/io/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    ntm::st::Header h = ntm::st::parse_header(data, size, "fuzz.safetensors");
    // Every accepted tensor must lie inside the buffer.
    for (const auto& t : h.tensors) {
      if (h.data_start + t.end > size) __builtin_trap();
      volatile uint8_t sink = 0;
      for (uint64_t i = t.begin; i < t.end && i < t.begin + 64; ++i) sink ^= data[h.data_start + i];
      (void)sink;
    }
  } catch (const ntm::Error&) {
  }
  return 0;
}
