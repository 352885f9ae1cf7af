// tokenizer.json pre-tokenizers: Split, ByteLevel, Metaspace, Digits, Whitespace,
// WhitespaceSplit, Punctuation, Sequence. Semantics follow tokenizers' NormalizedString::split:
// the pattern's matches and the gaps between them cover the piece, a behaviour decides what is
// kept, and empty pieces are dropped.
#include <algorithm>
#include <array>
#include <memory>

#include "ntm/error.h"
#include "text/hf_components.h"
#include "text/regex.h"
#include "text/unicode.h"
#include "text/utf8.h"

namespace ntm::text {
namespace {

struct ByteMap {
  std::array<std::string, 256> to_char;
  std::array<int, 0x200> from_cp;
  ByteMap() {
    from_cp.fill(-1);
    int n = 0;
    for (int b = 0; b < 256; ++b) {
      bool keep = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      uint32_t cp = keep ? static_cast<uint32_t>(b) : static_cast<uint32_t>(256 + n++);
      append_utf8(to_char[b], cp);
      from_cp[cp] = b;
    }
  }
};

const ByteMap& byte_map() {
  static const ByteMap m;
  return m;
}

const char* kGpt2Pattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

// Ranges of regex matches (is_match) and the gaps between them, covering s (tokenizers'
// Pattern::find_matches for a regex).
std::vector<MatchRange> regex_ranges(const Regex& re, std::string_view s, bool invert) {
  std::vector<MatchRange> out;
  if (s.empty()) return {{0, 0, false}};
  thread_local std::vector<std::pair<size_t, size_t>> m;
  m.clear();
  re.find_all(s, m);
  size_t prev = 0;
  for (auto [b, e] : m) {
    if (prev != b) out.push_back({prev, b, invert});
    out.push_back({b, e, !invert});
    prev = e;
  }
  if (prev != s.size()) out.push_back({prev, s.size(), invert});
  return out;
}

// Splits each piece with `ranges_fn(text) -> ranges` and a behaviour.
template <typename RangesFn>
void split_pieces(std::vector<Piece>& pieces, SplitBehavior behavior, RangesFn ranges_fn) {
  std::vector<Piece> out;
  out.reserve(pieces.size() * 4);
  for (auto& p : pieces) {
    if (p.id >= 0) {
      out.push_back(std::move(p));
      continue;
    }
    auto kept = apply_split_behavior(ranges_fn(p.text), behavior);
    for (auto [b, e] : kept) {
      if (b == e) continue;
      out.push_back(Piece{p.text.substr(b, e - b), -1, p.at_start && b == 0});
    }
  }
  pieces.swap(out);
}

SplitBehavior parse_behavior(const json& j, const std::string& where, SplitBehavior dflt) {
  if (!j.contains("behavior") || j["behavior"].is_null()) return dflt;
  std::string b = j["behavior"].is_string() ? j["behavior"].get<std::string>() : "";
  if (b == "Removed") return SplitBehavior::kRemoved;
  if (b == "Isolated") return SplitBehavior::kIsolated;
  if (b == "MergedWithPrevious") return SplitBehavior::kMergedWithPrevious;
  if (b == "MergedWithNext") return SplitBehavior::kMergedWithNext;
  if (b == "Contiguous") return SplitBehavior::kContiguous;
  input_error(where, ": unknown split behavior '", j["behavior"].dump(),
              "' (expected Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous)");
}

class SplitPre : public PreTokenizer {
 public:
  SplitPre(const json& j, const std::string& where) {
    if (!j.contains("pattern") || !j["pattern"].is_object())
      input_error(where, ": Split needs 'pattern': {\"String\": ...} or {\"Regex\": ...}");
    const json& p = j["pattern"];
    if (p.contains("String") && p["String"].is_string())
      re_ = std::make_unique<Regex>(regex_escape(p["String"].get<std::string>()), where + ".pattern.String");
    else if (p.contains("Regex") && p["Regex"].is_string())
      re_ = std::make_unique<Regex>(p["Regex"].get<std::string>(), where + ".pattern.Regex");
    else
      input_error(where, ": Split pattern must be {\"String\": ...} or {\"Regex\": ...}");
    behavior_ = parse_behavior(j, where, SplitBehavior::kIsolated);
    invert_ = json_bool(j, "invert", false, where);
  }
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    split_pieces(pieces, behavior_, [&](const std::string& s) { return regex_ranges(*re_, s, invert_); });
  }

 private:
  std::unique_ptr<Regex> re_;
  SplitBehavior behavior_;
  bool invert_;
};

class ByteLevelPre : public PreTokenizer {
 public:
  ByteLevelPre(const json& j, const std::string& where) {
    add_prefix_space_ = json_bool(j, "add_prefix_space", true, where);
    if (json_bool(j, "use_regex", true, where)) re_ = std::make_unique<Regex>(kGpt2Pattern, where);
  }
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    if (add_prefix_space_)
      for (auto& p : pieces)
        if (p.id < 0 && !p.text.empty() && p.text[0] != ' ') p.text.insert(0, 1, ' ');
    if (re_)
      split_pieces(pieces, SplitBehavior::kIsolated, [&](const std::string& s) { return regex_ranges(*re_, s, false); });
    const ByteMap& bm = byte_map();
    std::string mapped;
    for (auto& p : pieces) {
      if (p.id >= 0) continue;
      mapped.clear();
      for (unsigned char b : p.text) mapped += bm.to_char[b];
      p.text.swap(mapped);
    }
  }

 private:
  bool add_prefix_space_;
  std::unique_ptr<Regex> re_;
};

class MetaspacePre : public PreTokenizer {
 public:
  MetaspacePre(const json& j, const std::string& where) {
    std::string r = json_string(j, "replacement", where);
    size_t i = 0;
    if (r.empty()) input_error(where, ": Metaspace 'replacement' must be one character");
    replacement_cp_ = next_cp(r, i);
    if (i != r.size()) input_error(where, ": Metaspace 'replacement' must be one character, got '", r, "'");
    replacement_ = r;
    split_ = json_bool(j, "split", true, where);
    if (j.contains("prepend_scheme") && j["prepend_scheme"].is_string()) {
      std::string s = j["prepend_scheme"].get<std::string>();
      if (s == "always") scheme_ = kAlways;
      else if (s == "first") scheme_ = kFirst;
      else if (s == "never") scheme_ = kNever;
      else input_error(where, ": unknown prepend_scheme '", s, "' (expected always, first or never)");
    } else {
      scheme_ = json_bool(j, "add_prefix_space", true, where) ? kAlways : kNever;
    }
  }
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    for (auto& p : pieces) {
      if (p.id >= 0) continue;
      std::string out;
      out.reserve(p.text.size() + 8);
      for (char c : p.text) {
        if (c == ' ') out += replacement_;
        else out += c;
      }
      bool starts = out.compare(0, replacement_.size(), replacement_) == 0;
      if (!starts && (scheme_ == kAlways || (scheme_ == kFirst && p.at_start))) out.insert(0, replacement_);
      p.text.swap(out);
    }
    if (!split_) return;
    const std::string& rep = replacement_;
    split_pieces(pieces, SplitBehavior::kMergedWithNext, [&](const std::string& s) {
      std::vector<MatchRange> r;
      if (s.empty()) return std::vector<MatchRange>{{0, 0, false}};
      size_t prev = 0;
      for (size_t f = s.find(rep); f != std::string::npos; f = s.find(rep, f + rep.size())) {
        if (f > prev) r.push_back({prev, f, false});
        r.push_back({f, f + rep.size(), true});
        prev = f + rep.size();
      }
      if (prev < s.size()) r.push_back({prev, s.size(), false});
      return r;
    });
  }

 private:
  enum Scheme { kAlways, kFirst, kNever };
  std::string replacement_;
  uint32_t replacement_cp_ = 0;
  bool split_ = true;
  Scheme scheme_ = kAlways;
};

// Pre-tokenizers defined by a per-character predicate (a regex matching one character): every
// matching character is its own match, as in tokenizers' `impl Pattern for Fn(char) -> bool`.
class CharClassPre : public PreTokenizer {
 public:
  CharClassPre(const std::string& char_class, SplitBehavior b, bool invert, const std::string& where)
      : re_(char_class, where), behavior_(b), invert_(invert) {}
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    split_pieces(pieces, behavior_, [&](const std::string& s) { return regex_ranges(re_, s, invert_); });
  }

 private:
  Regex re_;
  SplitBehavior behavior_;
  bool invert_;
};

// Rust regex's Unicode \w: Alphabetic, marks, decimal numbers, connector punctuation, joiners.
const char* kRustWord = R"([\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\x{200C}\x{200D}])";

class SequencePre : public PreTokenizer {
 public:
  explicit SequencePre(std::vector<std::unique_ptr<PreTokenizer>> items) : items_(std::move(items)) {}
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    for (const auto& p : items_) p->pre_tokenize(pieces);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> items_;
};

}  // namespace

const std::string& byte_to_unicode(unsigned char b) { return byte_map().to_char[b]; }
int byte_from_unicode(uint32_t cp) { return cp < 0x200 ? byte_map().from_cp[cp] : -1; }

std::vector<std::pair<size_t, size_t>> apply_split_behavior(std::vector<MatchRange> m, SplitBehavior b) {
  std::vector<std::pair<size_t, size_t>> out;
  out.reserve(m.size());
  switch (b) {
    case SplitBehavior::kIsolated:
      for (auto& r : m) out.emplace_back(r.start, r.end);
      break;
    case SplitBehavior::kRemoved:
      for (auto& r : m)
        if (!r.is_match) out.emplace_back(r.start, r.end);
      break;
    case SplitBehavior::kMergedWithPrevious: {
      bool prev_match = false;
      for (auto& r : m) {
        if (r.is_match && !prev_match && !out.empty()) out.back().second = r.end;
        else out.emplace_back(r.start, r.end);
        prev_match = r.is_match;
      }
      break;
    }
    case SplitBehavior::kMergedWithNext: {
      bool prev_match = false;
      for (size_t k = m.size(); k-- > 0;) {
        auto& r = m[k];
        if (r.is_match && !prev_match && !out.empty()) out.back().first = r.start;
        else out.emplace_back(r.start, r.end);
        prev_match = r.is_match;
      }
      std::reverse(out.begin(), out.end());
      break;
    }
    case SplitBehavior::kContiguous: {
      bool prev_match = false;
      for (auto& r : m) {
        if (r.is_match == prev_match && !out.empty()) out.back().second = r.end;
        else out.emplace_back(r.start, r.end);
        prev_match = r.is_match;
      }
      break;
    }
  }
  return out;
}

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const json& j, const std::string& where) {
  if (j.is_null()) return nullptr;
  std::string type = json_type(j, where);
  if (type == "Split") return std::make_unique<SplitPre>(j, where);
  if (type == "ByteLevel") return std::make_unique<ByteLevelPre>(j, where);
  if (type == "Metaspace") return std::make_unique<MetaspacePre>(j, where);
  if (type == "Digits") {
    bool individual = json_bool(j, "individual_digits", false, where);
    return std::make_unique<CharClassPre>(R"(\p{N})", individual ? SplitBehavior::kIsolated : SplitBehavior::kContiguous,
                                          false, where);
  }
  if (type == "Whitespace") {
    std::string w = kRustWord;
    std::string nw = "[^" + w.substr(1, w.size() - 2) + R"(\s])";
    return std::make_unique<CharClassPre>(w + "+|" + nw + "+", SplitBehavior::kRemoved, true, where);
  }
  if (type == "WhitespaceSplit") return std::make_unique<CharClassPre>(R"(\s)", SplitBehavior::kRemoved, false, where);
  if (type == "Punctuation") {
    // Rust: char::is_ascii_punctuation || Unicode general category P*.
    return std::make_unique<CharClassPre>(R"([\p{P}!-/:-@\[-`{-~])",
                                          parse_behavior(j, where, SplitBehavior::kIsolated), false, where);
  }
  if (type == "Sequence") {
    if (!j.contains("pretokenizers") || !j["pretokenizers"].is_array())
      input_error(where, ": Sequence needs an array 'pretokenizers'");
    std::vector<std::unique_ptr<PreTokenizer>> items;
    for (size_t i = 0; i < j["pretokenizers"].size(); ++i) {
      auto p = make_pre_tokenizer(j["pretokenizers"][i], where + ".pretokenizers[" + std::to_string(i) + "]");
      if (p) items.push_back(std::move(p));
    }
    return std::make_unique<SequencePre>(std::move(items));
  }
  input_error(where, ": pre-tokenizer type '", type,
              "' is not implemented by ntm (supported: Split, ByteLevel, Metaspace, Digits, Whitespace, "
              "WhitespaceSplit, Punctuation, Sequence)");
}

}  // namespace ntm::text
