// [text] hostile tokenizer files (issue 21 item 4): every field is read through a checked accessor
// that names the file and the key; ids are bounded by the file's own vocabulary, so a small file
// cannot demand gigabytes; malformed fields are exit-2 input errors, never "internal error".
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "catch.h"
#include "ntm/error.h"
#include "ntm/text/tokenizer.h"
#include "ntm/util/fs.h"
#include "test_util.h"

using json = nlohmann::json;
using ntm::test::q;
using ntm::test::source_path;

namespace {

// A copy of data/tiny-lm's tokenizer files with one of them edited.
std::string edited_model(const ntm::test::TempDir& dir, const std::string& name,
                         const std::function<void(json& tokenizer, json& config)>& edit) {
  const std::string d = dir / name;
  std::filesystem::create_directories(d);
  json tok = json::parse(ntm::read_file(source_path("data/tiny-lm/tokenizer.json")));
  json cfg = json::parse(ntm::read_file(source_path("data/tiny-lm/tokenizer_config.json")));
  edit(tok, cfg);
  ntm::write_file_atomic(d + "/tokenizer.json", tok.dump());
  ntm::write_file_atomic(d + "/tokenizer_config.json", cfg.dump());
  return d;
}

}  // namespace

TEST_CASE("hostile tokenizer.json / tokenizer_config.json fields fail fast naming file and key", "[unit][text][reliability]") {
  ntm::test::TempDir dir;
  struct Case {
    const char* name;
    std::function<void(json&, json&)> edit;
    const char* file;
    const char* expect;
  };
  const Case cases[] = {
      {"added token id 2,000,000,000", [](json& t, json&) { t["added_tokens"][0]["id"] = 2000000000; },
       "tokenizer.json", "added_tokens[0]: key 'id' is 2000000000, far beyond the ids"},
      {"added token id above int32", [](json& t, json&) { t["added_tokens"][0]["id"] = 5000000000LL; },
       "tokenizer.json", "added_tokens[0]: key 'id' is 5000000000"},
      {"vocab id 2,000,000,000", [](json& t, json&) { t["model"]["vocab"]["zz-new"] = 2000000000; },
       "tokenizer.json", "the id of token 'zz-new' is 2000000000"},
      {"template post-processor ids not integers",
       [](json& t, json&) { t["post_processor"]["special_tokens"]["<|begin_of_text|>"]["ids"] = {"x"}; },
       "tokenizer.json", "an entry of 'ids' must be an integer token id"},
      {"Strip decoder start not a count",
       [](json& t, json&) { t["decoder"] = {{"type", "Strip"}, {"content", " "}, {"start", "one"}, {"stop", 0}}; },
       "tokenizer.json", "key 'start' must be an integer"},
      {"tokenizer_config special not a bool",
       [](json&, json& c) { c["added_tokens_decoder"] = {{"5", {{"content", "x"}, {"special", "yes"}}}}; },
       "tokenizer_config.json", "added_tokens_decoder['5']: key 'special' must be true or false"},
      {"tokenizer_config id not a number",
       [](json&, json& c) { c["added_tokens_decoder"] = {{"99999999999", {{"content", "x"}}}}; },
       "tokenizer_config.json", "added_tokens_decoder key '99999999999' is not a token id"},
      {"model_max_length a string", [](json&, json& c) { c["model_max_length"] = "long"; }, "tokenizer_config.json",
       "key 'model_max_length' must be a non-negative number"},
      {"tokenizer_class a number", [](json&, json& c) { c["tokenizer_class"] = 3; }, "tokenizer_config.json",
       "key 'tokenizer_class' must be a string"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const std::string d = edited_model(dir, "m", c.edit);
    try {
      ntm::text::load_tokenizer(d);
      FAIL("accepted");
    } catch (const ntm::Error& e) {
      INFO(e.what());
      CHECK(e.exit_code() == 2);
      CHECK(std::string(e.what()).find(d + "/" + c.file) != std::string::npos);
      CHECK(std::string(e.what()).find(c.expect) != std::string::npos);
    }
  }
  // Through the binary: exit 2, one line naming the file, no "internal error".
  const std::string d = edited_model(dir, "cli", [](json& t, json&) { t["added_tokens"][0]["id"] = 2000000000; });
  auto r = ntm::test::run_command("echo '\"a\"' | " + q(NTM_BINARY) + " tokenize --model " + q(d));
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find(d + "/tokenizer.json") != std::string::npos);
  CHECK(r.output.find("internal error") == std::string::npos);
}
