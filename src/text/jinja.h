#pragma once
// A small Jinja2 engine for chat templates (internal header; the public face is
// ntm/text/chat_template.h).
//
// It implements the subset the common Hugging Face chat templates use (Llama 3, Qwen 2/3,
// SmolLM/ChatML, Gemma, Mistral, Phi-3): text, {{ expr }}, {% if/elif/else %}, {% for %} with
// loop.* and an inline `if` filter, {% set %} (also ns.attr = ...), break/continue,
// {% generation %}, comments, whitespace control {%- -%} and the environment transformers uses
// (trim_blocks and lstrip_blocks on). Expressions: literals, lists, dicts, attribute / item /
// slice access, calls, filters, `is` tests, arithmetic, ~, comparisons, in, and/or/not and the
// ternary `a if c else b`. Anything else is an error naming the construct, the source and its
// line (jinja::Unsupported), never a silent difference.
#include <nlohmann/json.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace ntm::text::jinja {

using Json = nlohmann::ordered_json;

// A runtime value: JSON plus Jinja's "undefined".
struct Value {
  Json j;
  bool undefined = false;
  Value() = default;
  Value(Json v) : j(std::move(v)) {}  // NOLINT: implicit on purpose
  static Value undef() {
    Value v;
    v.undefined = true;
    return v;
  }
};

// The template uses something this engine does not implement (or is malformed).
struct Unsupported : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// The template itself called raise_exception(message).
struct Raised : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Expr;
struct Node;
using ExprP = std::unique_ptr<Expr>;
using NodeP = std::unique_ptr<Node>;
using Body = std::vector<NodeP>;

struct Expr {
  enum Kind {
    kLit,
    kName,
    kAttr,
    kIndex,
    kSlice,
    kCall,
    kFilter,
    kTest,
    kUnary,
    kBinary,
    kCond,
    kList,
    kDict
  };
  Kind kind = kLit;
  int line = 0;
  Json lit;                 // kLit
  std::string name;         // kName / kAttr / kFilter / kTest / kUnary / kBinary: name or operator
  bool negate = false;      // kTest: `is not`
  std::vector<ExprP> kids;  // operands (kSlice: obj, start, stop, step; absent parts null)
  std::vector<std::pair<std::string, ExprP>> kwargs;  // kCall / kFilter keyword arguments
};

struct Node {
  enum Kind { kText, kOutput, kIf, kFor, kSet, kBreak, kContinue };
  Kind kind = kText;
  int line = 0;
  std::string text;                              // kText
  ExprP expr;                                    // kOutput value, kSet value, kFor iterable
  std::vector<std::pair<ExprP, Body>> branches;  // kIf: condition (null = else) and body
  std::vector<std::string> targets;              // kFor loop variables; kSet: {name} or {name, attr}
  ExprP filter;                                  // kFor: `for x in y if cond`
  Body body, else_body;                          // kFor
};

class Template {
 public:
  // Parses `text`; `where` (a file name) prefixes error messages. Throws Unsupported.
  static Template parse(const std::string& text, const std::string& where);
  // Renders with the given variables (a JSON object). Throws Unsupported or Raised.
  std::string render(const Json& vars) const;
  const std::string& where() const { return where_; }

 private:
  std::shared_ptr<Body> body_;
  std::string where_;
};

// Helpers shared by the parser, the evaluator and the built-ins.
[[noreturn]] void fail(const std::string& where, int line, const std::string& what);
bool truthy(const Value& v);
std::string to_text(const Value& v);                       // what {{ v }} prints (Python str())
std::string to_json_text(const Json& j, int indent = -1);  // the tojson filter (Python json.dumps)
const char* type_name(const Value& v);

// Built-ins (jinja_builtins.cpp). `where`/`line` name the call site in errors.
Value apply_filter(const std::string& name, const Value& v, const std::vector<Value>& args,
                   const std::vector<std::pair<std::string, Value>>& kwargs, const std::string& where,
                   int line);
bool apply_test(const std::string& name, const Value& v, const std::vector<Value>& args,
                const std::string& where, int line);
Value call_method(const Value& obj, const std::string& name, const std::vector<Value>& args,
                  const std::string& where, int line);
std::vector<std::string> utf8_chars(const std::string& s);

}  // namespace ntm::text::jinja
