#include "ntm/labels/prompt.h"

#include "ntm/error.h"
#include "ntm/util/fs.h"

namespace ntm {

namespace {
constexpr const char* kOuterTemplate = "{instruction}\n\nDocument: {document}\n\nTopic: ";

// Code points for which Python's str.isspace() is true (Unicode White_Space minus nothing,
// plus the ASCII information separators 0x1C-0x1F).
bool is_python_space(uint32_t c) {
  switch (c) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x1C: case 0x1D: case 0x1E: case 0x1F:
    case 0x20: case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
    case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t hit = s.find(from, pos);
    if (hit == std::string::npos) break;
    out.append(s, pos, hit - pos);
    out.append(to);
    pos = hit + from.size();
  }
  out.append(s, pos, std::string::npos);
  s.swap(out);
}
}  // namespace

const std::vector<std::pair<std::string, std::string>>& builtin_instructions() {
  static const std::vector<std::pair<std::string, std::string>> k = {
      // The reference's default instruction, grammatical error included.
      {"default", "Generate a label that capture the overall theme of the document below."},
      {"variant1", "Name the document's central theme."},
      {"variant2", "Give a single label that sums up the text."},
      {"variant3", "Tag the document with its main idea."},
      // U+2011 (non-breaking hyphen) in "one‑word", as in the reference.
      {"variant4",
       "Read the following document in full, identify its principal theme, and output a one\u2011word label that "
       "best conveys that unifying concept."},
      {"variant5",
       "Examine the text provided and produce a brief, descriptive tag that captures the primary theme running "
       "through the entire document."},
  };
  return k;
}

PromptTemplate load_prompt_template(const std::string& spec_in) {
  std::string spec = spec_in;
  if (spec.rfind("variant_", 0) == 0) spec = "variant" + spec.substr(8);
  for (const auto& [name, instruction] : builtin_instructions())
    if (spec == name) return {name, instruction, kOuterTemplate};
  if (!path_exists(spec_in))
    usage_error("--prompt '", spec_in, "': not a built-in prompt (default, variant1..variant5) and no such file");
  PromptTemplate t;
  t.name = spec_in;
  t.instruction = builtin_instructions().front().second;
  t.text = read_file(spec_in);
  if (!t.text.empty() && t.text.back() == '\n') t.text.pop_back();  // Jinja drops one trailing newline
  if (t.text.find("{document}") == std::string::npos)
    usage_error("--prompt ", spec_in, ": the template must contain {document} (and may contain {instruction})");
  return t;
}

std::string python_rstrip(std::string_view s) {
  size_t end = s.size();
  while (end > 0) {
    // Step back over one UTF-8 code point.
    size_t start = end - 1;
    while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    auto b = reinterpret_cast<const unsigned char*>(s.data() + start);
    size_t len = end - start;
    uint32_t cp;
    if (len == 1) cp = b[0];
    else if (len == 2) cp = ((b[0] & 0x1F) << 6) | (b[1] & 0x3F);
    else if (len == 3) cp = ((b[0] & 0x0F) << 12) | ((b[1] & 0x3F) << 6) | (b[2] & 0x3F);
    else if (len == 4) cp = ((b[0] & 0x07) << 18) | ((b[1] & 0x3F) << 12) | ((b[2] & 0x3F) << 6) | (b[3] & 0x3F);
    else break;
    if (!is_python_space(cp)) break;
    end = start;
  }
  return std::string(s.substr(0, end));
}

std::string prompt_head(const PromptTemplate& tmpl) {
  std::string head = tmpl.text;
  replace_all(head, "{instruction}", tmpl.instruction);
  return head.substr(0, head.find("{document}"));
}

std::string render_prompt(const PromptTemplate& tmpl, std::string_view document) {
  // Substitute {instruction} first: the document is inserted verbatim and never re-scanned.
  std::string head = tmpl.text;
  replace_all(head, "{instruction}", tmpl.instruction);
  size_t pos = head.find("{document}");
  NTM_CHECK(pos != std::string::npos, "prompt template without {document}");
  std::string out;
  out.reserve(head.size() + document.size());
  out.append(head, 0, pos);
  out.append(document);
  std::string tail = head.substr(pos + 10);
  replace_all(tail, "{document}", document);
  out.append(tail);
  return python_rstrip(out);
}

}  // namespace ntm
