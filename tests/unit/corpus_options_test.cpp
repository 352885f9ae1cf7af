// [cli] one definition of the corpus options (issue 21 item 5): vocab, build-labels and eval share
// CorpusOptions (defaults in one place, documented in docs/corpus-and-config.md) and one flag set.
#include <nlohmann/json.hpp>

#include <regex>
#include <sstream>

#include "catch.h"
#include "ntm/data/corpus.h"
#include "ntm/data/vocab_build.h"
#include "ntm/eval/evaluate.h"
#include "ntm/labels/build_labels.h"
#include "ntm/util/fs.h"
#include "test_util.h"

using json = nlohmann::json;
using ntm::test::run_ntm;

namespace {

// The corpus options as JSON, from the one struct.
json corpus_defaults() {
  const ntm::CorpusOptions c;
  return {{"format", c.format},         {"text_column", c.text_column}, {"label_column", c.label_column},
          {"quoting", c.quoting},       {"on_bad_row", c.on_bad_row},   {"max_doc_bytes", c.max_doc_bytes}};
}

}  // namespace

TEST_CASE("corpus options: the commands' defaults are CorpusOptions' and the docs table agrees", "[unit][cli]") {
  const json want = corpus_defaults();
  for (const json& cmd : {json(ntm::VocabBuildOptions{}), json(ntm::BuildLabelsOptions{}), json(ntm::eval::EvalOptions{})})
    for (const auto& [key, value] : want.items()) {
      INFO(key);
      REQUIRE(cmd.contains(key));
      CHECK(cmd[key] == value);
    }
  // docs/corpus-and-config.md: | `--flag` | `default` | ... |
  const std::string doc = ntm::read_file(ntm::test::source_path("docs/corpus-and-config.md"));
  const std::regex row(R"(\| `--([a-z-]+)` \| `([^`]*)` \|)");
  int rows = 0;
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), row); it != std::sregex_iterator(); ++it) {
    std::string key = (*it)[1].str();
    for (char& c : key)
      if (c == '-') c = '_';
    INFO(key);
    REQUIRE(want.contains(key));
    const json& v = want[key];
    CHECK((v.is_string() ? v.get<std::string>() : v.dump()) == (*it)[2].str());
    ++rows;
  }
  CHECK(rows == static_cast<int>(want.size()));
}

// --config / --dump-config on every command and the other options' defaults: config_defaults_test.cpp.
TEST_CASE("the corpus commands share the corpus flags", "[e2e][cli]") {
  for (const char* cmd : {"vocab", "build-labels", "eval"}) {
    INFO(cmd);
    auto r = run_ntm(std::string(cmd) +
                     " --quoting none --text-column body --label-column '' --on-bad-row skip --max-doc-bytes 100"
                     " --format tsv --dump-config");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    json j = json::parse(r.output);
    CHECK(j["quoting"] == "none");
    CHECK(j["text_column"] == "body");
    CHECK(j["label_column"] == "");
    CHECK(j["on_bad_row"] == "skip");
    CHECK(j["max_doc_bytes"] == 100);
    CHECK(j["format"] == "tsv");
  }
}
