// Chat templates: the model's own (Jinja) or a built-in format, rendered by text/jinja.
#include "ntm/text/chat_template.h"

#include "ntm/error.h"
#include "ntm/io/gguf.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "text/jinja.h"

namespace ntm::text {
namespace {

// The built-in formats, written for ntm (each reproduces the published prompt layout of its
// family for system + user + generation prompt; families without a system role get the system
// text in front of the first user message, as Gemma 3's own template does).
struct Builtin {
  const char* name;
  const char* text;
};
const Builtin kBuiltins[] = {
    {"chatml",
     "{%- for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n' }}{%- "
     "endfor %}"
     "{%- if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{%- endif %}"},
    {"llama3",
     "{{- bos_token }}{%- for m in messages %}"
     "{{ '<|start_header_id|>' + m['role'] + '<|end_header_id|>\\n\\n' + m['content'] | trim + '<|eot_id|>' "
     "}}"
     "{%- endfor %}{%- if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' "
     "}}{%- endif %}"},
    {"llama2",
     "{%- set ns = namespace(sys='') %}{%- for m in messages %}"
     "{%- if m['role'] == 'system' %}{%- set ns.sys = '<<SYS>>\\n' + m['content'] | trim + "
     "'\\n<</SYS>>\\n\\n' %}"
     "{%- elif m['role'] == 'user' %}{{ bos_token + '[INST] ' + ns.sys + m['content'] | trim + ' [/INST]' }}"
     "{%- set ns.sys = '' %}{%- else %}{{ ' ' + m['content'] | trim + ' ' + eos_token }}{%- endif %}{%- "
     "endfor %}"},
    {"gemma",
     "{{- bos_token }}{%- set ns = namespace(prefix='') %}{%- for m in messages %}"
     "{%- if m['role'] == 'system' %}{%- set ns.prefix = m['content'] | trim + '\\n\\n' %}{%- else %}"
     "{{ '<start_of_turn>' + ('model' if m['role'] == 'assistant' else m['role']) + '\\n' + ns.prefix + "
     "m['content'] | trim + '<end_of_turn>\\n' }}{%- set ns.prefix = '' %}{%- endif %}{%- endfor %}"
     "{%- if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{%- endif %}"},
    {"mistral",
     "{{- bos_token }}{%- set ns = namespace(prefix='') %}{%- for m in messages %}"
     "{%- if m['role'] == 'system' %}{%- set ns.prefix = m['content'] + '\\n\\n' %}"
     "{%- elif m['role'] == 'user' %}{{ '[INST] ' + ns.prefix + m['content'] + ' [/INST]' }}{%- set "
     "ns.prefix = '' %}"
     "{%- else %}{{ m['content'] + eos_token }}{%- endif %}{%- endfor %}"},
    {"phi3",
     "{%- for m in messages %}{{ '<|' + m['role'] + '|>\\n' + m['content'] + '<|end|>\\n' }}{%- endfor %}"
     "{%- if add_generation_prompt %}{{ '<|assistant|>\\n' }}{%- endif %}"},
    {"plain", "{{- bos_token }}{%- for m in messages %}{{ m['content'] + '\\n\\n' }}{%- endfor %}"},
};

std::string names() {
  std::string s;
  for (const auto& b : kBuiltins) s += (s.empty() ? "" : ", ") + std::string(b.name);
  return s;
}

jinja::Template parse(const ChatTemplate& t) {
  try {
    return jinja::Template::parse(t.text, t.source);
  } catch (const jinja::Unsupported& e) {
    input_error("chat template ", e.what(), "; pass --chat-format NAME to use a built-in format instead (",
                names(), ")");
  }
}

}  // namespace

std::vector<std::string> builtin_chat_formats() {
  std::vector<std::string> out;
  for (const auto& b : kBuiltins) out.push_back(b.name);
  return out;
}

ChatTemplate builtin_chat_template(const std::string& name) {
  for (const auto& b : kBuiltins)
    if (name == b.name) return {b.name, "built-in chat format " + name, b.text};
  usage_error("--chat-format: unknown format '", name, "' (expected one of ", names(), ")");
}

ChatTemplate model_chat_template(const std::string& model) {
  if (gguf::is_gguf_file(model)) {
    // GGUF files keep the template in the metadata key tokenizer.chat_template.
    const std::string t = gguf::File::open(model)->get_string("tokenizer.chat_template", "");
    if (!t.empty()) return {"model", model + " (tokenizer.chat_template)", t};
    input_error(model, ": the GGUF file has no tokenizer.chat_template; pass --chat-format NAME (", names(), ")");
  }
  if (!is_directory(model))
    input_error(model, ": cannot read a chat template from this file (neither a model folder nor a GGUF file); ",
                "pass --chat-format NAME (", names(), ")");
  const std::string jinja_file = path_join(model, "chat_template.jinja");
  if (path_exists(jinja_file)) return {"model", jinja_file, read_file(jinja_file)};
  const std::string cfg = path_join(model, "tokenizer_config.json");
  if (path_exists(cfg)) {
    json j = load_json_file(cfg);
    if (j.is_object() && j.contains("chat_template")) {
      const json& t = j["chat_template"];
      if (t.is_string()) return {"model", cfg + " (chat_template)", t.get<std::string>()};
      if (t.is_array())
        for (const auto& item : t)
          if (item.is_object() && item.value("name", "") == "default" && item.contains("template") &&
              item["template"].is_string())
            return {"model", cfg + " (chat_template 'default')", item["template"].get<std::string>()};
      input_error(cfg,
                  ": key 'chat_template' must be a string or a list holding {\"name\": \"default\", "
                  "\"template\": ...}");
    }
  }
  input_error(model,
              ": the model has no chat template (no chat_template.jinja, no \"chat_template\" in "
              "tokenizer_config.json); pass --chat-format NAME (",
              names(), ")");
}

ChatTemplate resolve_chat_template(const std::string& model, const std::string& chat_format) {
  return chat_format.empty() ? model_chat_template(model) : builtin_chat_template(chat_format);
}

void check_chat_template(const ChatTemplate& t) {
  parse(t);
}

ChatRenderResult try_render_chat(const ChatTemplate& t, const std::vector<ChatMessage>& messages,
                                 const ChatRenderOptions& opts) {
  jinja::Template tmpl = parse(t);
  jinja::Json vars = jinja::Json::object();
  jinja::Json msgs = jinja::Json::array();
  for (const auto& m : messages) msgs.push_back({{"role", m.role}, {"content", m.content}});
  vars["messages"] = msgs;
  vars["add_generation_prompt"] = opts.add_generation_prompt;
  vars["tools"] = nullptr;
  vars["documents"] = nullptr;
  const std::pair<const char*, const std::string*> special[] = {{"bos_token", &opts.bos_token},
                                                                {"eos_token", &opts.eos_token},
                                                                {"pad_token", &opts.pad_token},
                                                                {"unk_token", &opts.unk_token}};
  for (const auto& [k, v] : special)
    if (!v->empty()) vars[k] = *v;
  for (auto it = opts.extra.begin(); it != opts.extra.end(); ++it)
    vars[it.key()] = jinja::Json::parse(it.value().dump());
  ChatRenderResult r;
  try {
    r.text = tmpl.render(vars);
  } catch (const jinja::Raised& e) {
    r.raised = e.what();
  } catch (const jinja::Unsupported& e) {
    input_error("chat template ", e.what(), "; pass --chat-format NAME to use a built-in format instead (",
                names(), ")");
  }
  return r;
}

std::string render_chat(const ChatTemplate& t, const std::vector<ChatMessage>& messages,
                        const ChatRenderOptions& opts) {
  ChatRenderResult r = try_render_chat(t, messages, opts);
  if (!r.raised.empty())
    input_error("chat template ", t.source, " refused the conversation: raise_exception('", r.raised, "')");
  return r.text;
}

}  // namespace ntm::text
