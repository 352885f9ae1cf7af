#pragma once
// Word preprocessing for topic vocabularies (method-spec §2.2): approximates the reference's
// spaCy filter with rules. A token is kept iff it is alphabetic (Unicode letters only), not a
// spaCy English stop word, not the first token of a sentence, at least 3 characters (code
// points) long, and already lower case. Kept words are returned in document order.
#include <string>
#include <string_view>
#include <vector>

namespace ntm {

std::vector<std::string> extract_words(std::string_view text);

// True when `word` is in spaCy's English stop-word list (compared lower-cased).
bool is_stop_word(std::string_view word);

}  // namespace ntm
