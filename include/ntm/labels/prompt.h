#pragma once
// Prompt rendering for soft labels (method-spec §3.1), byte-exact with the reference:
//   instruction + "\n\nDocument: " + document + "\n\nTopic: "  then right-stripped (Python str.rstrip()),
// so the default prompt ends with "Topic:". No chat template is applied.
#include <string>
#include <string_view>
#include <vector>

namespace ntm {

struct PromptTemplate {
  std::string name;         // "default", "variant1".."variant5" or the template file path
  std::string instruction;  // the instruction text ({instruction})
  std::string text;         // the outer template with {instruction} and {document} placeholders
};

// spec: "default", "variant1".."variant5" (also "variant_1"), or a path to a UTF-8 template file
// holding {document} (and optionally {instruction}); one trailing newline of a file is dropped,
// as Jinja does. usage_error for an unknown name or a file without {document}.
PromptTemplate load_prompt_template(const std::string& spec);

// The five instruction variants of the paper's prompt-sensitivity study, then the default.
const std::vector<std::pair<std::string, std::string>>& builtin_instructions();

// Renders the prompt for one document and right-strips it like Python's str.rstrip().
std::string render_prompt(const PromptTemplate& tmpl, std::string_view document);

// The prompt text before the first {document} ({instruction} substituted): the head every
// document's prompt starts with (build-labels runs its tokens once, see CausalLM::prefix_cache).
std::string prompt_head(const PromptTemplate& tmpl);

// Python str.rstrip() with no arguments (Unicode whitespace as str.isspace) on UTF-8 text.
std::string python_rstrip(std::string_view s);

}  // namespace ntm
