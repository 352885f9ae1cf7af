// Fuzzes tokenizer.json loading (parse_hf_tokenizer_json) and, when it loads, encode/decode of a
// few fixed texts.
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ntm::fuzz::run_tokenizer_json(data, size);
  return 0;
}
