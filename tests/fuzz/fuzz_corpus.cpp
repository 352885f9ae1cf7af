// Fuzzes the corpus readers: the first byte picks format (tsv/jsonl/txt), TSV quoting and
// on_bad_row; the rest is the file content.
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ntm::fuzz::run_corpus(data, size);
  return 0;
}
