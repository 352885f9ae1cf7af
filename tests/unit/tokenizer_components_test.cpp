// Pieces of the tokenizer.json engine against hand-computed expectations, and bad input.
#include <algorithm>
#include <fstream>

#include "catch.h"
#include "ntm/error.h"
#include "ntm/text/tokenizer.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "test_util.h"
#include "text/hf_components.h"
#include "text/regex.h"
#include "text/unicode.h"
#include "text/utf8.h"

using ntm::json;
using namespace ntm::text;

namespace {

using ntm::test::error_of;

// A minimal byte-level-free BPE tokenizer.json over the given pieces.
json tiny_tokenizer(const json& pre_tokenizer, const json& normalizer = nullptr) {
  json vocab = json::object();
  int id = 0;
  for (const char* t : {"a", "b", "c", "ab", "abc", " ", "▁", "1", "2", "3", "12", "x", "xx", "xxxx", "<unk>"})
    vocab[t] = id++;
  return json{{"version", "1.0"},
              {"added_tokens", json::array({{{"id", 100}, {"content", "<s>"}, {"special", true}, {"normalized", false}},
                                            {{"id", 101}, {"content", "[M]"}, {"special", false}, {"normalized", false},
                                             {"lstrip", true}, {"rstrip", true}}})},
              {"normalizer", normalizer},
              {"pre_tokenizer", pre_tokenizer},
              {"post_processor",
               {{"type", "TemplateProcessing"},
                {"single", json::array({{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
                                        {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}})},
                {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {100}}, {"tokens", {"<s>"}}}}}}}},
              {"decoder", nullptr},
              {"model",
               {{"type", "BPE"},
                {"vocab", vocab},
                {"merges", json::array({"a b", "ab c", "1 2", "x x", "xx xx"})},
                {"unk_token", "<unk>"},
                {"fuse_unk", true}}}};
}

std::unique_ptr<Tokenizer> write_and_load(const ntm::test::TempDir& dir, const json& j) {
  ntm::write_file_atomic(dir / "tokenizer.json", j.dump());
  return load_tokenizer(dir.path());
}

}  // namespace

TEST_CASE("tokenizer: NFC / NFKC / lowercase", "[unit][tokenizer]") {
  CHECK(nfc("Cafe\xCC\x81") == "Caf\xC3\xA9");                    // e + combining acute -> é
  CHECK(nfc("\xE1\x84\x80\xE1\x85\xA1") == "\xEA\xB0\x80");       // Hangul L+V -> 가
  CHECK(nfc("a\xCC\xA3\xCC\x87") == "\xE1\xBA\xA1\xCC\x87");      // a + dot below + dot above: reorder, compose ạ̇
  CHECK(nfc("\xE2\x84\xAB") == "\xC3\x85");                      // Angstrom sign -> Å (singleton)
  CHECK(nfc("\xEF\xAC\x81") == "\xEF\xAC\x81");                   // ﬁ ligature unchanged by NFC
  CHECK(nfkc("\xEF\xAC\x81") == "fi");                            // ... but NFKC expands it
  CHECK(nfkc("\xC2\xA0") == " ");                                 // NBSP -> space
  CHECK(nfd("\xC3\xA9") == "e\xCC\x81");
  CHECK(lowercase("ABC \xC3\x89t\xC3\xA9 \xCE\xA3") == "abc \xC3\xA9t\xC3\xA9 \xCF\x83");
  CHECK(utf8_lossy("a\xFF" "b\xE2\x82") == "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
  CHECK(std::string(unicode_version()) == "14.0.0");
}

TEST_CASE("tokenizer: PCRE2 regex iteration and split behaviours", "[unit][tokenizer]") {
  Regex re(R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)", "test");
  std::string s = "Hello world's  123 \xC3\xBCn!!  \n end";
  std::vector<std::pair<size_t, size_t>> m;
  re.find_all(s, m);
  std::vector<std::string> parts;
  for (auto [b, e] : m) parts.push_back(s.substr(b, e - b));
  CHECK(parts == std::vector<std::string>{"Hello", " world", "'s", " ", " 123", " \xC3\xBCn", "!!", "  \n", " end"});
  // \s follows Unicode White_Space (U+180E is not a space, U+3000 is).
  Regex ws(R"(\s+)", "test");
  m.clear();
  ws.find_all("a\xE1\xA0\x8E" "b\xE3\x80\x80" "c", m);
  REQUIRE(m.size() == 1);
  CHECK(m[0] == std::pair<size_t, size_t>{5, 8});
  // Behaviours on "a-b--c" split on "-" (matches at 1, 3, 4).
  std::vector<MatchRange> r = {{0, 1, false}, {1, 2, true}, {2, 3, false}, {3, 4, true}, {4, 5, true}, {5, 6, false}};
  using P = std::vector<std::pair<size_t, size_t>>;
  CHECK(apply_split_behavior(r, SplitBehavior::kRemoved) == P{{0, 1}, {2, 3}, {5, 6}});
  CHECK(apply_split_behavior(r, SplitBehavior::kIsolated).size() == 6);
  CHECK(apply_split_behavior(r, SplitBehavior::kMergedWithPrevious) == P{{0, 2}, {2, 4}, {4, 5}, {5, 6}});
  CHECK(apply_split_behavior(r, SplitBehavior::kMergedWithNext) == P{{0, 1}, {1, 3}, {3, 4}, {4, 6}});
  CHECK(apply_split_behavior(r, SplitBehavior::kContiguous) == P{{0, 1}, {1, 2}, {2, 3}, {3, 5}, {5, 6}});
}

TEST_CASE("tokenizer: BPE merges, unk fusing, added tokens with lstrip/rstrip, template BOS", "[unit][tokenizer]") {
  ntm::test::TempDir dir;
  auto tok = write_and_load(dir, tiny_tokenizer(nullptr));
  CHECK(tok->encode("abc", false) == std::vector<int32_t>{4});
  CHECK(tok->encode("abcab", false) == std::vector<int32_t>{4, 3});
  CHECK(tok->encode("abzzc", false) == std::vector<int32_t>{3, 14, 2});  // zz fused into one <unk>
  CHECK(tok->encode("abc", true) == std::vector<int32_t>{100, 4});
  CHECK(tok->encode("a<s>b", false) == std::vector<int32_t>{0, 100, 1});
  CHECK(tok->encode("a  [M]  b", false) == std::vector<int32_t>{0, 101, 1});  // spaces swallowed
  CHECK(tok->encode("xxxxxxxxx", false) == std::vector<int32_t>{13, 13, 11});
  CHECK(tok->encode("", true) == std::vector<int32_t>{100});
  CHECK(tok->token_to_id("[M]") == 101);
  CHECK(tok->id_to_token(4) == "abc");
  CHECK(tok->vocab_size() == 102);
  // 300 x's and a long run stay fast (priority-queue merging).
  std::string many(300000, 'x');
  CHECK(tok->encode(many, false).size() == 75000);
}

TEST_CASE("tokenizer: Digits, Metaspace, Sequence pre-tokenizers and Prepend/Replace normalizers", "[unit][tokenizer]") {
  ntm::test::TempDir dir;
  json pre = {{"type", "Sequence"},
              {"pretokenizers", json::array({{{"type", "Digits"}, {"individual_digits", false}},
                                             {{"type", "Metaspace"}, {"replacement", "▁"}, {"prepend_scheme", "first"}, {"split", true}}})}};
  auto tok = write_and_load(dir, tiny_tokenizer(pre));
  // "ab 123": Digits -> "ab ", "123"; Metaspace: "▁ab▁" (first piece gets the prefix) -> "▁ab", "▁"; "123"
  CHECK(tok->encode("ab 123", false) == std::vector<int32_t>{6, 3, 6, 10, 9});
  json norm = {{"type", "Sequence"},
               {"normalizers", json::array({{{"type", "Prepend"}, {"prepend", "▁"}},
                                            {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "▁"}}})}};
  auto tok2 = write_and_load(dir, tiny_tokenizer(nullptr, norm));
  CHECK(tok2->encode("ab c", false) == std::vector<int32_t>{6, 3, 6, 2});
  CHECK(tok2->encode("", false).empty());
}

TEST_CASE("tokenizer: bad tokenizer files give one-line errors", "[unit][tokenizer]") {
  ntm::test::TempDir dir;
  // Truncated JSON.
  std::string full = tiny_tokenizer(nullptr).dump();
  ntm::write_file_atomic(dir / "tokenizer.json", full.substr(0, full.size() / 2));
  std::string e = error_of([&] { load_tokenizer(dir.path()); });
  CHECK(e.find("tokenizer.json") != std::string::npos);
  CHECK(e.find("invalid JSON") != std::string::npos);
  CHECK(e.find('\n') == std::string::npos);
  // Unknown normalizer type.
  e = error_of([&] { write_and_load(dir, tiny_tokenizer(nullptr, {{"type", "FancyNorm"}})); });
  CHECK(e.find("normalizer type 'FancyNorm' is not implemented") != std::string::npos);
  // Regex PCRE2 rejects.
  json bad = {{"type", "Split"}, {"pattern", {{"Regex", "(unclosed"}}}, {"behavior", "Isolated"}};
  e = error_of([&] { write_and_load(dir, tiny_tokenizer(bad)); });
  CHECK(e.find("(unclosed") != std::string::npos);
  CHECK(e.find("PCRE2") != std::string::npos);
  CHECK(e.find("pre_tokenizer") != std::string::npos);
  // Unknown model / pre-tokenizer type.
  json t = tiny_tokenizer(nullptr);
  t["model"]["type"] = "Unigram";
  e = error_of([&] { write_and_load(dir, t); });
  CHECK(e.find("model type 'Unigram' is not implemented") != std::string::npos);
  e = error_of([&] { write_and_load(dir, tiny_tokenizer({{"type", "BertPreTokenizer"}})); });
  CHECK(e.find("'BertPreTokenizer'") != std::string::npos);
  // A merge over unknown tokens.
  t = tiny_tokenizer(nullptr);
  t["model"]["merges"].push_back("q r");
  e = error_of([&] { write_and_load(dir, t); });
  CHECK(e.find("merges[5]") != std::string::npos);
  // A tokenizer.model that is not protobuf.
  ntm::test::TempDir spm;
  ntm::write_file_atomic(spm / "tokenizer.model", "this is not a protobuf message\n");
  e = error_of([&] { load_tokenizer(spm.path()); });
  CHECK(e.find("tokenizer.model: not a SentencePiece model") != std::string::npos);
  // An empty folder.
  ntm::test::TempDir empty;
  e = error_of([&] { load_tokenizer(empty.path()); });
  CHECK(e.find("no tokenizer.json, tokenizer.model") != std::string::npos);
}

TEST_CASE("tokenizer: ntm tokenize prints ids per line and exits 2 on bad input", "[unit][tokenizer]") {
  ntm::test::TempDir dir;
  ntm::write_file_atomic(dir / "tokenizer.json", tiny_tokenizer(nullptr).dump());
  ntm::write_file_atomic(dir / "in.jsonl", "\"abc\"\n\"a<s>b\"\n\"\"\n");
  auto r = ntm::test::run_ntm("tokenize --model " + dir.path() + " --input " + (dir / "in.jsonl") + " 2>&1");
  CHECK(r.exit_code == 0);
  CHECK(r.output == "[4]\n[0,100,1]\n[]\n");
  r = ntm::test::run_ntm("tokenize --model " + dir.path() + " --add-special-tokens < " + (dir / "in.jsonl"));
  CHECK(r.output == "[100,4]\n[100,0,100,1]\n[100]\n");
  ntm::write_file_atomic(dir / "bad.jsonl", "\"ok\"\n{\"text\": 1}\n");
  r = ntm::test::run_ntm("tokenize --model " + dir.path() + " --input " + (dir / "bad.jsonl"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("bad.jsonl:2: expected a JSON string") != std::string::npos);
  std::string json_text = tiny_tokenizer({{"type", "Split"}, {"pattern", {{"Regex", "[a-"}}}, {"behavior", "Isolated"}}).dump();
  ntm::write_file_atomic(dir / "tokenizer.json", json_text);
  r = ntm::test::run_ntm("tokenize --model " + dir.path() + " --input " + (dir / "in.jsonl"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("ntm: error:") != std::string::npos);
  // Truncated tokenizer.json and a tokenizer.model that is not protobuf: exit 2, one line.
  ntm::write_file_atomic(dir / "tokenizer.json", json_text.substr(0, 100));
  r = ntm::test::run_ntm("tokenize --model " + dir.path() + " --input " + (dir / "in.jsonl"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("invalid JSON") != std::string::npos);
  ntm::test::TempDir spm;
  ntm::write_file_atomic(spm / "tokenizer.model", std::string("\x0a\xff\xff\xff garbage"));
  r = ntm::test::run_ntm("tokenize --model " + spm.path() + " --input " + (dir / "in.jsonl"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("not a SentencePiece model") != std::string::npos);
  CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
}
