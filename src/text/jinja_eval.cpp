// Rendering a parsed Jinja tree: scopes, loops, expressions and the global functions
// (raise_exception, namespace, range).
#include <cctype>
#include <cmath>

#include "text/jinja.h"

namespace ntm::text::jinja {
namespace {

enum class Flow { kNormal, kBreak, kContinue };

class Renderer {
 public:
  Renderer(const std::string& where, const Json& vars) : where_(where) { scopes_.push_back(vars); }

  Flow body(const Body& b, std::string& out) {
    for (const auto& n : b) {
      Flow f = node(*n, out);
      if (f != Flow::kNormal) return f;
    }
    return Flow::kNormal;
  }

 private:
  [[noreturn]] void error(int line, const std::string& what) const { fail(where_, line, what); }

  Flow node(const Node& n, std::string& out) {
    switch (n.kind) {
      case Node::kText:
        out += n.text;
        return Flow::kNormal;
      case Node::kOutput:
        out += to_text(eval(*n.expr));
        return Flow::kNormal;
      case Node::kBreak:
        return Flow::kBreak;
      case Node::kContinue:
        return Flow::kContinue;
      case Node::kSet:
        set(n);
        return Flow::kNormal;
      case Node::kIf:
        for (const auto& [cond, b] : n.branches)
          if (!cond || truthy(eval(*cond))) return body(b, out);
        return Flow::kNormal;
      case Node::kFor:
        return loop(n, out);
    }
    return Flow::kNormal;
  }

  void set(const Node& n) {
    Value v = eval(*n.expr);
    if (n.targets.size() == 1) {
      scopes_.back()[n.targets[0]] = v.j;  // assignments stay in the innermost scope (a loop body)
      return;
    }
    Json* obj = find(n.targets[0]);
    if (!obj || !obj->is_object())
      error(n.line, "cannot set '" + n.targets[1] + "' on '" + n.targets[0] + "' (not a namespace)");
    (*obj)[n.targets[1]] = v.j;
  }

  Flow loop(const Node& n, std::string& out) {
    Value seq = eval(*n.expr);
    std::vector<Json> items;
    if (seq.j.is_array()) {
      items.assign(seq.j.begin(), seq.j.end());
    } else if (seq.j.is_object()) {
      for (auto it = seq.j.begin(); it != seq.j.end(); ++it) items.push_back(it.key());
    } else if (seq.j.is_string()) {
      for (auto& c : utf8_chars(seq.j.get<std::string>())) items.push_back(c);
    } else if (!seq.undefined && !seq.j.is_null()) {
      error(n.line, std::string("cannot loop over a value of type ") + type_name(seq));
    } else if (seq.j.is_null() && !seq.undefined) {
      error(n.line, "cannot loop over none");
    }
    auto bind = [&](Json& scope, const Json& item) {
      if (n.targets.size() == 1) {
        scope[n.targets[0]] = item;
        return;
      }
      if (!item.is_array() || item.size() != n.targets.size())
        error(n.line, "cannot unpack a loop item into " + std::to_string(n.targets.size()) + " variables");
      for (size_t k = 0; k < n.targets.size(); ++k) scope[n.targets[k]] = item[k];
    };
    if (n.filter) {  // `for x in y if cond`: filtered before loop.* is counted
      std::vector<Json> kept;
      for (const auto& item : items) {
        scopes_.push_back(Json::object());
        bind(scopes_.back(), item);
        bool keep = truthy(eval(*n.filter));
        scopes_.pop_back();
        if (keep) kept.push_back(item);
      }
      items.swap(kept);
    }
    if (items.empty()) return body(n.else_body, out);
    const int64_t len = static_cast<int64_t>(items.size());
    for (int64_t i = 0; i < len; ++i) {
      Json scope = Json::object();
      bind(scope, items[size_t(i)]);
      scope["loop"] = {{"index0", i},         {"index", i + 1},  {"revindex0", len - 1 - i},
                       {"revindex", len - i}, {"first", i == 0}, {"last", i == len - 1},
                       {"length", len},       {"depth", 1},      {"depth0", 0}};
      if (i > 0) scope["loop"]["previtem"] = items[size_t(i - 1)];
      if (i + 1 < len) scope["loop"]["nextitem"] = items[size_t(i + 1)];
      scopes_.push_back(std::move(scope));
      Flow f = body(n.body, out);
      scopes_.pop_back();
      if (f == Flow::kBreak) break;
    }
    return Flow::kNormal;
  }

  Json* find(const std::string& name) {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      auto f = it->find(name);
      if (f != it->end()) return &*f;
    }
    return nullptr;
  }

  Value eval(const Expr& e) {
    switch (e.kind) {
      case Expr::kLit:
        return e.lit;
      case Expr::kName: {
        Json* v = find(e.name);
        return v ? Value(*v) : Value::undef();
      }
      case Expr::kList: {
        Json a = Json::array();
        for (const auto& k : e.kids) a.push_back(eval(*k).j);
        return a;
      }
      case Expr::kDict: {
        Json o = Json::object();
        for (size_t k = 0; k + 1 < e.kids.size(); k += 2) {
          Value key = eval(*e.kids[k]);
          if (!key.j.is_string()) error(e.line, "dict keys must be strings");
          o[key.j.get<std::string>()] = eval(*e.kids[k + 1]).j;
        }
        return o;
      }
      case Expr::kAttr:
        return attr(eval(*e.kids[0]), e.name, e.line, e.kids[0].get());
      case Expr::kIndex:
        return index(eval(*e.kids[0]), eval(*e.kids[1]), e.line, e.kids[0].get());
      case Expr::kSlice:
        return slice(e);
      case Expr::kCall:
        return call(e);
      case Expr::kFilter: {
        Value v = eval(*e.kids[0]);
        std::vector<Value> args;
        std::vector<std::pair<std::string, Value>> kw;
        for (size_t k = 1; k < e.kids.size(); ++k) args.push_back(eval(*e.kids[k]));
        for (const auto& [name, x] : e.kwargs) kw.emplace_back(name, eval(*x));
        return apply_filter(e.name, v, args, kw, where_, e.line);
      }
      case Expr::kTest: {
        Value v = eval(*e.kids[0]);
        std::vector<Value> args;
        for (size_t k = 1; k < e.kids.size(); ++k) args.push_back(eval(*e.kids[k]));
        return Json(apply_test(e.name, v, args, where_, e.line) != e.negate);
      }
      case Expr::kUnary: {
        Value v = eval(*e.kids[0]);
        if (e.name == "not") return Json(!truthy(v));
        if (!v.j.is_number()) error(e.line, "unary '" + e.name + "' needs a number, got " + type_name(v));
        if (e.name == "+") return v;
        return v.j.is_number_float() ? Json(-v.j.get<double>()) : Json(-v.j.get<int64_t>());
      }
      case Expr::kBinary:
        return binary(e);
      case Expr::kCond: {
        if (truthy(eval(*e.kids[1]))) return eval(*e.kids[0]);
        return e.kids[2] ? eval(*e.kids[2]) : Value::undef();
      }
    }
    return Value::undef();
  }

  static std::string describe(const Expr* e) {
    if (e && e->kind == Expr::kName) return "'" + e->name + "'";
    if (e && e->kind == Expr::kAttr) return describe(e->kids[0].get()) + "." + e->name;
    return "a value";
  }

  Value attr(const Value& obj, const std::string& name, int line, const Expr* src) {
    if (obj.undefined) error(line, describe(src) + " is undefined (reading ." + name + ")");
    if (obj.j.is_object()) {
      auto it = obj.j.find(name);
      return it == obj.j.end() ? Value::undef() : Value(*it);
    }
    if (obj.j.is_array() && !name.empty() && std::isdigit(static_cast<unsigned char>(name[0])))
      return index(obj, Json(std::stoll(name)), line, src);
    return Value::undef();
  }

  Value index(const Value& obj, const Value& key, int line, const Expr* src) {
    if (obj.undefined) error(line, describe(src) + " is undefined (reading [" + to_text(key) + "])");
    if (obj.j.is_object()) {
      if (!key.j.is_string()) return Value::undef();
      auto it = obj.j.find(key.j.get<std::string>());
      return it == obj.j.end() ? Value::undef() : Value(*it);
    }
    if (!key.j.is_number_integer()) return Value::undef();
    int64_t i = key.j.get<int64_t>();
    if (obj.j.is_array()) {
      const int64_t n = static_cast<int64_t>(obj.j.size());
      if (i < 0) i += n;
      return i < 0 || i >= n ? Value::undef() : Value(obj.j[size_t(i)]);
    }
    if (obj.j.is_string()) {
      auto chars = utf8_chars(obj.j.get<std::string>());
      const int64_t n = static_cast<int64_t>(chars.size());
      if (i < 0) i += n;
      return i < 0 || i >= n ? Value::undef() : Value(Json(chars[size_t(i)]));
    }
    return Value::undef();
  }

  Value slice(const Expr& e) {
    Value obj = eval(*e.kids[0]);
    int64_t part[3] = {0, 0, 1};
    bool given[3] = {false, false, false};
    for (int k = 0; k < 3; ++k) {
      if (!e.kids[size_t(k + 1)]) continue;
      Value v = eval(*e.kids[size_t(k + 1)]);
      if (v.j.is_null() || v.undefined) continue;
      if (!v.j.is_number_integer()) error(e.line, "slice bounds must be integers");
      part[k] = v.j.get<int64_t>();
      given[k] = true;
    }
    std::vector<Json> items;
    const bool is_str = obj.j.is_string();
    if (is_str) {
      for (auto& c : utf8_chars(obj.j.get<std::string>())) items.push_back(c);
    } else if (obj.j.is_array()) {
      items.assign(obj.j.begin(), obj.j.end());
    } else {
      error(e.line, std::string("cannot slice a value of type ") + type_name(obj));
    }
    const int64_t n = static_cast<int64_t>(items.size()), step = part[2];
    if (step == 0) error(e.line, "slice step cannot be zero");
    auto clamp = [&](int64_t v, bool g, int64_t dflt) {  // Python's slice.indices
      if (!g) return dflt;
      if (v < 0) v += n;
      if (step > 0) return std::max<int64_t>(0, std::min(v, n));
      return std::max<int64_t>(-1, std::min(v, n - 1));
    };
    const int64_t start = clamp(part[0], given[0], step > 0 ? 0 : n - 1);
    const int64_t stop = clamp(part[1], given[1], step > 0 ? n : -1);
    Json out = Json::array();
    std::string s;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
      if (is_str)
        s += items[size_t(i)].get<std::string>();
      else
        out.push_back(items[size_t(i)]);
    }
    return is_str ? Json(s) : out;
  }

  Value call(const Expr& e) {
    const Expr& callee = *e.kids[0];
    std::vector<Value> args;
    for (size_t k = 1; k < e.kids.size(); ++k) args.push_back(eval(*e.kids[k]));
    if (callee.kind == Expr::kAttr) {
      if (!e.kwargs.empty()) error(e.line, "keyword arguments to ." + callee.name + "() are not supported");
      Value obj = eval(*callee.kids[0]);
      if (obj.undefined)
        error(e.line, describe(callee.kids[0].get()) + " is undefined (calling ." + callee.name + "())");
      return call_method(obj, callee.name, args, where_, e.line);
    }
    if (callee.kind != Expr::kName || find(callee.name))
      error(e.line, "only the functions raise_exception, namespace and range can be called");
    if (callee.name == "raise_exception")
      throw Raised(args.empty() ? std::string("raise_exception()") : to_text(args[0]));
    if (callee.name == "namespace") {
      Json o = Json::object();
      for (const auto& [k, x] : e.kwargs) o[k] = eval(*x).j;
      return o;
    }
    if (callee.name == "range") {
      int64_t a = 0, b = 0, step = 1;
      for (const auto& v : args)
        if (!v.j.is_number_integer()) error(e.line, "range() needs integers");
      if (args.size() == 1)
        b = args[0].j.get<int64_t>();
      else if (args.size() >= 2)
        a = args[0].j.get<int64_t>(), b = args[1].j.get<int64_t>();
      if (args.size() == 3) step = args[2].j.get<int64_t>();
      if (args.empty() || args.size() > 3 || step == 0)
        error(e.line, "range() takes 1 to 3 arguments, step != 0");
      Json out = Json::array();
      for (int64_t i = a; step > 0 ? i < b : i > b; i += step) out.push_back(i);
      return out;
    }
    error(e.line, "unsupported function '" + callee.name + "()' (undefined here)");
  }

  Value binary(const Expr& e) {
    const std::string& op = e.name;
    if (op == "and") {
      Value a = eval(*e.kids[0]);
      return truthy(a) ? eval(*e.kids[1]) : a;
    }
    if (op == "or") {
      Value a = eval(*e.kids[0]);
      return truthy(a) ? a : eval(*e.kids[1]);
    }
    Value a = eval(*e.kids[0]), b = eval(*e.kids[1]);
    if (op == "~") return Json(to_text(a) + to_text(b));
    if (op == "==" || op == "!=") {
      bool eq = a.undefined || b.undefined ? (a.undefined && b.undefined) : a.j == b.j;
      return Json(eq == (op == "=="));
    }
    if (op == "in" || op == "not in") {
      bool in = false;
      if (b.j.is_string()) {
        if (!a.j.is_string()) error(e.line, "'in <string>' needs a string on the left");
        in = b.j.get<std::string>().find(a.j.get<std::string>()) != std::string::npos;
      } else if (b.j.is_array()) {
        for (const auto& x : b.j) in = in || x == a.j;
      } else if (b.j.is_object()) {
        in = a.j.is_string() && b.j.contains(a.j.get<std::string>());
      } else if (!b.undefined) {
        error(e.line, std::string("'in' needs a string, list or dict on the right, got ") + type_name(b));
      } else {
        error(e.line, describe(e.kids[1].get()) + " is undefined (right of 'in')");
      }
      return Json(in == (op == "in"));
    }
    if (op == "+" && a.j.is_string() && b.j.is_string())
      return Json(a.j.get<std::string>() + b.j.get<std::string>());
    if (op == "+" && a.j.is_array() && b.j.is_array()) {
      Json out = a.j;
      for (const auto& x : b.j) out.push_back(x);
      return out;
    }
    if (op == "*" && a.j.is_string() && b.j.is_number_integer()) {
      std::string s;
      for (int64_t i = 0; i < b.j.get<int64_t>(); ++i) s += a.j.get<std::string>();
      return Json(s);
    }
    if ((op == "<" || op == ">" || op == "<=" || op == ">=") && a.j.is_string() && b.j.is_string()) {
      const int c = a.j.get<std::string>().compare(b.j.get<std::string>());
      return Json(op == "<" ? c < 0 : op == ">" ? c > 0 : op == "<=" ? c <= 0 : c >= 0);
    }
    const bool num = (a.j.is_number() || a.j.is_boolean()) && (b.j.is_number() || b.j.is_boolean());
    if (!num)
      error(e.line,
            "operator '" + op + "' is not supported between " + type_name(a) + " and " + type_name(b));
    const bool ints = !a.j.is_number_float() && !b.j.is_number_float();
    auto as_d = [](const Json& j) { return j.is_boolean() ? double(j.get<bool>()) : j.get<double>(); };
    auto as_i = [](const Json& j) { return j.is_boolean() ? int64_t(j.get<bool>()) : j.get<int64_t>(); };
    const double x = as_d(a.j), y = as_d(b.j);
    if (op == "<") return Json(x < y);
    if (op == ">") return Json(x > y);
    if (op == "<=") return Json(x <= y);
    if (op == ">=") return Json(x >= y);
    if (op == "/") {
      if (y == 0) error(e.line, "division by zero");
      return Json(x / y);
    }
    if (ints) {
      const int64_t p = as_i(a.j), q = as_i(b.j);
      if (op == "+") return Json(p + q);
      if (op == "-") return Json(p - q);
      if (op == "*") return Json(p * q);
      if ((op == "//" || op == "%") && q == 0) error(e.line, "division by zero");
      const int64_t fl = p / q - ((p % q != 0) && ((p < 0) != (q < 0)));  // Python floor division
      if (op == "//") return Json(fl);
      if (op == "%") return Json(p - fl * q);
      if (op == "**" && q >= 0)
        return Json(static_cast<int64_t>(std::llround(std::pow(double(p), double(q)))));
    }
    if (op == "+") return Json(x + y);
    if (op == "-") return Json(x - y);
    if (op == "*") return Json(x * y);
    if (op == "**") return Json(std::pow(x, y));
    if (y == 0) error(e.line, "division by zero");
    if (op == "//") return Json(std::floor(x / y));
    return Json(x - std::floor(x / y) * y);  // %
  }

  std::string where_;
  std::vector<Json> scopes_;
};

}  // namespace

std::string Template::render(const Json& vars) const {
  Renderer r(where_, vars.is_object() ? vars : Json::object());
  std::string out;
  r.body(*body_, out);
  return out;
}

}  // namespace ntm::text::jinja
