#pragma once
// spaCy-like English tokenizer used by the word filter (ntm/data/words.h). Internal header.
//
// Emulates spaCy 3's rule-based tokenizer: split at whitespace; per chunk apply the special cases
// (tokenizer exceptions), strip prefixes and suffixes, keep URLs whole, split at infixes.
// The rules are documented in docs/method.md ("ntm's word rules").
#include <cstdint>
#include <string_view>
#include <vector>

namespace ntm::detail {

// A tokenizer exception: the string splits into pieces of these byte lengths.
struct SpecialCase {
  std::vector<uint8_t> pieces;
};

// The special case for exactly this string, or nullptr.
const SpecialCase* find_special(std::string_view s);

class TokenSink {
 public:
  virtual ~TokenSink() = default;
  // One token, in text order. space_before: whitespace precedes it; newlines_before: number of
  // '\n' in that whitespace.
  virtual void token(std::string_view text, bool space_before, int newlines_before) = 0;
};

void tokenize(std::string_view text, TokenSink& sink);

}  // namespace ntm::detail
