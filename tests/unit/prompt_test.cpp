#include <fstream>
#include <nlohmann/json.hpp>

#include "catch.h"
#include "ntm/error.h"
#include "ntm/labels/prompt.h"
#include "test_util.h"

TEST_CASE("default prompt is byte-exact with the reference", "[unit][prompt]") {
  auto t = ntm::load_prompt_template("default");
  CHECK(ntm::render_prompt(t, "The GPU is fast.") ==
        "Generate a label that capture the overall theme of the document below.\n\nDocument: The GPU is fast."
        "\n\nTopic:");
  // Empty document: "Document: \n\nTopic:" (the space after the colon stays).
  CHECK(ntm::render_prompt(t, "") ==
        "Generate a label that capture the overall theme of the document below.\n\nDocument: \n\nTopic:");
  // Whitespace at the end of the document is inside the prompt, not at its end.
  CHECK(ntm::render_prompt(t, "a  \n") == t.instruction + "\n\nDocument: a  \n\n\nTopic:");
  // A document containing "{instruction}" is not expanded.
  CHECK(ntm::render_prompt(t, "{instruction}").find("Document: {instruction}\n\nTopic:") != std::string::npos);
}

TEST_CASE("e2e fixture prompts render identically", "[unit][prompt]") {
  std::ifstream in(ntm::test::fixture("e2e/e2e.json"));
  auto j = nlohmann::json::parse(in);
  auto t = ntm::load_prompt_template("default");
  REQUIRE(j.contains("documents"));
  REQUIRE(j.contains("prompts"));
  for (size_t i = 0; i < j["documents"].size(); ++i)
    CHECK(ntm::render_prompt(t, j["documents"][i].get<std::string>()) == j["prompts"][i].get<std::string>());
}

TEST_CASE("prompt variants and template files", "[unit][prompt]") {
  CHECK(ntm::load_prompt_template("variant_1").instruction == "Name the document's central theme.");
  CHECK(ntm::load_prompt_template("variant4").instruction.find("one\xE2\x80\x91word") != std::string::npos);
  CHECK_THROWS_AS(ntm::load_prompt_template("variant9"), ntm::Error);
  ntm::test::TempDir dir;
  std::ofstream(dir / "t.txt") << "{instruction}\nText: {document}\nLabel:   \n";
  auto t = ntm::load_prompt_template(dir / "t.txt");
  CHECK(ntm::render_prompt(t, "x") ==
        "Generate a label that capture the overall theme of the document below.\nText: x\nLabel:");
  std::ofstream(dir / "bad.txt") << "no placeholder";
  CHECK_THROWS_WITH(ntm::load_prompt_template(dir / "bad.txt"), Catch::Contains("{document}"));
}

TEST_CASE("python_rstrip follows str.isspace", "[unit][prompt]") {
  CHECK(ntm::python_rstrip("ab \t\n\r\x0b\x0c") == "ab");
  CHECK(ntm::python_rstrip("ab\xC2\xA0\xE3\x80\x80\xE2\x80\xA8") == "ab");  // NBSP, ideographic space, LS
  CHECK(ntm::python_rstrip("ab\xE2\x80\x8B") == "ab\xE2\x80\x8B");          // ZWSP is not whitespace
  CHECK(ntm::python_rstrip("\x1c\x1f") == "");
  CHECK(ntm::python_rstrip("caf\xC3\xA9") == "caf\xC3\xA9");
}
