// Fuzzes the safetensors header parser and, for inputs that parse, tensor access.
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ntm::fuzz::run_safetensors(data, size);
  return 0;
}
