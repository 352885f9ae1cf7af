// Fuzzes the topic-word filter (extract_words, tokenize_words) and the BoW of a text.
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ntm::fuzz::run_words(data, size);
  return 0;
}
