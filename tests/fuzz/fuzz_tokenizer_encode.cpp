// Fuzzes encoding arbitrary bytes with the real tokenizers of the fixtures (BPE byte-level,
// SentencePiece-style metaspace, added/special tokens), then decoding the ids back.
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ntm::fuzz::run_tokenizer_encode(data, size);
  return 0;
}
