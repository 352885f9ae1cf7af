// Vocabulary building (most frequent, first-occurrence tie-break), loading, `ntm vocab` end to end.
#include <fstream>
#include <sstream>

#include "catch.h"
#include "ntm/data/vocab.h"
#include "ntm/data/vocab_build.h"
#include "ntm/data/words.h"
#include "ntm/error.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "ntm/util/hash.h"
#include "test_util.h"

using ntm::json;
using ntm::test::run_ntm;
using ntm::test::TempDir;
using W = std::vector<std::string>;

namespace {
std::string tiny() { return ntm::test::fixture("corpora/tiny.tsv"); }
}  // namespace

TEST_CASE("WordCounter: count descending, ties by first occurrence", "[unit][data][vocab]") {
  ntm::WordCounter c;
  std::vector<int32_t> ids;
  c.add_words({"b", "a", "c"}, &ids);
  c.add_words({"a", "c", "d"});
  c.add_words({"d", "e"});
  CHECK(ids == std::vector<int32_t>{0, 1, 2});
  CHECK(c.num_docs() == 3);
  CHECK(c.num_tokens() == 8);
  CHECK(c.num_distinct() == 5);
  CHECK(c.count("a") == 2);
  CHECK(c.count("zzz") == 0);
  // Counter(["b","a","c","a","c","d","d","e"]).most_common() == a, c, d, b, e
  W top;
  for (int32_t id : c.most_frequent(4)) top.push_back(c.word(id));
  CHECK(top == W{"a", "c", "d", "b"});
  CHECK(c.most_frequent(100).size() == 5);
}

TEST_CASE("WordCounter over texts: the hand-counted tiny corpus", "[unit][data][vocab]") {
  // tiny.tsv texts (see tests/fixtures/corpora/README.md), kept words counted by hand.
  ntm::WordCounter c;
  for (const char* t : {"we like green apples and green pears.", "they sell green apples at the market.",
                        "our old car needs new tyres and new brakes.", "",
                        "the car dealer sells old cars and new cars.", "We ALL like Apple phones."})
    c.add_text(t);
  CHECK(c.num_tokens() == 25);
  CHECK(c.num_distinct() == 16);
  W top;
  for (int32_t id : c.most_frequent(7)) top.push_back(c.word(id));
  CHECK(top == W{"green", "new", "like", "apples", "old", "car", "cars"});
}

TEST_CASE("Vocab::load accepts a plain JSON array and ntm's vocab.json; edits are caught", "[unit][data][vocab]") {
  TempDir tmp;
  ntm::write_file_atomic(tmp / "ref.json", "[\"zebra\", \"apple\", \"mango\"]");
  ntm::Vocab v = ntm::Vocab::load(tmp / "ref.json");
  CHECK(v.words() == W{"zebra", "apple", "mango"});  // order kept as given
  CHECK(v.find("mango") == 2);
  CHECK(v.hash() == ntm::vocab_hash({"zebra", "apple", "mango"}));
  v.save(tmp / "v.json", "{\"note\": 1}");
  ntm::Vocab back = ntm::Vocab::load(tmp / "v.json");
  CHECK(back.words() == v.words());
  json j = ntm::load_json_file(tmp / "v.json");
  j["words"][0] = "horse";
  ntm::write_file_atomic(tmp / "edited.json", j.dump());
  CHECK_THROWS_WITH(ntm::Vocab::load(tmp / "edited.json"), Catch::Contains("does not match the words"));
  ntm::write_file_atomic(tmp / "dup.json", "[\"a\", \"b\", \"a\"]");
  CHECK_THROWS_WITH(ntm::Vocab::load(tmp / "dup.json"), Catch::Contains("appears twice"));
}

TEST_CASE("build_vocab: tiny corpus, counts, empty documents", "[unit][data][vocab]") {
  TempDir tmp;
  ntm::VocabBuildOptions o;
  o.corpus = tiny();
  o.size = 5;
  o.out = tmp / "vocab.json";
  auto r = ntm::build_vocab(o);
  CHECK(r.vocab.words() == W{"green", "new", "like", "apples", "old"});
  CHECK(r.counts == std::vector<int64_t>{3, 3, 2, 2, 2});
  CHECK(r.num_docs == 6);
  CHECK(r.empty_texts == 1);
  CHECK(r.empty_bow_docs == 1);
  CHECK(r.kept_tokens == 25);
  CHECK(r.distinct_words == 16);
  json j = ntm::load_json_file(o.out);
  CHECK(j["format"] == "ntm-vocab");
  CHECK(j["hash"] == r.vocab.hash());
  CHECK(j["size"] == 5);
  CHECK(j["counts"] == json::array({3, 3, 2, 2, 2}));
  CHECK(j["corpus"]["sha256"] == ntm::sha256_file(tiny()));
  CHECK(j["preprocessing"]["rules"] == ntm::kWordRulesVersion);
  o.size = 2;  // green, new: "We ALL like Apple phones." has neither
  CHECK(ntm::build_vocab(o).empty_bow_docs == 2);
  // Adopting a given list keeps its order and counts it on the corpus.
  ntm::write_file_atomic(tmp / "given.json", "[\"phones\", \"zebra\", \"green\"]");
  o.vocab = tmp / "given.json";
  auto g = ntm::build_vocab(o);
  CHECK(g.vocab.words() == W{"phones", "zebra", "green"});
  CHECK(g.counts == std::vector<int64_t>{1, 0, 3});
  CHECK(g.empty_bow_docs == 3);  // the empty text, "our old car ...", "the car dealer ..."
}

TEST_CASE("ntm vocab: same input gives the same vocab.json bytes", "[e2e][data][vocab]") {
  TempDir tmp;
  auto a = run_ntm("vocab --corpus '" + tiny() + "' --size 10 --out '" + (tmp / "a.json") + "'");
  INFO(a.output);
  REQUIRE(a.exit_code == 0);
  CHECK(a.output.find("10 words") != std::string::npos);
  std::string first = ntm::read_file(tmp / "a.json");
  auto b = run_ntm("vocab --corpus '" + tiny() + "' --size 10 --out '" + (tmp / "a.json") + "'");
  REQUIRE(b.exit_code == 0);
  CHECK(ntm::read_file(tmp / "a.json") == first);
  json j = json::parse(first);
  CHECK(j["words"] == json::array({"green", "new", "like", "apples", "old", "car", "cars", "pears", "sell", "market"}));
}

TEST_CASE("ntm vocab: errors exit 2 with one line naming the problem", "[e2e][data][vocab]") {
  TempDir tmp;
  auto missing = run_ntm("vocab --corpus '" + (tmp / "nope.tsv") + "' --out '" + (tmp / "v.json") + "'");
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("nope.tsv' does not exist") != std::string::npos);
  ntm::write_file_atomic(tmp / "c.tsv", "body\tlabel\nsome text here\tx\n");
  auto col = run_ntm("vocab --corpus '" + (tmp / "c.tsv") + "' --out '" + (tmp / "v.json") + "'");
  CHECK(col.exit_code == 2);
  CHECK(col.output.find("no column 'text' in the header (found: 'body', 'label')") != std::string::npos);
  auto ok = run_ntm("vocab --corpus '" + (tmp / "c.tsv") + "' --text-column body --out '" + (tmp / "v.json") + "'");
  CHECK(ok.exit_code == 0);
  auto size = run_ntm("vocab --corpus '" + tiny() + "' --size 0 --out '" + (tmp / "v.json") + "'");
  CHECK(size.exit_code == 2);
  CHECK(size.output.find("--size must be at least 1") != std::string::npos);
  auto noout = run_ntm("vocab --corpus '" + tiny() + "'");
  CHECK(noout.exit_code == 2);
  CHECK(noout.output.find("--out is required") != std::string::npos);
  CHECK_FALSE(ntm::path_exists(tmp / "w.json"));
  ntm::write_file_atomic(tmp / "bad.tsv", "text\tlabel\nfine words here\tx\nbad \xff\ty\n");
  auto bad = run_ntm("vocab --corpus '" + (tmp / "bad.tsv") + "' --out '" + (tmp / "w.json") + "'");
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("bad.tsv:3: column 'text': invalid UTF-8") != std::string::npos);
  CHECK_FALSE(ntm::path_exists(tmp / "w.json"));
  auto skip = run_ntm("vocab --corpus '" + (tmp / "bad.tsv") + "' --on-bad-row skip --out '" + (tmp / "w.json") + "'");
  CHECK(skip.exit_code == 0);
  CHECK(skip.output.find("skipped rows 1") != std::string::npos);
}
