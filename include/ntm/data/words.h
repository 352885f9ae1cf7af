#pragma once
// Word preprocessing for topic vocabularies (method-spec §2.2): approximates the reference's
// spaCy filter with rules. A token is kept iff it is alphabetic (Unicode letters only), not a
// spaCy English stop word, not the first token of a sentence, at least 3 characters (code
// points) long, and already lower case. Kept words are returned in document order.
//
// Tokenization emulates spaCy 3's English tokenizer (whitespace, then prefixes / suffixes /
// infixes and the tokenizer exceptions such as "don't" -> "do" "n't"); sentence starts come from
// punctuation rules instead of a dependency parser. docs/method.md "ntm's word rules" lists
// every rule; kWordRulesVersion changes whenever a rule changes the output.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ntm {

// Identifies the rule set (stored in vocab.json and label stores).
inline constexpr const char* kWordRulesVersion = "ntm-words-1";

std::vector<std::string> extract_words(std::string_view text);

// Calls fn(word) for every kept word in document order (no allocation per word). The views
// point into `text`.
void for_each_word(std::string_view text, const std::function<void(std::string_view)>& fn);

// True when `word` is in spaCy's English stop-word list (compared lower-cased).
bool is_stop_word(std::string_view word);

// True when the text has no character other than whitespace (Python: text.strip() == "").
bool is_blank_text(std::string_view text);

// The full token stream, for tests and debugging. The views point into `text`, which must
// outlive the result (do not pass a temporary).
struct WordToken {
  std::string_view text;
  bool sent_start = false;  // first token of a sentence (rule-based)
  bool kept = false;        // passes every filter
};
std::vector<WordToken> tokenize_words(std::string_view text);

// The Unicode version of the letter tables (Python's unicodedata that generated them).
const char* unicode_version();

}  // namespace ntm
