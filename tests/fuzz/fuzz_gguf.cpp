// Fuzzes the GGUF reader (header, metadata, tensor infos, dequantization of small tensors).
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ntm::fuzz::run_gguf(data, size);
  return 0;
}
