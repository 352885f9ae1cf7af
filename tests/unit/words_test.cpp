// Word filter: spaCy-like tokens, sentence starts, keep rules (method-spec §2.2 / §10).
#include <fstream>
#include <sstream>

#include "catch.h"
#include "ntm/data/words.h"
#include "test_util.h"

using ntm::extract_words;
using W = std::vector<std::string>;

namespace {
std::vector<std::string> tokens(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& t : ntm::tokenize_words(text)) out.emplace_back(t.text);
  return out;
}
}  // namespace

TEST_CASE("keep rules: sentence start, capitalised, stop words, length, letters only", "[unit][data][words]") {
  // The first token of every sentence is dropped, even when lower case.
  CHECK(extract_words("cats purr. dogs bark loudly") == W{"purr", "bark", "loudly"});
  CHECK(extract_words("the cat sat on the mat") == W{"cat", "sat", "mat"});
  // Capitalised and all-caps words are dropped, not lower-cased.
  CHECK(extract_words("we like Apple phones") == W{"like", "phones"});
  CHECK(extract_words("the NASA rocket") == W{"rocket"});
  // Stop words (compared lower-cased), words shorter than 3 code points, digits.
  CHECK(extract_words("we said ok to the plan") == W{"said", "plan"});
  CHECK(extract_words("the abc123 and 2020 items") == W{"items"});
  // Unicode letters: "naïve" is alphabetic and lower case; CJK has no case, so is_lower is false.
  CHECK(extract_words("a na\xc3\xafve approach") == W{"na\xc3\xafve", "approach"});
  CHECK(extract_words("we like \xe6\x9d\xb1\xe4\xba\xac cats") == W{"like", "cats"});
  CHECK(extract_words("we like stra\xc3\x9f" "e and \xce\xba\xce\xb1\xce\xbb\xce\xb7\xce\xbc\xce\xad\xcf\x81\xce\xb1") ==
        W{"like", "stra\xc3\x9f" "e", "\xce\xba\xce\xb1\xce\xbb\xce\xb7\xce\xbc\xce\xad\xcf\x81\xce\xb1"});
  // "naïve" with a combining diaeresis (NFD) is not alphabetic (U+0308 is a mark): dropped.
  CHECK(extract_words("a nai\xcc\x88ve approach") == W{"approach"});
  CHECK(extract_words("").empty());
  CHECK(extract_words("   \n\t ").empty());
  CHECK(ntm::is_blank_text(" \t\n\xc2\xa0 "));  // U+00A0 counts as space, as for str.strip()
  CHECK(ntm::is_blank_text(""));
  CHECK_FALSE(ntm::is_blank_text(" x "));
}

TEST_CASE("stop words: spaCy's English list, compared lower-cased", "[unit][data][words]") {
  CHECK(ntm::is_stop_word("the"));
  CHECK(ntm::is_stop_word("The"));
  CHECK(ntm::is_stop_word("THE"));
  CHECK(ntm::is_stop_word("n't"));
  CHECK(ntm::is_stop_word("n\xe2\x80\x99t"));  // typographic apostrophe variant
  CHECK(ntm::is_stop_word("whereafter"));
  CHECK(ntm::is_stop_word("ca"));
  CHECK_FALSE(ntm::is_stop_word("apple"));
  CHECK_FALSE(ntm::is_stop_word("like"));
  CHECK_FALSE(ntm::is_stop_word(""));
}

TEST_CASE("embedded stop words equal the data file", "[unit][data][words]") {
  std::ifstream f(ntm::test::source_path("data/stopwords/spacy_en_stop_words.txt"));
  REQUIRE(f.good());
  std::string w;
  int n = 0;
  while (std::getline(f, w)) {
    if (w.empty()) continue;
    ++n;
    INFO(w);
    CHECK(ntm::is_stop_word(w));
  }
  CHECK(n == 326);  // len(spacy.lang.en.stop_words.STOP_WORDS) in spaCy 3
}

TEST_CASE("tokenizer: exceptions, prefixes, suffixes, infixes, URLs", "[unit][data][words]") {
  CHECK(tokens("I can't go") == W{"I", "ca", "n't", "go"});
  CHECK(tokens("you dont know") == W{"you", "do", "nt", "know"});
  CHECK(tokens("(don't).") == W{"(", "do", "n't", ")", "."});
  CHECK(tokens("the dog's bone") == W{"the", "dog", "'s", "bone"});
  CHECK(tokens("a well-known fact") == W{"a", "well", "-", "known", "fact"});
  CHECK(tokens("and/or w/o e.g. Mr. Smith") == W{"and/or", "w/o", "e.g.", "Mr.", "Smith"});
  CHECK(tokens("see http://example.com/some-path now") == W{"see", "http://example.com/some-path", "now"});
  CHECK(tokens("\"quoted,\" he said...") == W{"\"", "quoted", ",", "\"", "he", "said", "..."});
  CHECK(tokens("end.Next") == W{"end", ".", "Next"});
  CHECK(tokens("foo.bar") == W{"foo.bar"});
  CHECK(tokens("cats\xf0\x9f\x98\x80" "dogs") == W{"cats", "\xf0\x9f\x98\x80", "dogs"});
  CHECK(tokens("#hashtag @user") == W{"#", "hashtag", "@user"});
  CHECK(tokens("$100 10km 100mph") == W{"$", "100", "10", "km", "100", "mph"});
  CHECK(tokens("gonna gotta cannot") == W{"gon", "na", "got", "ta", "can", "not"});
  CHECK(tokens("well were its") == W{"well", "were", "its"});  // excluded from the exceptions
  CHECK(tokens("lovin' it") == W{"lovin'", "it"});
}

TEST_CASE("words: contractions, hyphens, URLs, possessives, abbreviations", "[unit][data][words]") {
  CHECK(extract_words("i don't know") == W{"know"});
  CHECK(extract_words("you dont know what youre saying") == W{"know", "saying"});
  CHECK(extract_words("we are gonna win") == W{"gon", "win"});  // spaCy splits "gonna" into gon + na
  CHECK(extract_words("a well-known fact") == W{"known", "fact"});
  CHECK(extract_words("we visit http://example.com/some-path today") == W{"visit", "today"});
  CHECK(extract_words("the (\"quoted\") word") == W{"quoted", "word"});
  CHECK(extract_words("the dog's bone") == W{"dog", "bone"});
  CHECK(extract_words("@user hello world") == W{"hello", "world"});
  CHECK(extract_words("we love cats\xf0\x9f\x98\x80" "dogs") == W{"love", "cats", "dogs"});
  // Abbreviations that are one token ("e.g.") do not end a sentence; "etc." does ("etc" + ".").
  CHECK(extract_words("apples e.g. pears") == W{"pears"});
  CHECK(extract_words("apples etc. pears") == W{"etc"});
  CHECK(extract_words("ask Mr. smith") == W{"smith"});
  CHECK(extract_words("ask mr. smith").empty());  // "mr." is no exception: "mr" "." ends a sentence
}

TEST_CASE("sentence starts: terminators, closing quotes, paragraph breaks", "[unit][data][words]") {
  CHECK(extract_words("he said \"stop.\" then left") == W{"said", "stop", "left"});
  CHECK(extract_words("really?! yes indeed wow") == W{"wow"});
  CHECK(extract_words("wait... what happened here") == W{"happened"});
  CHECK(extract_words("we like cats\n\nbig cats here") == W{"like", "cats", "cats"});
  CHECK(extract_words("we like cats\nbig cats") == W{"like", "cats", "big", "cats"});
  CHECK(extract_words("(apples below) items") == W{"apples", "items"});  // "(" starts the sentence
  auto t = ntm::tokenize_words("good dogs. bad cats");
  REQUIRE(t.size() == 5);
  CHECK(t[0].sent_start);
  CHECK_FALSE(t[1].sent_start);
  CHECK(t[1].kept);
  CHECK(t[3].sent_start);
  CHECK_FALSE(t[3].kept);
  CHECK(t[4].kept);
  CHECK(std::string(ntm::unicode_version()) == "14.0.0");
}

TEST_CASE("a 5 MB document and pathological chunks go through the filter", "[unit][data][words]") {
  std::string big;
  size_t reps = (5u << 20) / 20;
  for (size_t i = 0; i < reps; ++i) big += "apple banana cherry ";
  size_t n = 0;
  ntm::for_each_word(big, [&n](std::string_view w) { n += w.size() >= 5; });
  CHECK(n == 3 * reps - 1);  // all but the first token (sentence start)
  // One 1 MB chunk of brackets, one of letters and digits: no words, linear time.
  CHECK(extract_words(std::string(1u << 20, '(')).empty());
  std::string mixed;
  while (mixed.size() < (1u << 20)) mixed += "abc1-def/";
  CHECK(extract_words("x " + mixed).size() == mixed.size() / 9 - 1);  // every "def" but the last ("def/")
}
