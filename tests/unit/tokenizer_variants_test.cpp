// Component coverage against Hugging Face tokenizers 0.23.3 (PyPI; npm's 0.23.2 gave the same ids):
// variants of the e2e tokenizer.json
// (NFKC/Lowercase/Strip, Metaspace, byte_fallback, Digits/Punctuation/WhitespaceSplit, Split
// behaviours and invert, ByteLevel prefix space, added-token options, templates, decoders), with
// the reference ids and decodes in tests/fixtures/tokenizers/components.json
// (scripts/make-tokenizer-component-fixtures.py).
#include "catch.h"
#include "ntm/text/tokenizer.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "test_util.h"

using ntm::json;

TEST_CASE("tokenizer: component variants match HF ids and decodes", "[unit][golden][tokenizer]") {
  json fx = ntm::load_json_file(ntm::test::fixture("tokenizers/components.json"));
  const json& texts = fx["texts"];
  REQUIRE(fx["variants"].size() == 6);
  for (const json& v : fx["variants"]) {
    std::string name = v["name"];
    ntm::test::TempDir dir;
    ntm::write_file_atomic(dir / "tokenizer.json", v["tokenizer"].dump());
    auto tok = ntm::text::load_tokenizer(dir.path());
    size_t bad = 0;
    for (size_t i = 0; i < texts.size(); ++i) {
      std::string text = texts[i];
      auto plain = tok->encode(text, false);
      auto special = tok->encode(text, true);
      std::string dec = tok->decode(v["plain"][i].get<std::vector<int32_t>>());
      bool ok = plain == v["plain"][i].get<std::vector<int32_t>>() &&
                special == v["special"][i].get<std::vector<int32_t>>() && dec == v["decode"][i].get<std::string>();
      if (!ok && bad++ < 3) {
        INFO(name << " text " << i << ": " << json(text).dump());
        CHECK(plain == v["plain"][i].get<std::vector<int32_t>>());
        CHECK(special == v["special"][i].get<std::vector<int32_t>>());
        CHECK(dec == v["decode"][i].get<std::string>());
      }
    }
    INFO(name);
    CHECK(bad == 0);
  }
}
