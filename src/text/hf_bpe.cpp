// BPE as in tokenizers' models/bpe (model.rs, word.rs): characters (with byte fallback / unk)
// merged by lowest merge rank first, leftmost on ties, with a priority queue; a bounded
// word -> ids cache.
#include "text/hf_bpe.h"

#include <cstdio>
#include <queue>

#include "ntm/error.h"
#include "text/hf_components.h"
#include "text/utf8.h"

namespace ntm::text {
namespace {

constexpr size_t kCacheMaxEntries = 1 << 18;
constexpr size_t kCacheMaxWordBytes = 256;

std::string opt_string(const nlohmann::json& m, const char* key, const std::string& where) {
  if (!m.contains(key) || m[key].is_null()) return "";
  if (!m[key].is_string()) input_error(where, ": key '", key, "' must be a string or null");
  return m[key].get<std::string>();
}

struct Symbol {
  int32_t id;
  int32_t prev, next;
  int32_t len;  // bytes; 0 = merged away
};

struct MergeItem {
  int32_t rank;
  int32_t pos;
  int32_t new_id;
  bool operator<(const MergeItem& o) const {  // std::priority_queue is a max-heap: invert
    return rank != o.rank ? rank > o.rank : pos > o.pos;
  }
};

}  // namespace

BpeModel::BpeModel(const nlohmann::json& m, const std::string& where) {
  if (!m.is_object()) input_error(where, ": expected an object");
  if (m.contains("type") && m["type"].is_string() && m["type"] != "BPE")
    input_error(where, ": model type '", m["type"].get<std::string>(),
                "' is not implemented by ntm (supported: BPE)");
  if (!m.contains("vocab") || !m["vocab"].is_object()) input_error(where, ": missing object 'vocab'");
  if (!m.contains("merges") || !m["merges"].is_array()) input_error(where, ": missing array 'merges'");
  if (m.contains("dropout") && !m["dropout"].is_null() && m["dropout"].get<double>() != 0.0)
    input_error(where, ": BPE dropout is not supported by ntm (set \"dropout\": null)");
  unk_token_ = opt_string(m, "unk_token", where);
  prefix_ = opt_string(m, "continuing_subword_prefix", where);
  suffix_ = opt_string(m, "end_of_word_suffix", where);
  fuse_unk_ = m.value("fuse_unk", false);
  byte_fallback_ = m.value("byte_fallback", false);
  ignore_merges_ = m.value("ignore_merges", false);
  load_vocab(m["vocab"], where + ".vocab");
  const auto& merges = m["merges"];
  merges_.reserve(merges.size());
  for (size_t i = 0; i < merges.size(); ++i) {
    const auto& e = merges[i];
    std::string w = where + ".merges[" + std::to_string(i) + "]";
    if (e.is_string()) {
      const std::string& s = e.get_ref<const std::string&>();
      size_t sp = s.find(' ');
      if (sp == std::string::npos || s.find(' ', sp + 1) != std::string::npos)
        input_error(w, ": merge '", s, "' must be two tokens separated by one space");
      add_merge(s.substr(0, sp), s.substr(sp + 1), static_cast<int32_t>(i), w);
    } else if (e.is_array() && e.size() == 2 && e[0].is_string() && e[1].is_string()) {
      add_merge(e[0].get<std::string>(), e[1].get<std::string>(), static_cast<int32_t>(i), w);
    } else {
      input_error(w, ": a merge must be \"a b\" or [\"a\", \"b\"]");
    }
  }
}

BpeModel::BpeModel(const nlohmann::json& vocab, const std::vector<std::pair<std::string, std::string>>& merges,
                   const std::string& where) {
  load_vocab(vocab, where);
  merges_.reserve(merges.size());
  for (size_t i = 0; i < merges.size(); ++i)
    add_merge(merges[i].first, merges[i].second, static_cast<int32_t>(i), where + ": merge " + std::to_string(i + 1));
}

void BpeModel::load_vocab(const nlohmann::json& vocab, const std::string& where) {
  if (!vocab.is_object()) input_error(where, ": expected an object token -> id");
  vocab_.reserve(vocab.size());
  int32_t max_id = -1;
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    const int32_t id = json_token_id(it.value(), static_cast<int64_t>(vocab.size()) + kTokenIdMargin, where,
                                     "the id of token '" + it.key() + "'");
    vocab_.set(it.key(), id);
    max_id = std::max(max_id, id);
  }
  vocab_r_.assign(static_cast<size_t>(max_id + 1), std::string());
  for (const auto& [tok, id] : vocab_.entries()) vocab_r_[id] = tok;
  small_cp_ids_.assign(0x800, -1);
  for (const auto& [tok, id] : vocab_.entries()) {
    if (tok.empty()) continue;
    size_t i = 0;
    uint32_t cp = next_cp(tok, i);
    if (i == tok.size() && cp < 0x800) small_cp_ids_[cp] = id;
  }
  for (int b = 0; b < 256; ++b) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "<0x%02X>", b);
    byte_ids_[b] = vocab_.get(buf);
  }
  if (!unk_token_.empty()) unk_id_ = vocab_.get(unk_token_);
}

void BpeModel::add_merge(const std::string& a, const std::string& b, int32_t rank, const std::string& where) {
  int32_t ia = vocab_.get(a), ib = vocab_.get(b);
  if (ia < 0) input_error(where, ": merge token '", a, "' is not in the vocabulary");
  if (ib < 0) input_error(where, ": merge token '", b, "' is not in the vocabulary");
  if (b.size() < prefix_.size()) input_error(where, ": merge token '", b, "' is shorter than continuing_subword_prefix");
  std::string merged = a + b.substr(prefix_.size());
  int32_t im = vocab_.get(merged);
  if (im < 0) input_error(where, ": merged token '", merged, "' is not in the vocabulary");
  merges_.set(static_cast<uint32_t>(ia), static_cast<uint32_t>(ib), {rank, im});
}

const std::string& BpeModel::id_to_token(int32_t id) const {
  static const std::string empty;
  return id >= 0 && static_cast<size_t>(id) < vocab_r_.size() ? vocab_r_[id] : empty;
}

int32_t BpeModel::char_id(std::string_view ch, bool first, bool last) const {
  if ((prefix_.empty() || first) && (suffix_.empty() || !last)) {
    size_t i = 0;
    uint32_t cp = next_cp(ch, i);
    if (cp < 0x800) return small_cp_ids_[cp];
    return vocab_.get(ch);
  }
  std::string s;
  if (!first) s += prefix_;
  s.append(ch.data(), ch.size());
  if (last) s += suffix_;
  return vocab_.get(s);
}

void BpeModel::tokenize(const std::string& word, std::vector<int32_t>& out) const {
  if (word.empty()) return;
  if (ignore_merges_) {
    int32_t id = vocab_.get(word);
    if (id >= 0) {
      out.push_back(id);
      return;
    }
  }
  bool cacheable = word.size() <= kCacheMaxWordBytes;
  if (cacheable) {
    std::unique_lock<std::mutex> lock(cache_mutex_, std::try_to_lock);
    if (lock.owns_lock()) {
      auto it = cache_.find(word);
      if (it != cache_.end()) {
        out.insert(out.end(), it->second.begin(), it->second.end());
        return;
      }
    }
  }
  size_t mark = out.size();
  merge_word(word, out);
  if (cacheable) {
    std::unique_lock<std::mutex> lock(cache_mutex_, std::try_to_lock);
    if (lock.owns_lock()) {
      if (cache_.size() >= kCacheMaxEntries) cache_.clear();
      cache_.emplace(word, std::vector<int32_t>(out.begin() + mark, out.end()));
    }
  }
}

void BpeModel::merge_word(const std::string& w, std::vector<int32_t>& out) const {
  thread_local std::vector<Symbol> symbols;
  symbols.clear();
  auto add = [&](int32_t id, int32_t len) {
    int32_t n = static_cast<int32_t>(symbols.size());
    symbols.push_back(Symbol{id, n - 1, n + 1, len});
  };
  int32_t pending_unk = -1, pending_unk_len = 0;
  for (size_t i = 0; i < w.size();) {
    size_t start = i;
    i += utf8_len(static_cast<unsigned char>(w[i]));
    if (i > w.size()) i = w.size();
    std::string_view ch(w.data() + start, i - start);
    bool first = start == 0, last = i == w.size();
    int32_t id = char_id(ch, first, last);
    int32_t byte_len = static_cast<int32_t>(ch.size());
    if (id >= 0) {
      if (pending_unk >= 0) {
        add(pending_unk, pending_unk_len);
        pending_unk = -1;
      }
      add(id, byte_len);
      continue;
    }
    if (byte_fallback_) {
      // The bytes of the char as tokenizers sees it (with prefix/suffix when configured).
      std::string s;
      if (!first) s += prefix_;
      s.append(ch.data(), ch.size());
      if (last) s += suffix_;
      bool all = true;
      for (unsigned char b : s) all = all && byte_ids_[b] >= 0;
      if (all) {
        for (unsigned char b : s) add(byte_ids_[b], 1);
        continue;
      }
    }
    if (!unk_token_.empty()) {
      if (unk_id_ < 0) input_error("tokenizer.json: model.unk_token '", unk_token_, "' is not in the vocabulary");
      if (pending_unk >= 0 && fuse_unk_) {
        pending_unk_len += byte_len;
      } else {
        if (pending_unk >= 0) add(pending_unk, pending_unk_len);
        pending_unk = unk_id_;
        pending_unk_len = byte_len;
      }
    }
  }
  if (pending_unk >= 0) add(pending_unk, pending_unk_len);
  if (symbols.empty()) return;
  symbols.back().next = -1;

  std::priority_queue<MergeItem> queue;
  for (size_t k = 0; k + 1 < symbols.size(); ++k) {
    const PairMap::Value* m = merges_.get(symbols[k].id, symbols[k + 1].id);
    if (m) queue.push(MergeItem{m->rank, static_cast<int32_t>(k), m->new_id});
  }
  const int32_t n = static_cast<int32_t>(symbols.size());
  while (!queue.empty()) {
    MergeItem top = queue.top();
    queue.pop();
    Symbol& cur = symbols[top.pos];
    if (cur.len == 0 || cur.next == -1) continue;
    int32_t next_pos = cur.next;
    Symbol right = symbols[next_pos];
    const PairMap::Value* m = merges_.get(cur.id, right.id);
    if (!m || m->new_id != top.new_id) continue;  // stale entry
    cur.id = top.new_id;
    cur.len += right.len;
    cur.next = right.next;
    symbols[next_pos].len = 0;
    if (right.next > -1 && right.next < n) symbols[right.next].prev = top.pos;
    if (cur.prev >= 0) {
      const PairMap::Value* pm = merges_.get(symbols[cur.prev].id, cur.id);
      if (pm) queue.push(MergeItem{pm->rank, cur.prev, pm->new_id});
    }
    if (cur.next >= 0 && cur.next < n) {
      const PairMap::Value* nm = merges_.get(cur.id, symbols[cur.next].id);
      if (nm) queue.push(MergeItem{nm->rank, top.pos, nm->new_id});
    }
  }
  for (const Symbol& s : symbols)
    if (s.len != 0) out.push_back(s.id);
}

}  // namespace ntm::text
