// Jinja built-ins the chat templates use: value printing (Python str / repr), truthiness,
// tojson, filters, `is` tests and string / dict methods.
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "text/jinja.h"

namespace ntm::text::jinja {
namespace {

const char* kSpace = " \t\n\r\v\f";

std::string strip(const std::string& s, const std::string& chars, bool left, bool right) {
  size_t a = 0, b = s.size();
  if (left)
    while (a < b && chars.find(s[a]) != std::string::npos) ++a;
  if (right)
    while (b > a && chars.find(s[b - 1]) != std::string::npos) --b;
  return s.substr(a, b - a);
}

std::string float_repr(double d) {  // Python repr(float)
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[40];
  for (int p = 1; p <= 17; ++p) {
    std::snprintf(buf, sizeof buf, "%.*g", p, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  std::string s = buf;
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

std::string repr(const Json& j) {  // Python repr of a JSON value (strings in single quotes)
  if (j.is_string()) {
    std::string out = "'";
    for (char c : j.get<std::string>()) {
      if (c == '\'' || c == '\\') out += '\\';
      if (c == '\n')
        out += "\\n";
      else
        out += c;
    }
    return out + "'";
  }
  if (j.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < j.size(); ++i) out += (i ? ", " : "") + repr(j[i]);
    return out + "]";
  }
  if (j.is_object()) {
    std::string out = "{";
    bool first = true;
    for (auto it = j.begin(); it != j.end(); ++it, first = false)
      out += (first ? "" : ", ") + repr(it.key()) + ": " + repr(*it);
    return out + "}";
  }
  return to_text(Value(j));
}

std::string json_string(const std::string& s) {  // json.dumps(s, ensure_ascii=False)
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

void dump(const Json& j, int indent, int depth, std::string& out) {
  const std::string nl = indent >= 0 ? "\n" + std::string(size_t(indent * (depth + 1)), ' ') : "";
  const std::string nl_end = indent >= 0 ? "\n" + std::string(size_t(indent * depth), ' ') : "";
  const std::string sep = indent >= 0 ? "," : ", ";
  if (j.is_object()) {
    if (j.empty()) return void(out += "{}");
    out += "{";
    bool first = true;
    for (auto it = j.begin(); it != j.end(); ++it, first = false) {
      out += (first ? "" : sep) + nl + json_string(it.key()) + ": ";
      dump(*it, indent, depth + 1, out);
    }
    out += nl_end + "}";
  } else if (j.is_array()) {
    if (j.empty()) return void(out += "[]");
    out += "[";
    for (size_t i = 0; i < j.size(); ++i) {
      out += (i ? sep : "") + nl;
      dump(j[i], indent, depth + 1, out);
    }
    out += nl_end + "]";
  } else if (j.is_string()) {
    out += json_string(j.get<std::string>());
  } else if (j.is_number_float()) {
    out += float_repr(j.get<double>());
  } else {
    out += j.dump();  // null, true, false, integers
  }
}

int64_t length(const Value& v, const std::string& where, int line) {
  if (v.undefined) return 0;
  if (v.j.is_string()) return static_cast<int64_t>(utf8_chars(v.j.get<std::string>()).size());
  if (v.j.is_array() || v.j.is_object()) return static_cast<int64_t>(v.j.size());
  fail(where, line, std::string("length of a value of type ") + type_name(v));
}

const std::string& str_arg(const std::vector<Value>& a, size_t i, const std::string& what,
                           const std::string& where, int line) {
  if (a.size() <= i || !a[i].j.is_string()) fail(where, line, what + " needs a string argument");
  return a[i].j.get_ref<const std::string&>();
}

}  // namespace

std::vector<std::string> utf8_chars(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    size_t n = 1;
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0xF0)
      n = 4;
    else if (c >= 0xE0)
      n = 3;
    else if (c >= 0xC0)
      n = 2;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

const char* type_name(const Value& v) {
  if (v.undefined) return "undefined";
  switch (v.j.type()) {
    case Json::value_t::null:
      return "none";
    case Json::value_t::boolean:
      return "bool";
    case Json::value_t::string:
      return "string";
    case Json::value_t::array:
      return "list";
    case Json::value_t::object:
      return "dict";
    case Json::value_t::number_float:
      return "float";
    default:
      return "int";
  }
}

bool truthy(const Value& v) {
  if (v.undefined || v.j.is_null()) return false;
  if (v.j.is_boolean()) return v.j.get<bool>();
  if (v.j.is_number()) return v.j.get<double>() != 0.0;
  if (v.j.is_string() || v.j.is_array() || v.j.is_object()) return !v.j.empty();
  return true;
}

std::string to_text(const Value& v) {
  if (v.undefined) return "";
  const Json& j = v.j;
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "None";
  if (j.is_boolean()) return j.get<bool>() ? "True" : "False";
  if (j.is_number_float()) return float_repr(j.get<double>());
  if (j.is_number()) return j.dump();
  return repr(j);
}

std::string to_json_text(const Json& j, int indent) {
  std::string out;
  dump(j, indent, 0, out);
  return out;
}

Value apply_filter(const std::string& f, const Value& v, const std::vector<Value>& a,
                   const std::vector<std::pair<std::string, Value>>& kw, const std::string& where, int line) {
  auto need_str = [&]() -> std::string {
    if (v.undefined) return "";
    if (!v.j.is_string()) fail(where, line, "filter '" + f + "' needs a string, got " + type_name(v));
    return v.j.get<std::string>();
  };
  if (f == "trim")
    return Json(a.empty() ? strip(need_str(), kSpace, true, true)
                          : strip(need_str(), str_arg(a, 0, "trim", where, line), true, true));
  if (f == "length" || f == "count") return Json(length(v, where, line));
  if (f == "upper" || f == "lower") {
    std::string s = need_str();
    for (char& c : s)
      c = static_cast<char>(f == "upper" ? std::toupper(static_cast<unsigned char>(c))
                                         : std::tolower(static_cast<unsigned char>(c)));
    return Json(s);
  }
  if (f == "string") return Json(to_text(v));
  if (f == "tojson") {
    int indent = -1;
    for (const auto& [k, x] : kw)
      if (k == "indent" && x.j.is_number_integer())
        indent = static_cast<int>(x.j.get<int64_t>());
      else
        fail(where, line, "tojson: unsupported argument '" + k + "'");
    if (!a.empty() && a[0].j.is_number_integer()) indent = static_cast<int>(a[0].j.get<int64_t>());
    return Json(to_json_text(v.j, indent));
  }
  if (f == "default" || f == "d") {
    const bool boolean = a.size() > 1 && truthy(a[1]);
    if (v.undefined || (boolean && !truthy(v))) return a.empty() ? Value(Json("")) : a[0];
    return v;
  }
  if (f == "first" || f == "last") {
    if (!v.j.is_array() || v.j.empty()) return Value::undef();
    return f == "first" ? Value(v.j.front()) : Value(v.j.back());
  }
  if (f == "join") {
    if (!v.j.is_array()) fail(where, line, "filter 'join' needs a list");
    std::string sep = a.empty() ? "" : str_arg(a, 0, "join", where, line), out;
    for (size_t i = 0; i < v.j.size(); ++i) out += (i ? sep : "") + to_text(Value(v.j[i]));
    return Json(out);
  }
  if (f == "list") {
    if (v.j.is_array()) return v;
    Json out = Json::array();
    if (v.j.is_string())
      for (auto& c : utf8_chars(v.j.get<std::string>())) out.push_back(c);
    else
      fail(where, line, std::string("filter 'list' on a value of type ") + type_name(v));
    return out;
  }
  if (f == "reverse") {
    if (v.j.is_string()) {
      auto c = utf8_chars(v.j.get<std::string>());
      std::string s;
      for (auto it = c.rbegin(); it != c.rend(); ++it) s += *it;
      return Json(s);
    }
    if (!v.j.is_array()) fail(where, line, "filter 'reverse' needs a list or string");
    Json out = Json::array();
    for (auto it = v.j.rbegin(); it != v.j.rend(); ++it) out.push_back(*it);
    return out;
  }
  if (f == "items") {
    if (!v.j.is_object()) fail(where, line, "filter 'items' needs a dict");
    Json out = Json::array();
    for (auto it = v.j.begin(); it != v.j.end(); ++it) out.push_back(Json::array({it.key(), *it}));
    return out;
  }
  if (f == "int") {
    if (v.j.is_number()) return Json(static_cast<int64_t>(v.j.get<double>()));
    try {
      return Json(std::stoll(need_str()));
    } catch (const std::exception&) {
      return Json(0);
    }
  }
  if (f == "replace") return call_method(v, "replace", a, where, line);
  if (f == "capitalize" || f == "title") return call_method(v, f, a, where, line);
  fail(where, line, "unsupported Jinja filter '|" + f + "'");
}

bool apply_test(const std::string& t, const Value& v, const std::vector<Value>& a, const std::string& where,
                int line) {
  if (t == "defined") return !v.undefined;
  if (t == "undefined") return v.undefined;
  if (t == "none") return !v.undefined && v.j.is_null();
  if (t == "string") return !v.undefined && v.j.is_string();
  if (t == "number") return !v.undefined && v.j.is_number();
  if (t == "integer") return !v.undefined && v.j.is_number_integer();
  if (t == "float") return !v.undefined && v.j.is_number_float();
  if (t == "boolean") return !v.undefined && v.j.is_boolean();
  if (t == "true") return !v.undefined && v.j.is_boolean() && v.j.get<bool>();
  if (t == "false") return !v.undefined && v.j.is_boolean() && !v.j.get<bool>();
  if (t == "mapping") return !v.undefined && v.j.is_object();
  if (t == "sequence" || t == "iterable")
    return !v.undefined && (v.j.is_array() || v.j.is_string() || v.j.is_object());
  if (t == "even" || t == "odd") {
    if (!v.j.is_number_integer()) fail(where, line, "test '" + t + "' needs an integer");
    return (v.j.get<int64_t>() % 2 == 0) == (t == "even");
  }
  if (t == "eq" || t == "equalto" || t == "==" || t == "sameas") {
    if (a.size() != 1) fail(where, line, "test '" + t + "' takes one argument");
    return !v.undefined && v.j == a[0].j && (t != "sameas" || v.j.type() == a[0].j.type());
  }
  fail(where, line, "unsupported Jinja test 'is " + t + "'");
}

Value call_method(const Value& obj, const std::string& m, const std::vector<Value>& a,
                  const std::string& where, int line) {
  if (obj.j.is_string()) {
    const std::string& s = obj.j.get_ref<const std::string&>();
    if (m == "strip" || m == "lstrip" || m == "rstrip") {
      const std::string chars = a.empty() || a[0].j.is_null() ? kSpace : str_arg(a, 0, m, where, line);
      return Json(strip(s, chars, m != "rstrip", m != "lstrip"));
    }
    if (m == "startswith") return Json(s.rfind(str_arg(a, 0, m, where, line), 0) == 0);
    if (m == "endswith") {
      const std::string& x = str_arg(a, 0, m, where, line);
      return Json(s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0);
    }
    if (m == "upper" || m == "lower") return apply_filter(m, obj, {}, {}, where, line);
    if (m == "capitalize" || m == "title") {
      std::string out = s;
      bool start = true;
      for (char& c : out) {
        const bool alpha = std::isalpha(static_cast<unsigned char>(c)) != 0;
        c = static_cast<char>(start && alpha ? std::toupper(static_cast<unsigned char>(c))
                                             : std::tolower(static_cast<unsigned char>(c)));
        if (m == "capitalize")
          start = false;
        else
          start = !alpha;
      }
      return Json(out);
    }
    if (m == "replace") {
      const std::string& from = str_arg(a, 0, m, where, line);
      const std::string& to = str_arg(a, 1, m, where, line);
      if (from.empty()) fail(where, line, "replace('') is not supported");
      std::string out;
      size_t p = 0, q;
      while ((q = s.find(from, p)) != std::string::npos) out += s.substr(p, q - p) + to, p = q + from.size();
      return Json(out + s.substr(p));
    }
    if (m == "split") {
      Json out = Json::array();
      if (a.empty() || a[0].j.is_null()) {  // whitespace runs, no empty items
        size_t p = 0;
        for (;;) {
          p = s.find_first_not_of(kSpace, p);
          if (p == std::string::npos) break;
          size_t q = s.find_first_of(kSpace, p);
          out.push_back(s.substr(p, q == std::string::npos ? std::string::npos : q - p));
          p = q;
        }
        return out;
      }
      const std::string& sep = str_arg(a, 0, m, where, line);
      if (sep.empty()) fail(where, line, "split(''): empty separator");
      int64_t max = a.size() > 1 && a[1].j.is_number_integer() ? a[1].j.get<int64_t>() : -1;
      size_t p = 0, q;
      while (max-- != 0 && (q = s.find(sep, p)) != std::string::npos)
        out.push_back(s.substr(p, q - p)), p = q + sep.size();
      out.push_back(s.substr(p));
      return out;
    }
  }
  if (obj.j.is_object()) {
    if (m == "items") return apply_filter("items", obj, {}, {}, where, line);
    if (m == "keys" || m == "values") {
      Json out = Json::array();
      for (auto it = obj.j.begin(); it != obj.j.end(); ++it)
        out.push_back(m == "keys" ? Json(it.key()) : *it);
      return out;
    }
    if (m == "get") {
      const std::string& k = str_arg(a, 0, m, where, line);
      auto it = obj.j.find(k);
      if (it != obj.j.end()) return *it;
      return a.size() > 1 ? a[1] : Value(Json(nullptr));
    }
  }
  fail(where, line, std::string("unsupported method '.") + m + "()' on a value of type " + type_name(obj));
}

}  // namespace ntm::text::jinja
