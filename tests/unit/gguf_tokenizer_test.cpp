// Tokenizers from GGUF metadata: the GGUF -> tokenizer.json mapping on small vocabularies, the four
// real tokenizers written as GGUF files (scripts/make-gguf-tokenizer-fixtures.py, into
// .assets/gguf-tokenizers) against Hugging Face's ids, and SmolLM2's file against llama.cpp's ids.
#include <fstream>

#include "catch.h"
#include "ntm/error.h"
#include "ntm/text/gguf_tokenizer.h"
#include "ntm/text/tokenizer.h"
#include "ntm/util/config.h"
#include "test_util.h"
#include "text/gguf_vocab.h"
#include "text/hf_components.h"
#include "skip.h"

using ntm::json;
using ntm::text::GgufVocab;

namespace {

using Ids = std::vector<int32_t>;

// A byte-level vocabulary: the 256 byte characters, then `extra` tokens (ids 256...).
GgufVocab byte_vocab(const std::string& pre, const std::vector<std::string>& extra,
                     const std::vector<std::string>& merges) {
  GgufVocab v;
  v.source = "tiny.gguf";
  v.model = "gpt2";
  v.pre = pre;
  for (int b = 0; b < 256; ++b) v.tokens.push_back(ntm::text::byte_to_unicode(static_cast<unsigned char>(b)));
  for (const auto& t : extra) v.tokens.push_back(t);
  v.types.assign(v.tokens.size(), ntm::text::kGgufNormal);
  v.merges = merges;
  return v;
}

int32_t id_of(const GgufVocab& v, const std::string& t) {
  for (size_t i = 0; i < v.tokens.size(); ++i)
    if (v.tokens[i] == t) return static_cast<int32_t>(i);
  FAIL("no token " << t);
  return -1;
}

const std::vector<std::string> kDigitExtra = {"12", "123", "Ġthe", "Ġt", "he", "Ã©"};
const std::vector<std::string> kDigitMerges = {"1 2", "12 3", "Ġ t", "h e", "Ġt he", "Ã ©"};

std::string gguf_asset(const std::string& name) {
  return ntm::test::source_path(".assets/gguf-tokenizers/" + name + ".gguf");
}

bool have_file(const std::string& p) { return std::ifstream(p).good(); }

}  // namespace

TEST_CASE("gguf tokenizer: pre-tokenizer names pick HF's splits", "[unit][tokenizer][gguf]") {
  auto v = byte_vocab("gpt-2", kDigitExtra, kDigitMerges);
  const int32_t d1 = '1', d2 = '2', d3 = '3', d4 = '4', d5 = '5';  // printable ASCII: id = byte
  const int32_t i12 = id_of(v, "12"), i123 = id_of(v, "123"), the = id_of(v, "Ġthe");
  CHECK(ntm::text::build_gguf_tokenizer(v)->encode("1234 the", false) == Ids{i123, d4, the});
  v.pre = "smollm";  // every digit alone, then the GPT-2 split
  CHECK(ntm::text::build_gguf_tokenizer(v)->encode("1234 the", false) == Ids{d1, d2, d3, d4, the});
  v.pre = "llama-bpe";  // digits in groups of three
  auto l3 = ntm::text::build_gguf_tokenizer(v);
  CHECK(l3->encode("12345 the", false) == Ids{i123, d4, d5, the});
  CHECK(l3->encode("12 the", false) == Ids{i12, the});
  v.pre = "qwen2";  // single digits; NFC first
  auto q = ntm::text::build_gguf_tokenizer(v);
  CHECK(q->encode("123", false) == Ids{d1, d2, d3});
  CHECK(q->encode("e\xCC\x81", false) == Ids{id_of(v, "Ã©")});
  v.pre = "banana";
  CHECK_THROWS_WITH(ntm::text::build_gguf_tokenizer(v),
                    Catch::Contains("tiny.gguf") && Catch::Contains("tokenizer.ggml.pre 'banana'"));
  v.pre.reset();  // absent: the GPT-2 split, as transformers does
  CHECK(ntm::text::build_gguf_tokenizer(v)->encode("1234", false) == Ids{i123, d4});
  auto names = ntm::text::gguf_pre_tokenizer_names();
  for (const char* n : {"llama-bpe", "llama3", "qwen2", "smollm", "gpt-2", "default"})
    CHECK(std::find(names.begin(), names.end(), n) != names.end());
}

TEST_CASE("gguf tokenizer: special tokens, add_bos/add_eos, chat template", "[unit][tokenizer][gguf]") {
  auto v = byte_vocab("llama-bpe", {"<|begin|>", "<|end|>", "<tool>", "ab"}, {"a b"});
  const int32_t bos = 256, eos = 257, tool = 258;
  v.types[bos] = v.types[eos] = ntm::text::kGgufControl;
  v.types[tool] = ntm::text::kGgufUserDefined;
  v.bos = bos;
  v.eos = eos;
  v.chat_template = "{{ messages }}";
  auto t = ntm::text::build_gguf_tokenizer(v);
  CHECK(t->bos_id() == bos);
  CHECK(t->eos_id() == eos);
  CHECK(t->chat_template() == "{{ messages }}");
  CHECK(t->encode("a", true) == Ids{bos, 'a'});  // llama-bpe adds BOS when add_bos_token is absent
  CHECK(t->encode("a<|end|>b<tool>", false) == Ids{'a', eos, 'b', tool});
  CHECK(t->decode({'a', eos, tool}, true) == "a<tool>");
  v.add_bos = false;
  v.add_eos = true;
  CHECK(ntm::text::build_gguf_tokenizer(v)->encode("a", true) == Ids{'a', eos});
  v.pre = "gpt-2";
  v.add_bos.reset();
  v.add_eos.reset();
  CHECK(ntm::text::build_gguf_tokenizer(v)->encode("a", true) == Ids{'a'});  // gpt-2: no BOS by default
  v.bos = 1000;  // outside the vocabulary: ignored, as llama.cpp does
  CHECK(ntm::text::build_gguf_tokenizer(v)->bos_id() == -1);
}

TEST_CASE("gguf tokenizer: malformed metadata names the key", "[unit][tokenizer][gguf]") {
  auto v = byte_vocab("gpt-2", {}, {});
  v.merges = {"nospace"};
  CHECK_THROWS_WITH(ntm::text::build_gguf_tokenizer(v), Catch::Contains("tokenizer.ggml.merges[0]"));
  v.merges = {"a b", "x yz"};
  CHECK_THROWS_WITH(ntm::text::build_gguf_tokenizer(v),
                    Catch::Contains("tokenizer.ggml.merges[0] 'a b': 'ab' is not in tokenizer.ggml.tokens"));
  v.merges.clear();
  CHECK_THROWS_WITH(ntm::text::build_gguf_tokenizer(v), Catch::Contains("needs tokenizer.ggml.merges"));
  v.merges = {"a b"};
  v.types.pop_back();
  CHECK_THROWS_WITH(ntm::text::build_gguf_tokenizer(v), Catch::Contains("tokenizer.ggml.token_type has 255 entries"));
  v.types.clear();
  v.model = "t5";
  CHECK_THROWS_WITH(ntm::text::build_gguf_tokenizer(v), Catch::Contains("tokenizer.ggml.model 't5'"));
  v.model = "llama";
  v.merges.clear();
  CHECK_THROWS_WITH(ntm::text::build_gguf_tokenizer(v), Catch::Contains("needs tokenizer.ggml.scores"));
  try {
    ntm::text::build_gguf_tokenizer(v);
  } catch (const ntm::Error& e) {
    CHECK(e.exit_code() == 2);
  }
}

TEST_CASE("gguf tokenizer: SentencePiece merges from scores, as transformers orders them", "[unit][tokenizer][gguf]") {
  using P = std::pair<std::string, std::string>;
  auto m = ntm::text::merges_from_scores({"a", "b", "c", "ab", "bc", "abc"}, {0, 0, 0, -1, -2, -3});
  CHECK(m == std::vector<P>{{"a", "b"}, {"b", "c"}, {"ab", "c"}, {"a", "bc"}});
  // A token listed twice counts once, with the score of its last copy (a Python dict).
  m = ntm::text::merges_from_scores({"a", "b", "ab", "ab"}, {0, 0, -5, -1});
  CHECK(m == std::vector<P>{{"a", "b"}});
}

TEST_CASE("gguf tokenizer: llama (SentencePiece) vocabulary", "[unit][tokenizer][gguf]") {
  const std::string sp = "\xE2\x96\x81";
  GgufVocab v;
  v.source = "spm.gguf";
  v.model = "llama";
  v.tokens = {"<unk>", "<s>", "</s>", "<0x21>", sp, "h", "i", sp + "h", "hi", sp + "hi"};
  v.scores = {0, 0, 0, 0, -1, -2, -3, -4, -5, -6};
  v.types = {2, 3, 3, 6, 1, 1, 1, 1, 1, 1};
  auto t = ntm::text::build_gguf_tokenizer(v);
  CHECK(t->bos_id() == 1);  // llama.cpp's defaults: bos 1, eos 2, unk 0, add_bos
  CHECK(t->eos_id() == 2);
  CHECK(t->unk_id() == 0);
  CHECK(t->encode("hi", false) == Ids{9});
  CHECK(t->encode("hi!", true) == Ids{1, 9, 3});  // "!" by byte fallback
  CHECK(t->encode("hi</s>", false) == Ids{9, 2});
  CHECK(t->decode({1, 9, 3}, true) == "hi!");
  v.add_space_prefix = false;
  CHECK(ntm::text::build_gguf_tokenizer(v)->encode("hi", false) == Ids{8});
}

namespace {

// The real tokenizers written as GGUF vs the HF ids of the original files. bos_added: the GGUF
// adds BOS where this copy of tokenizer.json does not (Llama-3: no add_bos_token in the file, so
// llama.cpp's default for llama-bpe applies).
void check_gguf_asset(const std::string& name, int32_t bos_added) {
  std::string path = gguf_asset(name);
  if (!have_file(path)) {
    NTM_SKIP(path << " is missing; run scripts/fetch-test-assets.sh with NTM_PYTHON set "
                     "(it runs scripts/make-gguf-tokenizer-fixtures.py)");
  }
  auto tok = ntm::text::load_tokenizer_from_gguf(path);
  json ref = ntm::load_json_file(ntm::test::fixture("tokenizers/" + name + ".json"));
  json texts = ntm::load_json_file(ntm::test::fixture("tokenizers/texts.json"));
  REQUIRE(texts.size() == 518);
  size_t plain_bad = 0, special_bad = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    std::string text = texts[i].get<std::string>();
    Ids want = ref["plain"][i].get<Ids>(), want_special = ref["special"][i].get<Ids>();
    if (bos_added >= 0) want_special.insert(want_special.begin(), bos_added);
    Ids plain = tok->encode(text, false), special = tok->encode(text, true);
    if (plain != want && plain_bad++ < 3) {
      INFO(name << ".gguf text " << i << ": " << json(text).dump());
      CHECK(plain == want);
    }
    if (special != want_special && special_bad++ < 3) {
      INFO(name << ".gguf text " << i << " (special): " << json(text).dump());
      CHECK(special == want_special);
    }
  }
  CHECK(plain_bad == 0);
  CHECK(special_bad == 0);
  for (auto it = ref["leading_space_words"].begin(); it != ref["leading_space_words"].end(); ++it) {
    INFO(name << ".gguf word '" << it.key() << "'");
    CHECK(tok->encode(" " + it.key(), false) == it.value().get<Ids>());
  }
  for (size_t i = 0; i < ref["decode_roundtrip"].size(); ++i) {
    INFO(name << ".gguf decode of text " << i);
    CHECK(tok->decode(ref["plain"][i].get<Ids>()) == ref["decode_roundtrip"][i].get<std::string>());
  }
}

}  // namespace

TEST_CASE("gguf tokenizer: Llama-3 as GGUF matches HF ids on 518 texts", "[unit][golden][tokenizer][gguf]") {
  check_gguf_asset("llama3", 128000);
}

TEST_CASE("gguf tokenizer: Qwen3 as GGUF matches HF ids on 518 texts", "[unit][golden][tokenizer][gguf]") {
  check_gguf_asset("qwen3", -1);
}

TEST_CASE("gguf tokenizer: Llama-2 as GGUF matches HF ids on 518 texts", "[unit][golden][tokenizer][gguf]") {
  check_gguf_asset("llama2", -1);
}

TEST_CASE("gguf tokenizer: GPT-2 as GGUF matches HF ids on 518 texts", "[unit][golden][tokenizer][gguf]") {
  check_gguf_asset("gpt2", -1);
}

TEST_CASE("gguf tokenizer: SmolLM2 file matches llama.cpp's ids", "[unit][golden][tokenizer][gguf]") {
  json ref = ntm::load_json_file(ntm::test::fixture("tokenizers/smollm2-gguf.json"));
  std::string path = ntm::test::source_path(".assets/models/" + ref["file"].get<std::string>());
  if (!have_file(path)) {
    NTM_SKIP(path << " is missing; run scripts/fetch-test-assets.sh");
  }
  auto tok = ntm::text::load_tokenizer_from_gguf(path);
  CHECK(tok->bos_id() == 1);
  CHECK(tok->eos_id() == 2);
  CHECK(tok->pad_id() == 2);
  CHECK(tok->unk_id() == 0);
  CHECK(tok->chat_template().find("<|im_start|>") != std::string::npos);
  json texts = ntm::load_json_file(ntm::test::fixture("tokenizers/texts.json"));
  REQUIRE(texts.size() == ref["n_shared_texts"].get<size_t>());
  for (const auto& t : ref["texts"]) texts.push_back(t);
  REQUIRE(ref["plain"].size() == texts.size());
  size_t bad = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    std::string text = texts[i].get<std::string>();
    for (bool special : {false, true}) {
      Ids got = tok->encode(text, special), want = ref[special ? "special" : "plain"][i].get<Ids>();
      if (got != want && bad++ < 3) {
        INFO("text " << i << (special ? " (special)" : "") << ": " << json(text).dump());
        CHECK(got == want);
      }
    }
  }
  CHECK(bad == 0);
}
