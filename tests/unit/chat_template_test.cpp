// The chat-template engine against transformers' apply_chat_template (fixture made by
// scripts/make-chat-template-fixture.py), the built-in formats, and clear errors for what the
// engine does not implement.
#include <fstream>

#include "catch.h"
#include "ntm/error.h"
#include "ntm/text/chat_template.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "test_util.h"

using ntm::text::ChatMessage;
using ntm::text::ChatRenderOptions;
using ntm::text::ChatTemplate;

namespace {

std::vector<ChatMessage> messages_of(const ntm::json& j) {
  std::vector<ChatMessage> out;
  for (const auto& m : j)
    out.push_back({m.at("role").get<std::string>(), m.at("content").get<std::string>()});
  return out;
}

ChatRenderOptions options_of(const ntm::json& c) {
  ChatRenderOptions o;
  o.bos_token = c.at("bos_token").get<std::string>();
  o.eos_token = c.at("eos_token").get<std::string>();
  o.add_generation_prompt = c.at("add_generation_prompt").get<bool>();
  o.extra = c.at("extra");
  return o;
}

// The error message of rendering `text` (empty when it renders).
std::string render_error(const std::string& text) {
  try {
    ntm::text::render_chat({"model", "tpl.json", text}, {{"user", "hi"}}, {});
  } catch (const ntm::Error& e) {
    CHECK(e.exit_code() == 2);
    return e.what();
  }
  return "";
}

const ntm::json& fixture_cases() {
  static const ntm::json doc = ntm::load_json_file(ntm::test::fixture("chat-templates/expected.json"));
  return doc.at("cases");
}

const ntm::json& fixture_case(const std::string& name) {
  for (const auto& c : fixture_cases())
    if (c.at("name") == name) return c;
  FAIL("no fixture case " << name);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("chat templates render as transformers' apply_chat_template", "[unit][chat_template][golden]") {
  size_t n = 0;
  for (const auto& c : fixture_cases()) {
    const std::string name = c.at("name").get<std::string>();
    INFO("case " << name);
    ChatTemplate t{"model", name, c.at("template").get<std::string>()};
    auto r = ntm::text::try_render_chat(t, messages_of(c.at("messages")), options_of(c));
    if (c.contains("raises")) {
      CHECK(r.raised == c.at("raises").get<std::string>());
    } else {
      CHECK(r.raised.empty());
      CHECK(r.text == c.at("expected").get<std::string>());
    }
    ++n;
  }
  CHECK(n >= 20);
}

TEST_CASE("built-in chat formats match the real templates for the rating prompt", "[unit][chat_template]") {
  const auto& llama = fixture_case("llama3/rating");
  CHECK(ntm::text::render_chat(ntm::text::builtin_chat_template("llama3"), messages_of(llama.at("messages")),
                               options_of(llama)) == llama.at("expected").get<std::string>());
  const auto& qwen = fixture_case("qwen3/rating");
  CHECK(ntm::text::render_chat(ntm::text::builtin_chat_template("chatml"), messages_of(qwen.at("messages")),
                               options_of(qwen)) == qwen.at("expected").get<std::string>());
  // Gemma has no system role: the system text goes in front of the first user turn.
  ChatRenderOptions o;
  o.bos_token = "<bos>";
  CHECK(ntm::text::render_chat(ntm::text::builtin_chat_template("gemma"), {{"system", "S"}, {"user", " U "}},
                               o) == "<bos><start_of_turn>user\nS\n\nU<end_of_turn>\n<start_of_turn>model\n");
  o.bos_token = "<s>";
  CHECK(ntm::text::render_chat(ntm::text::builtin_chat_template("mistral"), {{"system", "S"}, {"user", "U"}},
                               o) == "<s>[INST] S\n\nU [/INST]");
  CHECK(ntm::text::render_chat(ntm::text::builtin_chat_template("llama2"), {{"system", "S"}, {"user", "U"}},
                               o) == "<s>[INST] <<SYS>>\nS\n<</SYS>>\n\nU [/INST]");
  for (const auto& name : ntm::text::builtin_chat_formats())
    CHECK_NOTHROW(ntm::text::check_chat_template(ntm::text::builtin_chat_template(name)));
  CHECK_THROWS_WITH(ntm::text::builtin_chat_template("vicuna"), Catch::Contains("chatml, llama3"));
}

TEST_CASE("unsupported Jinja is an exit-2 error naming the construct, the file and the line",
          "[unit][chat_template]") {
  CHECK_THAT(render_error("a\n{% macro f() %}x{% endmacro %}"), Catch::Contains("tpl.json:2") &&
                                                                    Catch::Contains("'{% macro %}'") &&
                                                                    Catch::Contains("--chat-format"));
  CHECK_THAT(render_error("{{ messages|wordcount }}"), Catch::Contains("filter '|wordcount'"));
  CHECK_THAT(render_error("{{ messages is divisibleby(2) }}"), Catch::Contains("test 'is divisibleby'"));
  CHECK_THAT(render_error("{{ strftime_now('%Y') }}"), Catch::Contains("'strftime_now()'"));
  CHECK_THAT(render_error("{{ messages[0].content.zfill(3) }}"), Catch::Contains("method '.zfill()'"));
  CHECK_THAT(render_error("{% if true %}x"), Catch::Contains("without {% endif %}"));
  CHECK_THAT(render_error("{{ 'x' "), Catch::Contains("unclosed"));
  CHECK_THAT(render_error("{% endfor %}"), Catch::Contains("without its opening statement"));
  CHECK_THAT(render_error("{{ nope.attr }}"), Catch::Contains("'nope' is undefined"));
  CHECK_THAT(render_error("{{ raise_exception('no system role') }}"), Catch::Contains("no system role"));
  CHECK(render_error("{% for m in messages %}{{ m.content }}{% endfor %}").empty());
}

TEST_CASE("the model's chat template comes from chat_template.jinja or tokenizer_config.json",
          "[unit][chat_template]") {
  ntm::test::TempDir tmp;
  CHECK_THROWS_WITH(ntm::text::model_chat_template(tmp.path()), Catch::Contains("--chat-format"));
  ntm::write_file_atomic(tmp / "tokenizer_config.json",
                         R"({"chat_template": [{"name": "tool_use", "template": "T"},
                                                            {"name": "default", "template": "D{{ bos_token }}"}]})");
  auto t = ntm::text::model_chat_template(tmp.path());
  CHECK(t.text == "D{{ bos_token }}");
  CHECK_THAT(t.source, Catch::Contains("tokenizer_config.json"));
  ntm::write_file_atomic(tmp / "chat_template.jinja", "J");
  CHECK(ntm::text::resolve_chat_template(tmp.path(), "").text == "J");
  CHECK(ntm::text::resolve_chat_template(tmp.path(), "chatml").name == "chatml");
  ntm::write_file_atomic(tmp / "tokenizer_config.json", R"({"chat_template": 3})");
  std::remove((tmp / "chat_template.jinja").c_str());
  CHECK_THROWS_WITH(ntm::text::model_chat_template(tmp.path()), Catch::Contains("'chat_template' must be"));
}
