// Affix, infix and URL rules of spaCy 3's English tokenizer (see tokenizer.h and docs/method.md
// "ntm's word rules"). Hand-written scanning over UTF-8, no regular expressions.
#include <algorithm>
#include <cctype>
#include <cstring>

#include "data/tokenizer_rules.h"

namespace ntm::detail {
namespace {

inline bool is_alpha(uint32_t cp) { return unicode::is_alpha_class(char_class(cp)); }
inline bool is_alpha_lower(uint32_t cp) {
  CharClass c = char_class(cp);
  return c == unicode::kLowerAlpha || c == unicode::kUncasedAlpha;
}
inline bool is_alpha_upper(uint32_t cp) {
  CharClass c = char_class(cp);
  return c == unicode::kUpperAlpha || c == unicode::kUncasedAlpha;
}
inline bool is_digit(uint32_t cp) { return cp >= '0' && cp <= '9'; }
inline bool is_icon(uint32_t cp) { return char_class(cp) == unicode::kSymbol; }

// spaCy's PUNCT list (single characters; "……" handled separately).
bool is_punct(uint32_t cp) {
  switch (cp) {
    case 0x2026: case ',': case ':': case ';': case '!': case '?': case 0xBF: case 0x61F: case 0xA1:
    case '(': case ')': case '[': case ']': case '{': case '}': case '<': case '>': case '_': case '#':
    case '*': case '&': case 0x3002: case 0xFF1F: case 0xFF01: case 0xFF0C: case 0x3001: case 0xFF1B:
    case 0xFF1A: case 0xFF5E: case 0xB7: case 0x964: case 0x60C: case 0x6D4: case 0x61B: case 0x66A:
      return true;
    default:
      return false;
  }
}

// spaCy's QUOTES list.
bool is_quote(uint32_t cp) {
  switch (cp) {
    case '\'': case '"': case 0x201D: case 0x201C: case '`': case 0x2018: case 0xB4: case 0x2019:
    case 0x201A: case ',': case 0x201E: case 0xBB: case 0xAB: case 0x300C: case 0x300D: case 0x300E:
    case 0x300F: case 0xFF08: case 0xFF09: case 0x3014: case 0x3015: case 0x3010: case 0x3011:
    case 0x300A: case 0x300B: case 0x3008: case 0x3009:
      return true;
    default:
      return false;
  }
}

bool is_currency(uint32_t cp) {
  switch (cp) {
    case '$': case 0xA3: case 0x20AC: case 0xA5: case 0xE3F: case 0x20BD: case 0xFDFC: case 0x20B4:
      return true;
    default:
      return false;
  }
}

// Units that spaCy splits off after a digit ("10km" -> "10" "km").
const std::string_view kUnits[] = {
    "km", "km²", "km³", "m", "m²", "m³", "dm", "dm²", "dm³", "cm", "cm²", "cm³", "mm", "mm²", "mm³", "ha",
    "µm", "nm", "yd", "in", "ft", "kg", "g", "mg", "µg", "t", "lb", "oz", "m/s", "km/h", "kmh", "mph", "hPa",
    "Pa", "mbar", "mb", "MB", "kb", "KB", "gb", "GB", "tb", "TB", "T", "G", "M", "K", "%", "км", "км²", "км³",
    "м", "м²", "м³", "дм", "дм²", "дм³", "см", "см²", "см³", "мм", "мм²", "мм³", "нм", "кг", "г", "мг", "м/с",
    "км/ч", "кПа", "Па", "мбар", "Кб", "КБ", "кб", "Мб", "МБ", "мб", "Гб", "ГБ", "гб", "Тб", "ТБ", "тб"};
const std::string_view kCurrencies[] = {"$", "£", "€", "¥", "฿", "US$", "C$", "A$", "₽", "﷼", "₴"};

bool ends_with(std::string_view s, std::string_view suf) {
  return s.size() >= suf.size() && std::memcmp(s.data() + s.size() - suf.size(), suf.data(), suf.size()) == 0;
}

size_t dot_run_at(std::string_view s, size_t i) {
  size_t j = i;
  while (j < s.size() && s[j] == '.') ++j;
  return j - i;
}

}  // namespace

// Byte length of the prefix spaCy would split off, or 0.
size_t find_prefix(std::string_view s) {
  if (s.empty()) return 0;
  Cp c = first_cp(s);
  switch (c.cp) {
    case 0xA7: case '%': case '=': case 0x2014: case 0x2013:
      return c.len;
    case '+':
      return (s.size() > 1 && s[1] >= '0' && s[1] <= '9') ? 0 : 1;
    default:
      break;
  }
  if (is_punct(c.cp) || is_quote(c.cp) || is_currency(c.cp) || is_icon(c.cp)) return c.len;
  size_t dots = dot_run_at(s, 0);
  if (dots >= 2) return dots;
  for (const char* cur : {"US$", "C$", "A$"})
    if (s.substr(0, std::strlen(cur)) == cur) return std::strlen(cur);
  return 0;
}

// Byte length of the suffix spaCy would split off (leftmost-starting match), or 0.
size_t find_suffix(std::string_view s) {
  const size_t n = s.size();
  if (n == 0) return 0;
  size_t best = n;  // start of the best (leftmost) match
  Cp last = last_cp(s, n);
  size_t last_start = n - last.len;
  if (is_punct(last.cp) || is_quote(last.cp) || is_icon(last.cp) || last.cp == 0x2014 || last.cp == 0x2013)
    best = last_start;
  if (ends_with(s, "\u2026\u2026")) best = std::min(best, n - 6);
  // Trailing run of two or more dots.
  size_t dots = 0;
  while (dots < n && s[n - 1 - dots] == '.') ++dots;
  if (dots >= 2) best = std::min(best, n - dots);
  for (std::string_view sfx : {"'s", "'S", "\u2019s", "\u2019S"})
    if (ends_with(s, sfx)) best = std::min(best, n - sfx.size());
  // Digit contexts: "+", currencies and units after a digit (units are at most 9 bytes long).
  bool digit_near_end = false;
  for (size_t k = n > 10 ? n - 10 : 0; k < n && !digit_near_end; ++k) digit_near_end = s[k] >= '0' && s[k] <= '9';
  if (digit_near_end) {
    auto after_digit = [&](size_t start) { return start > 0 && is_digit(static_cast<unsigned char>(s[start - 1])); };
    if (last.cp == '+' && after_digit(n - 1)) best = std::min(best, n - 1);
    for (std::string_view cur : kCurrencies)
      if (cur.size() < n && after_digit(n - cur.size()) && ends_with(s, cur)) best = std::min(best, n - cur.size());
    for (std::string_view unit : kUnits)
      if (unit.size() < n && after_digit(n - unit.size()) && ends_with(s, unit)) best = std::min(best, n - unit.size());
  }
  if (last.cp == '.' && n >= 2) {
    Cp prev = last_cp(s, n - 1);
    uint32_t p = prev.cp;
    bool split = is_digit(p) || is_alpha_lower(p) || p == '%' || p == 0xB2 || p == '-' || p == '+' ||
                 is_punct(p) || is_quote(p);
    if (!split && n - 1 >= prev.len + 1) {
      Cp prev2 = last_cp(s, n - 1 - prev.len);
      split = is_alpha_upper(p) && is_alpha_upper(prev2.cp);
      if (!split && (prev2.cp == 0xB0) && (p == 'F' || p == 'f' || p == 'C' || p == 'c' || p == 'K' || p == 'k'))
        split = true;
    }
    if (split) best = std::min(best, n - 1);
  }
  return n - best;
}

static bool url_label_char(uint32_t cp) {
  return (cp < 128 && (std::isalnum(static_cast<int>(cp)) != 0)) || (cp >= 0xA1 && cp <= 0xFFFF);
}

// Approximation of spaCy's URL_MATCH: [scheme://][user@]host.tld[:port][/path], host labels of
// letters/digits/'-'/'_', lower-case alphabetic TLD of 2-63 letters; first character alphanumeric,
// last character alphanumeric or '/'.
bool url_match(std::string_view s) {
  if (s.size() < 4) return false;
  Cp f = first_cp(s);
  if (!(is_alpha(f.cp) || is_digit(f.cp) || f.cp == '_')) return false;
  Cp l = last_cp(s, s.size());
  if (!(is_alpha(l.cp) || is_digit(l.cp) || l.cp == '_' || l.cp == '/')) return false;
  std::string_view rest = s;
  size_t scheme = rest.find("://");
  if (scheme != std::string_view::npos) {
    if (scheme < 2) return false;
    rest = rest.substr(scheme + 3);
  }
  size_t host_end = rest.find_first_of(":/?#");
  size_t at = rest.rfind('@', host_end == std::string_view::npos ? rest.size() : host_end);
  if (at != std::string_view::npos) {
    rest = rest.substr(at + 1);
    host_end = rest.find_first_of(":/?#");
  }
  std::string_view host = rest.substr(0, host_end == std::string_view::npos ? rest.size() : host_end);
  size_t last_dot = host.rfind('.');
  if (last_dot == std::string_view::npos || last_dot == 0) return false;
  // TLD: 2..63 lower-case (or uncased) letters.
  std::string_view tld = host.substr(last_dot + 1);
  size_t i = 0, letters = 0;
  while (i < tld.size()) {
    uint32_t cp = unicode::decode_utf8(tld.data(), tld.size(), i);
    if (!is_alpha_lower(cp)) return false;
    ++letters;
  }
  if (letters < 2 || letters > 63) return false;
  // Labels: non-empty, allowed characters, no '-'/'_' at either end.
  std::string_view labels = host.substr(0, last_dot + 1);
  size_t start = 0;
  while (start < labels.size()) {
    size_t dot = labels.find('.', start);
    std::string_view label = labels.substr(start, dot - start);
    if (label.empty()) return false;
    if (label.front() == '-' || label.front() == '_' || label.back() == '-' || label.back() == '_') return false;
    size_t j = 0;
    while (j < label.size()) {
      uint32_t cp = unicode::decode_utf8(label.data(), label.size(), j);
      if (!(url_label_char(cp) || cp == '-' || cp == '_')) return false;
    }
    start = dot + 1;
  }
  if (host_end != std::string_view::npos && rest[host_end] == ':') {
    size_t k = host_end + 1, digits = 0;
    while (k < rest.size() && is_digit(static_cast<unsigned char>(rest[k]))) ++k, ++digits;
    if (digits < 2 || digits > 5) return false;
    if (k < rest.size() && rest[k] != '/' && rest[k] != '?' && rest[k] != '#') return false;
  }
  return true;
}

// Byte length of an infix match starting at byte i of s, or 0 (spaCy's English infixes).
size_t infix_at(std::string_view s, size_t i, uint32_t prev_cp, bool has_prev) {
  size_t dots = dot_run_at(s, i);
  if (dots >= 2) return dots;
  size_t j = i;
  uint32_t cp = unicode::decode_utf8(s.data(), s.size(), j);
  size_t len = j - i;
  if (cp == 0x2026 || is_icon(cp)) return len;
  if (!has_prev) return 0;
  auto next_cp = [&](size_t at, bool& ok) {
    ok = at < s.size();
    if (!ok) return 0u;
    size_t k = at;
    return unicode::decode_utf8(s.data(), s.size(), k);
  };
  bool ok;
  uint32_t nx = next_cp(j, ok);
  if (is_digit(prev_cp) && (cp == '+' || cp == '-' || cp == '*' || cp == '^') && ok && (is_digit(nx) || nx == '-'))
    return len;
  if (cp == '.' && (is_alpha_lower(prev_cp) || is_quote(prev_cp)) && ok && (is_alpha_upper(nx) || is_quote(nx)))
    return len;
  if (cp == ',' && is_alpha(prev_cp) && ok && is_alpha(nx)) return len;
  if (is_alpha(prev_cp) || is_digit(prev_cp)) {
    if (cp == '-') {
      // spaCy's hyphen alternatives "-", "--", "---": the run must be followed by a letter.
      size_t run = 0;
      while (i + run < s.size() && s[i + run] == '-') ++run;
      if (run > 3) return 0;
      uint32_t after = next_cp(i + run, ok);
      return ok && is_alpha(after) ? run : 0;
    }
    if (cp == 0x2013 || cp == 0x2014 || cp == '~') {
      if (ok && is_alpha(nx)) return len;
      if (cp == 0x2014 && nx == 0x2014) {  // "——"
        bool ok2;
        uint32_t after = next_cp(j + len, ok2);
        if (ok2 && is_alpha(after)) return 2 * len;
      }
      return 0;
    }
    if ((cp == ':' || cp == '<' || cp == '>' || cp == '=' || cp == '/') && ok && is_alpha(nx)) return len;
  }
  return 0;
}

}  // namespace ntm::detail
