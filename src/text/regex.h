#pragma once
// PCRE2 (UTF + UCP, JIT when available) regexes with the match iteration of Rust's onig crate,
// which Hugging Face tokenizers uses (internal header).
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ntm::text {

class Regex {
 public:
  // Compiles pattern (Oniguruma/Perl syntax as found in tokenizer.json). A pattern PCRE2 rejects
  // is an input_error naming `where`, the pattern and PCRE2's message with the offset.
  Regex(const std::string& pattern, const std::string& where);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Appends the byte ranges [start, end) of all non-overlapping matches in s (valid UTF-8),
  // scanning left to right; an empty match right after the previous match is skipped.
  void find_all(std::string_view s, std::vector<std::pair<size_t, size_t>>& out) const;
  // True when the regex matches somewhere in s.
  bool search(std::string_view s) const;
  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
  void* code_ = nullptr;  // pcre2_code_8*
  bool jit_ = false;
};

// Rewrites \s and \S (outside character classes) and \s (inside them) into explicit Unicode
// White_Space classes: PCRE2's UCP \s also matches U+180E, Oniguruma's does not.
std::string rewrite_whitespace_classes(const std::string& pattern);

// Escapes every regex metacharacter of a literal string.
std::string regex_escape(std::string_view literal);

}  // namespace ntm::text
