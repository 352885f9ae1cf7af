// Vocabulary word -> LM token (method-spec §3.3) on hand-made tokenizers whose ids are known.
#include "catch.h"
#include "ntm/error.h"
#include "ntm/text/tokenizer.h"
#include "ntm/text/word_tokens.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "test_util.h"

using ntm::json;
using namespace ntm::text;

namespace {

// Metaspace-style tokenizer: " word" -> "▁word". With `standalone_space`, "▁" never merges with
// what follows, so every word starts with the same "▁" id (the SentencePiece case of rule 2).
std::unique_ptr<Tokenizer> make(const ntm::test::TempDir& dir, bool standalone_space) {
  json vocab = {{"▁", 0}, {"c", 1}, {"a", 2}, {"t", 3}, {"s", 4}, {"ca", 5}, {"cat", 6}, {"cats", 7},
                {"▁cat", 8}, {"d", 9}, {"o", 10}, {"g", 11}, {"▁d", 12}, {"x", 13}};
  json merges = standalone_space ? json::array({"c a", "ca t", "cat s"})
                                 : json::array({"▁ c", "▁c a", "▁ca t", "c a", "ca t", "cat s", "▁ d"});
  if (!standalone_space) {
    vocab["▁ca"] = 14;
    vocab["▁c"] = 15;
  }
  json j = {{"normalizer", {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "▁"}}},
            {"pre_tokenizer", nullptr},
            {"added_tokens", json::array()},
            {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", merges}, {"unk_token", nullptr}}}};
  ntm::write_file_atomic(dir / "tokenizer.json", j.dump());
  return load_tokenizer(dir.path());
}

}  // namespace

TEST_CASE("tokenizer: word -> token mapping, shared-prefix rule, collisions, many pieces", "[unit][tokenizer]") {
  ntm::test::TempDir dir;
  auto sp = make(dir, true);
  // " cat" -> ▁ cat; " cats" -> ▁ cats; " dog" -> ▁ d o g: all start with ▁ (id 0), all >= 2 ids.
  auto r = map_words_to_tokens(*sp, {"cat", "cats", "dog"});
  CHECK(r.report.shared_prefix_rule);
  CHECK(r.report.shared_prefix_id == 0);
  CHECK(r.token_ids == std::vector<int32_t>{6, 7, 9});
  CHECK(r.report.single_token_words == 2);
  CHECK(r.report.multi_token_words == 1);
  REQUIRE(r.report.many_pieces.size() == 1);
  CHECK(r.report.many_pieces[0].word == "dog");
  CHECK(r.report.many_pieces[0].ids == std::vector<int32_t>{9, 10, 11});
  CHECK(r.report.collisions.empty());
  // "do" and "dog" share "d": a collision.
  r = map_words_to_tokens(*sp, {"dog", "do", "cat"});
  REQUIRE(r.report.collisions.size() == 1);
  CHECK(r.report.collisions[0].token_id == 9);
  CHECK(r.report.collisions[0].token == "d");
  CHECK(r.report.collisions[0].words == std::vector<std::string>{"dog", "do"});
  CHECK(r.report.words_in_collisions == 2);
  json j = to_json(r.report);
  CHECK(j["collisions"][0]["words"][1] == "do");
  CHECK(j["shared_prefix_rule"] == true);

  // Byte-level-like: the space merges into the word, first ids differ -> first-token rule.
  ntm::test::TempDir dir2;
  auto bl = make(dir2, false);
  r = map_words_to_tokens(*bl, {"cat", "dog"});
  CHECK_FALSE(r.report.shared_prefix_rule);
  CHECK(r.token_ids == std::vector<int32_t>{8, 12});  // "▁cat", "▁d"(og)
  // All-or-nothing: one word that does not start with the same id disables rule 2.
  r = map_words_to_tokens(*sp, {"cat", "x"});
  CHECK(r.report.shared_prefix_rule);
  r = map_words_to_tokens(*bl, {"cat", "cats"});
  CHECK_FALSE(r.report.shared_prefix_rule);  // "▁cat" alone is one id
  CHECK(r.token_ids == std::vector<int32_t>{8, 8});
  CHECK(r.report.collisions.size() == 1);
}

TEST_CASE("tokenizer: a word with zero tokens is an error naming it", "[unit][tokenizer]") {
  ntm::test::TempDir dir;
  json j = {{"model", {{"type", "BPE"}, {"vocab", {{"a", 0}}}, {"merges", json::array()}}}};
  ntm::write_file_atomic(dir / "tokenizer.json", j.dump());
  auto tok = load_tokenizer(dir.path());  // no unk: unknown characters vanish
  try {
    map_words_to_tokens(*tok, {"a", "zzz"});
    FAIL("expected an error");
  } catch (const ntm::Error& e) {
    CHECK(std::string(e.what()).find("'zzz'") != std::string::npos);
    CHECK(std::string(e.what()).find("zero LM tokens") != std::string::npos);
  }
}
