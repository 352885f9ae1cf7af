// Fuzzes configuration merging: a JSON document overlaid on a fixed set of defaults.
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ntm::fuzz::run_config(data, size);
  return 0;
}
