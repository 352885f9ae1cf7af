// Fuzzes a checkpoint's config.json and tokenizer_config.json readers (first byte: which file).
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ntm::fuzz::run_model_config(data, size);
  return 0;
}
