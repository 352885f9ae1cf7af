// Word filter: spaCy-like tokens (data/tokenizer.h) + rule-based sentence starts + the
// reference's keep rules (is_alpha, not is_stop, not is_sent_start, len > 2, is_lower).
#include "ntm/data/words.h"

#include <string>
#include <unordered_set>

#include "data/tokenizer.h"
#include "data/unicode_table.h"

namespace ntm {
namespace detail {
extern const char* const kStopWords[];
extern const size_t kNumStopWords;
}  // namespace detail

namespace {

const std::unordered_set<std::string_view>& stop_set() {
  static const std::unordered_set<std::string_view> set = [] {
    std::unordered_set<std::string_view> s;
    for (size_t i = 0; i < detail::kNumStopWords; ++i) s.insert(detail::kStopWords[i]);
    return s;
  }();
  return set;
}

// Letters only, no upper/title-case letter, at least one lower-case letter, >= 3 code points
// (Python: t.isalpha() and t.islower() and len(t) > 2).
bool is_lower_alpha_word(std::string_view t) {
  size_t i = 0, n = 0;
  bool lower = false;
  while (i < t.size()) {
    unsigned char c = static_cast<unsigned char>(t[i]);
    if (c >= 'a' && c <= 'z') {
      lower = true;
      ++i;
    } else {
      uint32_t cp = unicode::decode_utf8(t.data(), t.size(), i);
      switch (unicode::char_class(cp)) {
        case unicode::kLowerAlpha: lower = true; break;
        case unicode::kUncasedAlpha: break;
        default: return false;
      }
    }
    ++n;
  }
  return lower && n >= 3;
}

// ".", "!", "?", "…" or any run of them ("?!", "...").
bool is_terminator(std::string_view t) {
  if (t.empty()) return false;
  size_t i = 0;
  while (i < t.size()) {
    uint32_t cp = unicode::decode_utf8(t.data(), t.size(), i);
    if (cp != '.' && cp != '!' && cp != '?' && cp != 0x2026) return false;
  }
  return true;
}

// Closing quotes and brackets that stay with the sentence they end when attached to it.
bool is_closing(std::string_view t) {
  static const std::unordered_set<std::string_view> closing = {
      ")", "]", "}", "\"", "'", "''", "\u201d", "\u2019", "\u00bb", "\u300d", "\u300f", "\uff09", "\u3015",
      "\u3011", "\u300b", "\u3009"};
  return closing.count(t) > 0;
}

// Turns tokens into sentence starts and kept flags.
class SentenceFilter : public detail::TokenSink {
 public:
  template <typename F>
  explicit SentenceFilter(F&& on_token) : on_token_(std::forward<F>(on_token)) {}

  void token(std::string_view t, bool space_before, int newlines_before) override {
    if (newlines_before >= 2) next_start_ = true;  // paragraph break
    if (after_terminator_) {
      if (!space_before && (is_closing(t) || is_terminator(t))) {
        on_token_(t, false, false);
        return;
      }
      after_terminator_ = false;
      next_start_ = true;
    }
    bool start = next_start_;
    next_start_ = false;
    bool kept = !start && is_lower_alpha_word(t) && !is_stop_word(t);
    on_token_(t, start, kept);
    if (is_terminator(t)) after_terminator_ = true;
  }

 private:
  std::function<void(std::string_view, bool, bool)> on_token_;
  bool next_start_ = true;  // the first token of a document starts a sentence
  bool after_terminator_ = false;
};

}  // namespace

bool is_stop_word(std::string_view word) {
  if (word.size() > 32) return false;
  char buf[32];
  bool ascii_upper = false;
  for (size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
      ascii_upper = true;
    }
    buf[i] = c;
  }
  // Every entry is ASCII apart from the typographic apostrophes, so ASCII lower-casing suffices.
  return stop_set().count(ascii_upper ? std::string_view(buf, word.size()) : word) > 0;
}

void for_each_word(std::string_view text, const std::function<void(std::string_view)>& fn) {
  SentenceFilter filter([&fn](std::string_view t, bool, bool kept) {
    if (kept) fn(t);
  });
  detail::tokenize(text, filter);
}

std::vector<std::string> extract_words(std::string_view text) {
  std::vector<std::string> words;
  for_each_word(text, [&words](std::string_view w) { words.emplace_back(w); });
  return words;
}

std::vector<WordToken> tokenize_words(std::string_view text) {
  std::vector<WordToken> tokens;
  SentenceFilter filter([&tokens](std::string_view t, bool start, bool kept) { tokens.push_back({t, start, kept}); });
  detail::tokenize(text, filter);
  return tokens;
}

bool is_blank_text(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (unicode::char_class(unicode::decode_utf8(text.data(), text.size(), i)) != unicode::kSpace) return false;
  }
  return true;
}

const char* unicode_version() { return unicode::kUnicodeVersion; }

}  // namespace ntm
