#pragma once
// Code-point classes for the word filter, generated from Python's unicodedata by
// scripts/gen_unicode_table.py (see src/data/unicode_table.cpp for the Unicode version).
#include <cstddef>
#include <cstdint>

namespace ntm::unicode {

enum CharClass : uint8_t {
  kOther = 0,       // digits, punctuation, marks, controls, unassigned
  kLowerAlpha = 1,  // str.isalpha() and str.islower()
  kUpperAlpha = 2,  // str.isalpha() and (str.isupper() or str.istitle())
  kUncasedAlpha = 3,  // str.isalpha(), neither lower nor upper (CJK, Arabic, Hebrew, ...)
  kSymbol = 4,      // general category So (emoji, dingbats)
  kSpace = 5,       // str.isspace()
};

struct Range {
  uint32_t first, last;
  uint8_t cls;
};

extern const char* const kUnicodeVersion;
extern const uint8_t kAsciiClass[128];
extern const Range kRanges[];
extern const size_t kNumRanges;

// Class of a code point (binary search above U+007F).
inline CharClass char_class(uint32_t cp) {
  if (cp < 128) return static_cast<CharClass>(kAsciiClass[cp]);
  size_t lo = 0, hi = kNumRanges;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (kRanges[mid].last < cp) lo = mid + 1;
    else hi = mid;
  }
  if (lo < kNumRanges && kRanges[lo].first <= cp) return static_cast<CharClass>(kRanges[lo].cls);
  return kOther;
}

inline bool is_alpha_class(CharClass c) { return c >= kLowerAlpha && c <= kUncasedAlpha; }

// Decodes one UTF-8 code point at s[i] (i < n) and advances i. Invalid sequences yield U+FFFD
// and advance one byte (the corpus readers reject invalid UTF-8 before text gets here).
inline uint32_t decode_utf8(const char* s, size_t n, size_t& i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s);
  unsigned char c = p[i];
  if (c < 0x80) {
    ++i;
    return c;
  }
  int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (len == 0 || c > 0xF4 || i + len > n) {
    ++i;
    return 0xFFFD;
  }
  uint32_t cp = c & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    unsigned char d = p[i + k];
    if ((d & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (d & 0x3F);
  }
  i += len;
  return cp;
}

// Length in bytes of a valid UTF-8 prefix, or the offset of the first invalid byte. Rejects
// overlong forms, surrogates and code points above U+10FFFF (what Python's strict decoder rejects).
size_t utf8_valid_prefix(const char* s, size_t n);

}  // namespace ntm::unicode
