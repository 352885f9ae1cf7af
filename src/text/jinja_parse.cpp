// Jinja template text -> tree: segmentation with whitespace control, expression tokens, and a
// recursive-descent parser with Jinja2's operator precedence.
#include <cctype>
#include <set>

#include "text/jinja.h"

namespace ntm::text::jinja {

void fail(const std::string& where, int line, const std::string& what) {
  throw Unsupported(where + ":" + std::to_string(line) + ": " + what);
}

namespace {

struct Segment {
  char kind;  // 't' text, '{' expression, '%' statement
  std::string text;
  int line;
};

bool blank(char c) {
  return c == ' ' || c == '\t';
}
bool space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Splits the template into text / {{ }} / {% %} segments (comments dropped), applying -, +,
// trim_blocks (first newline after a block or comment tag) and lstrip_blocks (spaces and tabs
// from the start of a line up to a block or comment tag).
std::vector<Segment> segment(const std::string& s, const std::string& where) {
  std::vector<Segment> out;
  size_t pos = 0;
  int line = 1;
  bool strip_next = false, trim_newline = false;
  auto line_at = [&](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) line += s[i] == '\n';
  };
  while (pos <= s.size()) {
    size_t p = pos;
    while ((p = s.find('{', p)) != std::string::npos && p + 1 < s.size() && s[p + 1] != '{' &&
           s[p + 1] != '%' && s[p + 1] != '#')
      ++p;
    if (p != std::string::npos && p + 1 >= s.size()) p = std::string::npos;
    std::string text = s.substr(pos, p == std::string::npos ? std::string::npos : p - pos);
    if (trim_newline) {
      if (text.rfind("\r\n", 0) == 0)
        text.erase(0, 2);
      else if (!text.empty() && text[0] == '\n')
        text.erase(0, 1);
    }
    if (strip_next) {
      size_t a = 0;
      while (a < text.size() && space(text[a])) ++a;
      text.erase(0, a);
    }
    const int text_line = line;
    if (p == std::string::npos) {
      if (!text.empty()) out.push_back({'t', text, text_line});
      break;
    }
    line_at(pos, p);
    const char kind = s[p + 1];
    const char mod = p + 2 < s.size() ? s[p + 2] : ' ';
    if (mod == '-') {
      while (!text.empty() && space(text.back())) text.pop_back();
    } else if (kind != '{' && mod != '+') {
      size_t ls = s.rfind('\n', p == 0 ? 0 : p - 1);
      ls = ls == std::string::npos || p == 0 ? 0 : ls + 1;
      bool all_blank = true;
      for (size_t i = ls; i < p; ++i) all_blank = all_blank && blank(s[i]);
      if (all_blank) {
        const size_t n = p - ls;
        if (n <= text.size()) text.erase(text.size() - n);
      }
    }
    if (!text.empty()) out.push_back({'t', text, text_line});
    // Find the closing delimiter, skipping quoted strings inside {{ }} and {% %}.
    const std::string close = kind == '{' ? "}}" : (kind == '%' ? "%}" : "#}");
    size_t q = p + 2;
    char quote = 0;
    size_t end = std::string::npos;
    for (; q < s.size(); ++q) {
      if (kind != '#' && quote) {
        if (s[q] == '\\')
          ++q;
        else if (s[q] == quote)
          quote = 0;
      } else if (kind != '#' && (s[q] == '\'' || s[q] == '"')) {
        quote = s[q];
      } else if (s.compare(q, 2, close) == 0) {
        end = q;
        break;
      }
    }
    if (end == std::string::npos)
      fail(where, line, std::string("unclosed '{") + kind + "' (no '" + close + "')");
    size_t a = p + 2 + (mod == '-' || mod == '+' ? 1 : 0), b = end;
    const bool right_minus = b > a && s[b - 1] == '-', right_plus = b > a && s[b - 1] == '+';
    if (right_minus || right_plus) --b;
    if (kind != '#') out.push_back({kind, s.substr(a, b - a), line});
    line_at(p, end + 2);
    pos = end + 2;
    strip_next = right_minus;
    trim_newline = kind != '{' && !right_minus && !right_plus;
    if (pos == s.size()) break;
  }
  return out;
}

struct Tok {
  char type;  // 'n' name, 's' string, 'i' int, 'f' float, 'o' operator, 'e' end
  std::string text;
};

std::vector<Tok> lex(const std::string& s, const std::string& where, int line) {
  std::vector<Tok> out;
  size_t i = 0;
  static const char* ops2[] = {"==", "!=", "<=", ">=", "//", "**"};
  while (i < s.size()) {
    const char c = s[i];
    if (space(c)) {
      ++i;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
      out.push_back({'n', s.substr(i, j - i)});
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;
      bool is_float = false;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '_' ||
                              (s[j] == '.' && !is_float && j + 1 < s.size() &&
                               std::isdigit(static_cast<unsigned char>(s[j + 1])))))
        is_float = s[j++] == '.' || is_float;
      std::string num;
      for (size_t k = i; k < j; ++k)
        if (s[k] != '_') num += s[k];
      out.push_back({is_float ? 'f' : 'i', num});
      i = j;
    } else if (c == '\'' || c == '"') {
      std::string v;
      size_t j = i + 1;
      for (; j < s.size() && s[j] != c; ++j) {
        if (s[j] != '\\' || j + 1 >= s.size()) {
          v += s[j];
          continue;
        }
        const char e = s[++j];
        switch (e) {
          case 'n':
            v += '\n';
            break;
          case 't':
            v += '\t';
            break;
          case 'r':
            v += '\r';
            break;
          case '\\':
            v += '\\';
            break;
          case '\'':
            v += '\'';
            break;
          case '"':
            v += '"';
            break;
          case '\n':
            break;
          default:
            fail(where, line, std::string("unsupported string escape '\\") + e + "'");
        }
      }
      if (j >= s.size()) fail(where, line, "unterminated string literal");
      out.push_back({'s', v});
      i = j + 1;
    } else {
      std::string op(1, c);
      for (const char* o : ops2)
        if (s.compare(i, 2, o) == 0) op = o;
      if (std::string("()[]{}.,:|~+-*/%<>=!").find(c) == std::string::npos || op == "!")
        fail(where, line, std::string("unexpected character '") + c + "'");
      out.push_back({'o', op});
      i += op.size();
    }
  }
  out.push_back({'e', ""});
  return out;
}

class ExprParser {
 public:
  ExprParser(std::vector<Tok> toks, const std::string& where, int line)
      : t_(std::move(toks)), where_(where), line_(line) {}

  const Tok& peek(size_t k = 0) const { return t_[std::min(i_ + k, t_.size() - 1)]; }
  bool at(char type, const std::string& text) const { return peek().type == type && peek().text == text; }
  bool at_op(const std::string& o) const { return at('o', o); }
  bool at_name(const std::string& n) const { return at('n', n); }
  bool done() const { return peek().type == 'e'; }
  Tok next() { return t_[std::min(i_++, t_.size() - 1)]; }
  void expect_op(const std::string& o) {
    if (!at_op(o)) error("expected '" + o + "'");
    ++i_;
  }
  std::string expect_name() {
    if (peek().type != 'n') error("expected a name");
    return next().text;
  }
  [[noreturn]] void error(const std::string& what) const {
    fail(where_, line_, what + (done() ? " at the end of the tag" : " near '" + peek().text + "'"));
  }

  ExprP make(Expr::Kind k, std::string name = "") const {
    auto e = std::make_unique<Expr>();
    e->kind = k;
    e->line = line_;
    e->name = std::move(name);
    return e;
  }
  ExprP binary(const std::string& op, ExprP a, ExprP b) const {
    auto e = make(Expr::kBinary, op);
    e->kids.push_back(std::move(a));
    e->kids.push_back(std::move(b));
    return e;
  }

  // expression := or_expr ['if' or_expr ['else' expression]]
  ExprP expression(bool with_condexpr = true) {
    ExprP e = parse_or();
    while (with_condexpr && at_name("if")) {
      ++i_;
      auto c = make(Expr::kCond);
      c->kids.push_back(std::move(e));
      c->kids.push_back(parse_or());
      if (at_name("else")) {
        ++i_;
        c->kids.push_back(expression());
      } else {
        c->kids.push_back(nullptr);
      }
      e = std::move(c);
    }
    return e;
  }
  ExprP parse_or() {
    ExprP e = parse_and();
    while (at_name("or")) ++i_, e = binary("or", std::move(e), parse_and());
    return e;
  }
  ExprP parse_and() {
    ExprP e = parse_not();
    while (at_name("and")) ++i_, e = binary("and", std::move(e), parse_not());
    return e;
  }
  ExprP parse_not() {
    if (at_name("not")) {
      ++i_;
      auto e = make(Expr::kUnary, "not");
      e->kids.push_back(parse_not());
      return e;
    }
    return parse_compare();
  }
  ExprP parse_compare() {
    ExprP e = parse_math1();
    static const std::set<std::string> ops = {"==", "!=", "<", ">", "<=", ">="};
    for (;;) {
      if (peek().type == 'o' && ops.count(peek().text)) {
        std::string op = next().text;
        e = binary(op, std::move(e), parse_math1());
      } else if (at_name("in")) {
        ++i_;
        e = binary("in", std::move(e), parse_math1());
      } else if (at_name("not") && peek(1).type == 'n' && peek(1).text == "in") {
        i_ += 2;
        e = binary("not in", std::move(e), parse_math1());
      } else {
        return e;
      }
    }
  }
  ExprP parse_math1() {
    ExprP e = parse_concat();
    while (at_op("+") || at_op("-")) {
      std::string op = next().text;
      e = binary(op, std::move(e), parse_concat());
    }
    return e;
  }
  ExprP parse_concat() {
    ExprP e = parse_math2();
    while (at_op("~")) ++i_, e = binary("~", std::move(e), parse_math2());
    return e;
  }
  ExprP parse_math2() {
    ExprP e = parse_pow();
    while (at_op("*") || at_op("/") || at_op("//") || at_op("%")) {
      std::string op = next().text;
      e = binary(op, std::move(e), parse_pow());
    }
    return e;
  }
  ExprP parse_pow() {
    ExprP e = parse_unary(true);
    while (at_op("**")) ++i_, e = binary("**", std::move(e), parse_unary(true));
    return e;
  }
  ExprP parse_unary(bool with_filter) {
    ExprP e;
    if (at_op("-") || at_op("+")) {
      e = make(Expr::kUnary, next().text);
      e->kids.push_back(parse_unary(false));
    } else {
      e = parse_postfix(parse_primary());
    }
    return with_filter ? parse_filters(std::move(e)) : std::move(e);
  }
  ExprP parse_primary() {
    Tok t = next();
    if (t.type == 's') {
      auto e = make(Expr::kLit);
      e->lit = t.text;
      while (peek().type == 's') e->lit = e->lit.get<std::string>() + next().text;  // adjacent literals
      return e;
    }
    if (t.type == 'i' || t.type == 'f') {
      auto e = make(Expr::kLit);
      e->lit = t.type == 'i' ? Json(std::stoll(t.text)) : Json(std::stod(t.text));
      return e;
    }
    if (t.type == 'n') {
      auto e = make(Expr::kLit);
      if (t.text == "true" || t.text == "True")
        e->lit = true;
      else if (t.text == "false" || t.text == "False")
        e->lit = false;
      else if (t.text == "none" || t.text == "None")
        e->lit = nullptr;
      else
        return make(Expr::kName, t.text);
      return e;
    }
    if (t.type == 'o' && t.text == "(") {
      ExprP e = expression();
      if (at_op(",")) error("tuples are not supported");
      expect_op(")");
      return e;
    }
    if (t.type == 'o' && (t.text == "[" || t.text == "{")) {
      const bool dict = t.text == "{";
      auto e = make(dict ? Expr::kDict : Expr::kList);
      const std::string close = dict ? "}" : "]";
      while (!at_op(close)) {
        e->kids.push_back(expression());
        if (dict) {
          expect_op(":");
          e->kids.push_back(expression());
        }
        if (!at_op(",")) break;
        ++i_;
      }
      expect_op(close);
      return e;
    }
    --i_;
    error("expected a value");
  }
  ExprP parse_postfix(ExprP e) {
    for (;;) {
      if (at_op(".")) {
        ++i_;
        auto a = make(Expr::kAttr, peek().type == 'i' ? next().text : expect_name());
        a->kids.push_back(std::move(e));
        e = std::move(a);
      } else if (at_op("[")) {
        ++i_;
        e = parse_subscript(std::move(e));
      } else if (at_op("(")) {
        e = parse_call(std::move(e));
      } else {
        return e;
      }
    }
  }
  ExprP parse_subscript(ExprP obj) {
    ExprP parts[3];
    int colons = 0;
    for (;;) {
      if (at_op(":")) {
        if (++colons > 2) error("too many ':' in a slice");
        ++i_;
      } else if (at_op("]")) {
        break;
      } else {
        if (parts[colons]) error("expected ':' or ']'");
        parts[colons] = expression();
      }
    }
    expect_op("]");
    auto e = make(colons ? Expr::kSlice : Expr::kIndex);
    e->kids.push_back(std::move(obj));
    if (!colons && !parts[0]) error("empty subscript");
    for (int k = 0; k < (colons ? 3 : 1); ++k) e->kids.push_back(std::move(parts[k]));
    return e;
  }
  // Arguments "(a, b, k=v)" appended to e's kids / kwargs.
  void parse_args(Expr& e) {
    expect_op("(");
    while (!at_op(")")) {
      if (peek().type == 'n' && peek(1).type == 'o' && peek(1).text == "=") {
        std::string k = next().text;
        ++i_;
        e.kwargs.emplace_back(k, expression());
      } else {
        if (!e.kwargs.empty()) error("positional argument after a keyword argument");
        e.kids.push_back(expression());
      }
      if (!at_op(",")) break;
      ++i_;
    }
    expect_op(")");
  }
  ExprP parse_call(ExprP callee) {
    auto e = make(Expr::kCall);
    e->kids.push_back(std::move(callee));
    parse_args(*e);
    return e;
  }
  ExprP parse_filters(ExprP e) {
    for (;;) {
      if (at_op("|")) {
        ++i_;
        auto f = make(Expr::kFilter, expect_name());
        f->kids.push_back(std::move(e));
        if (at_op("(")) parse_args(*f);
        e = std::move(f);
      } else if (at_name("is")) {
        ++i_;
        auto t = make(Expr::kTest);
        if (at_name("not")) ++i_, t->negate = true;
        t->name = peek().type == 'n' ? next().text : expect_name();
        t->kids.push_back(std::move(e));
        if (at_op("(")) {
          parse_args(*t);
        } else if (!done() && (peek().type == 's' || peek().type == 'i' || peek().type == 'f' ||
                               (peek().type == 'n' && !at_name("and") && !at_name("or") && !at_name("else") &&
                                !at_name("if")))) {
          t->kids.push_back(parse_unary(false));  // `is sameas false`, `is equalto 3`
        }
        e = std::move(t);
      } else {
        return e;
      }
    }
  }

 private:
  std::vector<Tok> t_;
  size_t i_ = 0;
  std::string where_;
  int line_;
};

class TreeParser {
 public:
  TreeParser(std::vector<Segment> segs, const std::string& where) : segs_(std::move(segs)), where_(where) {}

  // Parses nodes until a statement whose keyword is in `stops`; returns that keyword ("" at end).
  std::string parse_body(Body& body, const std::set<std::string>& stops, ExprParser** stop_parser) {
    while (pos_ < segs_.size()) {
      const Segment& sg = segs_[pos_++];
      auto n = std::make_unique<Node>();
      n->line = sg.line;
      if (sg.kind == 't') {
        n->text = sg.text;
        body.push_back(std::move(n));
        continue;
      }
      parsers_.push_back(std::make_unique<ExprParser>(lex(sg.text, where_, sg.line), where_, sg.line));
      ExprParser& p = *parsers_.back();
      if (sg.kind == '{') {
        n->kind = Node::kOutput;
        n->expr = p.expression();
        if (!p.done()) p.error("unexpected token");
        body.push_back(std::move(n));
        continue;
      }
      if (p.peek().type != 'n') p.error("expected a statement keyword");
      const std::string kw = p.next().text;
      if (stops.count(kw)) {
        *stop_parser = &p;
        return kw;
      }
      if (kw == "if") {
        parse_if(*n, p);
      } else if (kw == "for") {
        parse_for(*n, p);
      } else if (kw == "set") {
        n->kind = Node::kSet;
        n->targets.push_back(p.expect_name());
        if (p.at_op(".")) p.next(), n->targets.push_back(p.expect_name());
        if (!p.at_op("=")) p.error("block {% set %} ... {% endset %} is not supported; expected '='");
        p.next();
        n->expr = p.expression();
      } else if (kw == "break" || kw == "continue") {
        n->kind = kw == "break" ? Node::kBreak : Node::kContinue;
      } else if (kw == "generation") {  // transformers' assistant-mask marker: renders its body
        ExprParser* sp = nullptr;
        end_of(p);
        if (parse_body(body, {"endgeneration"}, &sp) != "endgeneration")
          fail(where_, sg.line, "missing {% endgeneration %}");
        end_of(*sp);
        continue;
      } else {
        fail(where_, sg.line, "unsupported Jinja statement '{% " + kw + " %}'");
      }
      end_of(p);
      body.push_back(std::move(n));
    }
    return "";
  }

 private:
  void end_of(ExprParser& p) {
    if (!p.done()) p.error("unexpected token");
  }
  void parse_if(Node& n, ExprParser& first) {
    n.kind = Node::kIf;
    ExprParser* p = &first;
    ExprP cond = p->expression();
    for (;;) {
      end_of(*p);
      Body body;
      ExprParser* sp = nullptr;
      std::string kw = parse_body(body, {"elif", "else", "endif"}, &sp);
      if (kw.empty()) fail(where_, n.line, "{% if %} without {% endif %}");
      n.branches.emplace_back(std::move(cond), std::move(body));
      p = sp;
      if (kw == "endif") break;
      if (kw == "elif") {
        cond = p->expression();
        continue;
      }
      end_of(*p);  // else
      Body eb;
      if (parse_body(eb, {"endif"}, &p) != "endif") fail(where_, n.line, "{% if %} without {% endif %}");
      n.branches.emplace_back(nullptr, std::move(eb));
      break;
    }
    end_of(*p);
  }
  void parse_for(Node& n, ExprParser& p) {
    n.kind = Node::kFor;
    n.targets.push_back(p.expect_name());
    while (p.at_op(",")) p.next(), n.targets.push_back(p.expect_name());
    if (!p.at_name("in")) p.error("expected 'in'");
    p.next();
    n.expr = p.expression(false);
    if (p.at_name("if")) p.next(), n.filter = p.expression(false);
    if (p.at_name("recursive")) p.error("recursive loops are not supported");
    end_of(p);
    ExprParser* sp = nullptr;
    std::string kw = parse_body(n.body, {"else", "endfor"}, &sp);
    if (kw.empty()) fail(where_, n.line, "{% for %} without {% endfor %}");
    if (kw == "else") {
      end_of(*sp);
      if (parse_body(n.else_body, {"endfor"}, &sp) != "endfor")
        fail(where_, n.line, "{% for %} without {% endfor %}");
    }
    end_of(*sp);
  }

  std::vector<Segment> segs_;
  size_t pos_ = 0;
  std::string where_;
  std::vector<std::unique_ptr<ExprParser>> parsers_;
};

}  // namespace

Template Template::parse(const std::string& text, const std::string& where) {
  Template t;
  t.where_ = where;
  t.body_ = std::make_shared<Body>();
  // Jinja's keep_trailing_newline = False: one newline at the very end of the source is dropped.
  std::string src = text;
  if (src.size() >= 2 && src.compare(src.size() - 2, 2, "\r\n") == 0)
    src.resize(src.size() - 2);
  else if (!src.empty() && src.back() == '\n')
    src.pop_back();
  TreeParser tp(segment(src, where), where);
  ExprParser* stop = nullptr;
  static const std::set<std::string> orphans = {"elif", "else", "endif", "endfor", "endgeneration", "endset"};
  std::string kw = tp.parse_body(*t.body_, orphans, &stop);
  if (!kw.empty()) stop->error("'{% " + kw + " %}' without its opening statement;");
  return t;
}

}  // namespace ntm::text::jinja
