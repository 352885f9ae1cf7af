// Fuzzes vocab.json loading (Vocab::load): the ntm format and plain JSON arrays.
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ntm::fuzz::run_vocab(data, size);
  return 0;
}
