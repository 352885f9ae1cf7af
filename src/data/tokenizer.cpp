// spaCy-like tokenizer (see tokenizer.h and docs/method.md "ntm's word rules"). Hand-written
// scanning over UTF-8, no regular expressions, no allocation per character.
#include "data/tokenizer.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "data/tokenizer_rules.h"
#include "data/unicode_table.h"

namespace ntm::detail {
namespace {

class ChunkTokenizer {
 public:
  explicit ChunkTokenizer(TokenSink& sink) : sink_(sink) {}

  void chunk(std::string_view s, bool space_before, int newlines_before) {
    space_ = space_before;
    newlines_ = newlines_before;
    if (const SpecialCase* sc = find_special(s)) {
      emit_special(s, *sc);
      return;
    }
    // Fast path: a chunk of ASCII letters has no affix, no infix and is no URL.
    bool letters = true;
    for (char c : s) letters = letters && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
    if (letters) {
      emit(s);
      return;
    }
    prefixes_.clear();
    suffixes_.clear();
    split_affixes(s);
    for (auto p : prefixes_) emit(p);
    if (!s.empty()) {
      const SpecialCase* sc = prefixes_.empty() && suffixes_.empty() ? nullptr : find_special(s);
      if (sc) emit_special(s, *sc);
      else if (url_match(s)) emit(s);
      else split_infixes(s);
    }
    for (auto it = suffixes_.rbegin(); it != suffixes_.rend(); ++it) emit(*it);
  }

 private:
  void emit(std::string_view t) {
    sink_.token(t, space_, newlines_);
    space_ = false;
    newlines_ = 0;
  }
  void emit_special(std::string_view s, const SpecialCase& sc) {
    size_t at = 0;
    for (uint8_t len : sc.pieces) {
      emit(s.substr(at, len));
      at += len;
    }
  }

  // spaCy's Tokenizer._split_affixes: strips prefixes and suffixes until none is left or the
  // rest is a special case. `s` becomes the middle part.
  void split_affixes(std::string_view& s) {
    size_t last_size = std::string_view::npos;
    bool first = true;
    while (!s.empty() && s.size() != last_size) {
      if (!first && find_special(s)) break;
      first = false;
      last_size = s.size();
      size_t pre = find_prefix(s);
      if (pre) {
        std::string_view minus_pre = s.substr(pre);
        if (!minus_pre.empty() && find_special(minus_pre)) {
          prefixes_.push_back(s.substr(0, pre));
          s = minus_pre;
          break;
        }
      }
      size_t suf = find_suffix(s.substr(pre));
      if (suf) {
        std::string_view minus_suf = s.substr(0, s.size() - suf);
        if (!minus_suf.empty() && find_special(minus_suf)) {
          suffixes_.push_back(s.substr(s.size() - suf));
          s = minus_suf;
          break;
        }
      }
      if (pre && suf && pre + suf <= s.size()) {
        prefixes_.push_back(s.substr(0, pre));
        suffixes_.push_back(s.substr(s.size() - suf));
        s = s.substr(pre, s.size() - pre - suf);
      } else if (pre) {
        prefixes_.push_back(s.substr(0, pre));
        s = s.substr(pre);
      } else if (suf) {
        suffixes_.push_back(s.substr(s.size() - suf));
        s = s.substr(0, s.size() - suf);
      }
      if (!s.empty() && find_special(s)) break;
    }
  }

  void split_infixes(std::string_view s) {
    size_t start = 0, i = 0;
    uint32_t prev = 0;
    bool has_prev = false;
    while (i < s.size()) {
      size_t m = infix_at(s, i, prev, has_prev);
      if (m && i != 0) {
        if (i != start) emit(s.substr(start, i - start));
        emit(s.substr(i, m));
        Cp lc = last_cp(s, i + m);
        prev = lc.cp;
        has_prev = true;
        i += m;
        start = i;
        continue;
      }
      size_t j = i;
      prev = unicode::decode_utf8(s.data(), s.size(), j);
      has_prev = true;
      i = j;
    }
    if (start < s.size()) emit(s.substr(start));
  }

  TokenSink& sink_;
  bool space_ = false;
  int newlines_ = 0;
  std::vector<std::string_view> prefixes_, suffixes_;
};

}  // namespace

void tokenize(std::string_view text, TokenSink& sink) {
  ChunkTokenizer chunker(sink);
  size_t i = 0, n = text.size();
  bool space = false;
  int newlines = 0;
  while (i < n) {
    // Whitespace run.
    size_t j = i;
    uint32_t cp = unicode::decode_utf8(text.data(), n, j);
    if (char_class(cp) == unicode::kSpace) {
      space = true;
      if (cp == '\n') ++newlines;
      i = j;
      continue;
    }
    // Chunk: up to the next whitespace.
    size_t start = i;
    i = j;
    while (i < n) {
      unsigned char c = static_cast<unsigned char>(text[i]);
      if (c < 0x80) {
        if (unicode::kAsciiClass[c] == unicode::kSpace) break;
        ++i;
        continue;
      }
      size_t k = i;
      uint32_t cp2 = unicode::decode_utf8(text.data(), n, k);
      if (char_class(cp2) == unicode::kSpace) break;
      i = k;
    }
    chunker.chunk(text.substr(start, i - start), space, newlines);
    space = false;
    newlines = 0;
  }
}

}  // namespace ntm::detail

