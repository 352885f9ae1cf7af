// Fuzzes the topic-word filter (extract_words, tokenize_words) and the BoW of a text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ntm/data/bow.h"
#include "ntm/data/vocab.h"
#include "ntm/data/words.h"
#include "ntm/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ntm::Vocab vocab({"market", "prices", "caf\xC3\xA9", "linux", "game"});
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto words = ntm::extract_words(text);
    size_t n = 0;
    ntm::for_each_word(text, [&](std::string_view) { ++n; });
    if (n != words.size()) __builtin_trap();  // the two entry points must agree
    for (const auto& w : words)
      if (w.empty()) __builtin_trap();
    ntm::tokenize_words(text);
    ntm::is_blank_text(text);
    ntm::bow_string(text, vocab);
  } catch (const ntm::Error&) {
  }
  return 0;
}
