// Fuzzes tokenizer.json loading (parse_hf_tokenizer_json) and, when it loads, encode/decode of a
// few fixed texts.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ntm/error.h"
#include "ntm/text/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    auto tok = ntm::text::parse_hf_tokenizer_json(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
    for (const char* text : {"Hello world! 123", " the  <s> caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87\n\t", "\xFF\xFE bad utf8", ""}) {
      auto ids = tok->encode(text, true);
      tok->decode(ids, false);
      tok->decode(ids, true);
    }
    tok->decode({0, 1, -1, 1 << 30}, false);
    tok->token_to_id("the");
    tok->id_to_token(-5);
    tok->id_to_token(1 << 30);
  } catch (const ntm::Error&) {
  }
  return 0;
}
