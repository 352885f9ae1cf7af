// Token ids against Hugging Face tokenizers 0.23.2 (tests/fixtures/tokenizers, made with the
// Python package) for the real Llama-3, Qwen3 and Llama-2 tokenizer.json files (fetched into
// .assets by scripts/fetch-test-assets.sh), and the e2e fixture's tokenizer.
#include <fstream>

#include "catch.h"
#include "skip.h"
#include "ntm/io/safetensors.h"
#include "ntm/text/tokenizer.h"
#include "ntm/util/config.h"
#include "test_util.h"

using ntm::json;

namespace {

std::string asset_dir(const std::string& name) { return ntm::test::source_path(".assets/tokenizers/" + name); }

bool have_asset(const std::string& name) {
  return std::ifstream(asset_dir(name) + "/tokenizer.json").good();
}

const json& texts() {
  static const json t = ntm::load_json_file(ntm::test::fixture("tokenizers/texts.json"));
  return t;
}

void check_against_reference(const std::string& name) {
  if (!have_asset(name)) NTM_SKIP(asset_dir(name) << " is missing; run scripts/fetch-test-assets.sh");
  auto tok = ntm::text::load_tokenizer(asset_dir(name));
  json ref = ntm::load_json_file(ntm::test::fixture("tokenizers/" + name + ".json"));
  const json& t = texts();
  REQUIRE(t.size() == 518);
  REQUIRE(ref["plain"].size() == t.size());
  size_t plain_bad = 0, special_bad = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    std::string text = t[i].get<std::string>();
    auto plain = tok->encode(text, false);
    auto special = tok->encode(text, true);
    auto want_plain = ref["plain"][i].get<std::vector<int32_t>>();
    auto want_special = ref["special"][i].get<std::vector<int32_t>>();
    if (plain != want_plain && plain_bad++ < 3) {
      INFO(name << " text " << i << ": " << json(text).dump());
      CHECK(plain == want_plain);
    }
    if (special != want_special && special_bad++ < 3) {
      INFO(name << " text " << i << " (special): " << json(text).dump());
      CHECK(special == want_special);
    }
  }
  CHECK(plain_bad == 0);
  CHECK(special_bad == 0);
  for (auto it = ref["leading_space_words"].begin(); it != ref["leading_space_words"].end(); ++it) {
    INFO(name << " word '" << it.key() << "'");
    CHECK(tok->encode(" " + it.key(), false) == it.value().get<std::vector<int32_t>>());
  }
  const json& rt = ref["decode_roundtrip"];
  REQUIRE(rt.size() == 50);
  for (size_t i = 0; i < rt.size(); ++i) {
    INFO(name << " decode of text " << i);
    CHECK(tok->decode(ref["plain"][i].get<std::vector<int32_t>>()) == rt[i].get<std::string>());
  }
}

}  // namespace

TEST_CASE("tokenizer: Llama-3 tokenizer.json matches HF ids on 518 texts", "[unit][golden][tokenizer]") {
  check_against_reference("llama3");
}

TEST_CASE("tokenizer: Qwen3 tokenizer.json matches HF ids on 518 texts", "[unit][golden][tokenizer]") {
  check_against_reference("qwen3");
}

TEST_CASE("tokenizer: Llama-2 tokenizer.json matches HF ids on 518 texts", "[unit][golden][tokenizer]") {
  check_against_reference("llama2");
}

TEST_CASE("tokenizer: special ids and lengths come from tokenizer_config.json", "[unit][tokenizer]") {
  if (!have_asset("llama2") || !have_asset("qwen3")) NTM_SKIP("tokenizer assets missing; run scripts/fetch-test-assets.sh");
  auto l2 = ntm::text::load_tokenizer(asset_dir("llama2"));
  CHECK(l2->bos_id() == 1);
  CHECK(l2->eos_id() == 2);
  CHECK(l2->unk_id() == 0);
  CHECK(l2->pad_id() == -1);
  CHECK(l2->vocab_size() == 32000);
  CHECK(l2->id_to_token(1) == "<s>");
  CHECK(l2->token_to_id("<0x0A>") == 13);
  auto q = ntm::text::load_tokenizer(asset_dir("qwen3"));
  CHECK(q->bos_id() == -1);
  CHECK(q->eos_id() == q->token_to_id("<|im_end|>"));
  CHECK(q->eos_id() == 151645);
  CHECK(q->model_max_length() > 0);
  CHECK(q->kind() == "tokenizer.json");
  // add_bos override: this Llama-3 copy's ByteLevel post-processor adds no BOS; "yes" forces it.
  if (have_asset("llama3")) {
    ntm::text::TokenizerLoadOptions lo;
    lo.add_bos = "yes";
    auto l3 = ntm::text::load_tokenizer(asset_dir("llama3"), lo);
    CHECK(l3->bos_id() == 128000);
    CHECK(l3->encode("Hello world", true) == std::vector<int32_t>{128000, 9906, 1917});
    CHECK(l3->encode("Hello world", false) == std::vector<int32_t>{9906, 1917});
    lo.add_bos = "no";
    CHECK(ntm::text::load_tokenizer(asset_dir("llama2"), lo)->encode("Hello", true).front() != 1);
  }
}

TEST_CASE("tokenizer: e2e fixture prompts give the reference input_ids and word tokens", "[unit][golden][tokenizer]") {
  auto tok = ntm::text::load_tokenizer(ntm::test::fixture("e2e"));
  json e = ntm::load_json_file(ntm::test::fixture("e2e/e2e.json"));
  auto ref = ntm::st::File::open(ntm::test::fixture("e2e/reference.safetensors"));
  at::Tensor ids = ref->tensor("input_ids");    // [B, T] left padded
  at::Tensor mask = ref->tensor("attention_mask");
  const auto& prompts = e["prompts"];
  REQUIRE(static_cast<int64_t>(prompts.size()) == ids.size(0));
  for (size_t b = 0; b < prompts.size(); ++b) {
    std::vector<int32_t> want;
    for (int64_t t = 0; t < ids.size(1); ++t)
      if (mask[b][t].item<int64_t>() != 0) want.push_back(static_cast<int32_t>(ids[b][t].item<int64_t>()));
    INFO("prompt " << b);
    CHECK(tok->encode(prompts[b].get<std::string>(), true) == want);
  }
  const auto& vocab = e["vocab"];
  const auto& first = e["first_token_ids"];
  for (size_t i = 0; i < vocab.size(); ++i) {
    auto w = tok->encode(" " + vocab[i].get<std::string>(), false);
    REQUIRE(!w.empty());
    CHECK(w[0] == first[i].get<int32_t>());
  }
  CHECK(tok->eos_id() == 0);
}

TEST_CASE("tokenizer: GPT-2 encoder.json + vocab.bpe", "[unit][golden][tokenizer]") {
  std::string dir = asset_dir("gpt2");
  if (!std::ifstream(dir + "/encoder.json").good()) NTM_SKIP(dir << " is missing; run scripts/fetch-test-assets.sh");
  auto tok = ntm::text::load_tokenizer(dir);
  // Well-known GPT-2 ids (tiktoken / HF GPT2Tokenizer).
  CHECK(tok->encode("Hello world", false) == std::vector<int32_t>{15496, 995});
  CHECK(tok->encode("Hello world<|endoftext|>", true) == std::vector<int32_t>{15496, 995, 50256});
  CHECK(tok->vocab_size() == 50257);
  CHECK(tok->decode({15496, 995}) == "Hello world");
}
