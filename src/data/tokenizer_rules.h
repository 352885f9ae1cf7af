#pragma once
// spaCy tokenizer rules used by data/tokenizer.cpp (internal): prefixes, suffixes, infixes, URLs.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "data/unicode_table.h"

namespace ntm::detail {

using unicode::char_class;
using unicode::CharClass;

struct Cp {
  uint32_t cp;
  size_t len;  // bytes
};

inline Cp first_cp(std::string_view s) {
  size_t i = 0;
  uint32_t cp = unicode::decode_utf8(s.data(), s.size(), i);
  return {cp, i};
}

// The code point that ends at byte `end` (end > 0).
inline Cp last_cp(std::string_view s, size_t end) {
  size_t b = end - 1;
  while (b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80 && end - b < 4) --b;
  size_t i = b;
  uint32_t cp = unicode::decode_utf8(s.data(), end, i);
  if (i != end) return {static_cast<unsigned char>(s[end - 1]), 1};
  return {cp, end - b};
}

// Byte length of the prefix spaCy would split off the front of s, or 0.
size_t find_prefix(std::string_view s);
// Byte length of the suffix spaCy would split off the end of s (leftmost-starting match), or 0.
size_t find_suffix(std::string_view s);
// spaCy's URL_MATCH, approximated (scheme, user@, host.tld, :port, /path).
bool url_match(std::string_view s);
// Byte length of an infix match starting at byte i of s (prev_cp: the code point before i), or 0.
size_t infix_at(std::string_view s, size_t i, uint32_t prev_cp, bool has_prev);

}  // namespace ntm::detail
