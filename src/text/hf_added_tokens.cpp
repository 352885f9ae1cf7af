#include "text/hf_added_tokens.h"

#include <algorithm>

#include "ntm/error.h"
#include "text/regex.h"
#include "text/unicode.h"
#include "text/utf8.h"

namespace ntm::text {
namespace {

// Rust regex \w (Unicode): used by single_word.
const Regex& word_char_at_end() {
  static const Regex re(R"([\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\x{200C}\x{200D}]$)", "added-token word check");
  return re;
}
const Regex& word_char_at_start() {
  static const Regex re(R"(^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\x{200C}\x{200D}])", "added-token word check");
  return re;
}

size_t prev_char_start(const std::string& s, size_t i) {
  size_t j = i - 1;
  while (j > 0 && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) --j;
  return j;
}

}  // namespace

AddedVocabulary::AddedVocabulary(const json& arr, const Normalizer* normalizer, const std::string& where,
                                 int64_t id_limit) {
  if (arr.is_null()) return;
  if (!arr.is_array()) input_error(where, ": expected an array");
  for (size_t i = 0; i < arr.size(); ++i) {
    const json& t = arr[i];
    std::string w = where + "[" + std::to_string(i) + "]";
    if (!t.is_object() || !t.contains("id") || !t["id"].is_number_integer() || !t.contains("content") ||
        !t["content"].is_string())
      input_error(w, ": an added token needs an integer 'id' and a string 'content'");
    AddedToken a;
    a.content = t["content"].get<std::string>();
    a.id = json_token_id(t["id"], id_limit, w, "key 'id'");
    a.single_word = json_bool(t, "single_word", false, w);
    a.lstrip = json_bool(t, "lstrip", false, w);
    a.rstrip = json_bool(t, "rstrip", false, w);
    a.special = json_bool(t, "special", false, w);
    a.normalized = json_bool(t, "normalized", !a.special, w);
    if (a.content.empty()) continue;
    by_content_.set(a.content, a.id);
    max_id_ = std::max(max_id_, a.id);
    tokens_.push_back(std::move(a));
  }
  id_to_index_.assign(static_cast<size_t>(max_id_ + 1), -1);
  for (size_t k = 0; k < tokens_.size(); ++k) id_to_index_[tokens_[k].id] = static_cast<int32_t>(k);
  build_matcher(raw_, false, nullptr);
  build_matcher(normalized_, true, normalizer);
}

const AddedToken* AddedVocabulary::by_id(int32_t id) const {
  if (id < 0 || static_cast<size_t>(id) >= id_to_index_.size() || id_to_index_[id] < 0) return nullptr;
  return &tokens_[id_to_index_[id]];
}

void AddedVocabulary::build_matcher(Matcher& m, bool normalized, const Normalizer* normalizer) {
  std::vector<std::pair<std::string, int32_t>> pats;
  for (size_t k = 0; k < tokens_.size(); ++k) {
    if (tokens_[k].normalized != normalized) continue;
    std::string p = tokens_[k].content;
    if (normalized && normalizer) normalizer->normalize(p);
    if (p.empty()) continue;
    pats.emplace_back(std::move(p), static_cast<int32_t>(k));
  }
  // Longest first; among equal patterns the first token wins (like the Aho-Corasick build order).
  std::stable_sort(pats.begin(), pats.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  m.by_first_byte.assign(256, {});
  for (auto& [p, k] : pats) {
    m.by_first_byte[static_cast<unsigned char>(p[0])].push_back(static_cast<int32_t>(m.patterns.size()));
    m.patterns.push_back(p);
    m.token_index.push_back(k);
  }
}

void AddedVocabulary::split_with(const Matcher& m, const std::string& s, bool at_start, std::vector<Piece>& out) const {
  if (m.empty() || s.empty()) {
    if (!s.empty()) out.push_back(Piece{s, -1, at_start});
    return;
  }
  size_t start_offset = 0;
  size_t pos = 0;
  const size_t n = s.size();
  while (pos < n) {
    const auto& cands = m.by_first_byte[static_cast<unsigned char>(s[pos])];
    int32_t hit = -1;
    for (int32_t c : cands) {
      const std::string& p = m.patterns[c];
      if (p.size() <= n - pos && s.compare(pos, p.size(), p) == 0) {
        hit = c;
        break;
      }
    }
    if (hit < 0) {
      ++pos;
      continue;
    }
    const AddedToken& tok = tokens_[m.token_index[hit]];
    size_t start = pos, stop = pos + m.patterns[hit].size();
    pos = stop;  // the automaton resumes after this match even when it is discarded
    if (tok.single_word) {
      bool start_space = start == 0 || !word_char_at_end().search(std::string_view(s).substr(0, start));
      bool stop_space = stop == n || !word_char_at_start().search(std::string_view(s).substr(stop));
      if (!start_space || !stop_space) continue;
    }
    if (tok.lstrip) {
      size_t ns = start;
      while (ns > 0) {
        size_t p = prev_char_start(s, ns);
        size_t i = p;
        if (!is_white_space(next_cp(s, i))) break;
        ns = p;
      }
      start = std::max(ns, start_offset);
    }
    if (tok.rstrip) {
      while (stop < n) {
        size_t i = stop;
        if (!is_white_space(next_cp(s, i))) break;
        stop = i;
      }
    }
    if (start_offset < start) out.push_back(Piece{s.substr(start_offset, start - start_offset), -1, at_start && start_offset == 0});
    out.push_back(Piece{s.substr(start, stop - start), tok.id, false});
    start_offset = stop;
  }
  if (start_offset < n) out.push_back(Piece{s.substr(start_offset), -1, at_start && start_offset == 0});
}

std::vector<Piece> AddedVocabulary::split(const std::string& text, const Normalizer* normalizer) const {
  std::vector<Piece> raw;
  split_with(raw_, text, true, raw);
  std::vector<Piece> out;
  out.reserve(raw.size());
  for (auto& p : raw) {
    if (p.id >= 0) {
      out.push_back(std::move(p));
      continue;
    }
    if (normalizer) normalizer->normalize(p.text);
    split_with(normalized_, p.text, p.at_start, out);
  }
  return out;
}

}  // namespace ntm::text
