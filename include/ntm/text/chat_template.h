#pragma once
// Chat templates: a conversation (system / user / assistant messages) -> the prompt text an
// instruct model was trained on, as transformers' `apply_chat_template(..., tokenize=False)`.
//
//   auto t = ntm::text::resolve_chat_template("path/to/model", "");   // the model's own template
//   std::string prompt = ntm::text::render_chat(t, {{"system", "..."}, {"user", "..."}}, opts);
//
// The model's template is Jinja (tokenizer_config.json "chat_template" or chat_template.jinja);
// ntm renders it with its own engine for the subset the common templates use (see
// src/text/jinja.h). A construct outside that subset is an input error (exit 2) naming it, the
// file and the line; `--chat-format NAME` then picks a built-in format instead.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ntm::text {

struct ChatMessage {
  std::string role;  // system | user | assistant
  std::string content;
};

struct ChatTemplate {
  std::string name;    // "model" for the checkpoint's own template, else the built-in format name
  std::string source;  // where the text came from (a file, or "built-in chat format NAME")
  std::string text;    // Jinja source
};

struct ChatRenderOptions {
  // Special-token strings the template may print (bos_token, eos_token, ...); "" = none.
  std::string bos_token, eos_token, pad_token, unk_token;
  bool add_generation_prompt = true;
  nlohmann::json extra = nlohmann::json::object();  // further variables, e.g. {"enable_thinking": false}
};

// Built-in formats for --chat-format, in table order: chatml, llama3, llama2, gemma, mistral,
// phi3, plain.
std::vector<std::string> builtin_chat_formats();
// usage_error listing the names when `name` is not one of them.
ChatTemplate builtin_chat_template(const std::string& name);
// The checkpoint's own template: <dir>/chat_template.jinja, else tokenizer_config.json
// "chat_template" (a string, or a list of {name, template} of which "default" is used).
// input_error when the model has none (the message suggests --chat-format).
ChatTemplate model_chat_template(const std::string& model);
// chat_format "" = model_chat_template(model), else builtin_chat_template(chat_format).
ChatTemplate resolve_chat_template(const std::string& model, const std::string& chat_format);

// Parses the template once (input_error naming an unsupported construct and its line).
void check_chat_template(const ChatTemplate& t);

struct ChatRenderResult {
  std::string text;
  std::string raised;  // non-empty: the template refused the conversation with raise_exception(raised)
};
// Renders messages; input_error for unsupported constructs. A raise_exception() in the template
// comes back in `raised` (text empty) so that a caller can retry differently.
ChatRenderResult try_render_chat(const ChatTemplate& t, const std::vector<ChatMessage>& messages,
                                 const ChatRenderOptions& opts);
// As try_render_chat, but a raise_exception() is an input_error too.
std::string render_chat(const ChatTemplate& t, const std::vector<ChatMessage>& messages,
                        const ChatRenderOptions& opts);

}  // namespace ntm::text
