// Fuzzes encoding arbitrary bytes with the real tokenizers of the fixtures (BPE byte-level,
// SentencePiece-style metaspace, added/special tokens), then decoding the ids back.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ntm/error.h"
#include "ntm/text/tokenizer.h"

namespace {
std::vector<std::unique_ptr<ntm::text::Tokenizer>>& tokenizers() {
  static std::vector<std::unique_ptr<ntm::text::Tokenizer>> all = [] {
    std::vector<std::unique_ptr<ntm::text::Tokenizer>> v;
    const char* src = NTM_FUZZ_SOURCE_DIR;
    for (const char* rel : {"/data/tiny-lm/tokenizer.json", "/tests/fixtures/e2e/tokenizer.json"})
      v.push_back(ntm::text::load_hf_tokenizer_json(std::string(src) + rel));
    return v;
  }();
  return all;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  auto& toks = tokenizers();
  const auto& tok = toks[data[0] % toks.size()];
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    auto ids = tok->encode(text, (data[0] & 2) != 0);
    tok->decode(ids, (data[0] & 4) != 0);
  } catch (const ntm::Error&) {
  }
  return 0;
}
