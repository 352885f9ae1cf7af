#include "ntm/eval/cooccurrence.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <mutex>

#include "ntm/error.h"

namespace ntm::eval {

namespace {

// Per-thread accumulator: the set of present words and its counts, flushed with a weight (the
// number of consecutive windows in which the set stayed the same).
class WindowState {
 public:
  explicit WindowState(int32_t M) : M_(M), mult_(M, 0), where_(M, -1), occ_(M, 0), co_(static_cast<size_t>(M) * M, 0) {}

  void clear() {
    for (int32_t a : present_) {
      mult_[a] = 0;
      where_[a] = -1;
    }
    present_.clear();
  }
  // Exact: multiplicity counts.
  void add(int32_t a) {
    if (mult_[a]++ == 0) insert(a);
  }
  void remove(int32_t a) {
    if (--mult_[a] == 0) erase(a);
  }
  // gensim: boolean marks.
  void mark(int32_t a) {
    if (where_[a] < 0) {
      mult_[a] = 1;
      insert(a);
    }
  }
  void unmark(int32_t a) {
    if (where_[a] >= 0) {
      mult_[a] = 0;
      erase(a);
    }
  }
  void flush(int64_t weight) {
    if (weight <= 0 || present_.empty()) return;
    const size_t n = present_.size();
    for (size_t i = 0; i < n; ++i) {
      const int32_t a = present_[i];
      occ_[a] += weight;
      int64_t* row = co_.data() + static_cast<size_t>(a) * M_;
      for (size_t j = 0; j < n; ++j)
        if (j != i) row[present_[j]] += weight;
    }
  }
  void merge_into(CooccurrenceCounts& out) const {
    for (int32_t a = 0; a < M_; ++a) out.occ[a] += occ_[a];
    for (size_t i = 0; i < co_.size(); ++i) out.co[i] += co_[i];
  }

 private:
  void insert(int32_t a) {
    where_[a] = static_cast<int32_t>(present_.size());
    present_.push_back(a);
  }
  void erase(int32_t a) {
    const int32_t w = where_[a];
    const int32_t last = present_.back();
    present_[w] = last;
    where_[last] = w;
    present_.pop_back();
    where_[a] = -1;
  }
  int32_t M_;
  std::vector<int32_t> mult_, where_, present_;
  std::vector<int64_t> occ_, co_;
};

}  // namespace

CooccurrenceCounts count_windows(const ReferenceIndex& index, const std::vector<int32_t>& local_id,
                                 int32_t num_local, int64_t window, WindowCounting mode) {
  NTM_CHECK(local_id.size() == index.words.size(), "local_id must cover every index word");
  NTM_CHECK(window >= 0, "window must be >= 0");
  const int64_t D = index.num_docs();
  CooccurrenceCounts out;
  out.num_words = num_local;
  out.occ.assign(num_local, 0);
  out.co.assign(static_cast<size_t>(num_local) * num_local, 0);
  // gensim raises on an empty text in sliding-window measures; its flavour drops them.
  const bool skip_empty = mode == WindowCounting::kGensim && window > 0;
  for (int64_t d = 0; d < D; ++d) {
    const int64_t L = index.doc_length[d];
    if (skip_empty && L == 0) continue;
    out.num_windows += (window == 0 || L <= window) ? 1 : L - window + 1;
  }
  std::mutex mu;
  // Grain: enough documents per task that the M×M per-thread merge stays cheap.
  at::parallel_for(0, D, std::max<int64_t>(256, D / 8), [&](int64_t d0, int64_t d1) {
    WindowState st(num_local);
    std::vector<int64_t> pos;
    std::vector<int32_t> ids;
    for (int64_t d = d0; d < d1; ++d) {
      pos.clear();
      ids.clear();
      for (int64_t t = index.doc_offset[d]; t < index.doc_offset[d + 1]; ++t) {
        const int32_t a = local_id[index.id[t]];
        if (a < 0) continue;
        pos.push_back(index.pos[t]);
        ids.push_back(a);
      }
      if (pos.empty()) continue;
      const int64_t L = index.doc_length[d];
      st.clear();
      if (window == 0 || L <= window) {  // one window: the whole document
        for (int32_t a : ids) st.mark(a);
        st.flush(1);
        continue;
      }
      const int64_t W = L - window + 1;  // windows s = 0..W-1 cover [s, s + window - 1]
      const size_t n = pos.size();
      size_t enter = 0;                   // next token to enter (position >= window)
      while (enter < n && pos[enter] < window) {
        if (mode == WindowCounting::kExact) st.add(ids[enter]); else st.mark(ids[enter]);
        ++enter;
      }
      size_t leave = 0;  // next token to leave: at window s the token at position s-1 leaves
      int64_t s = 0;
      for (;;) {
        const int64_t s_leave = leave < n ? pos[leave] + 1 : W;
        const int64_t s_enter = enter < n ? pos[enter] - window + 1 : W;
        const int64_t s_next = std::min({s_leave, s_enter, W});
        if (s_next >= W) break;
        st.flush(s_next - s);
        s = s_next;
        // Leave first, then enter (gensim's order; irrelevant for exact counting).
        if (s_leave == s) {
          if (mode == WindowCounting::kExact) st.remove(ids[leave]); else st.unmark(ids[leave]);
          ++leave;
        }
        if (s_enter == s) {
          if (mode == WindowCounting::kExact) st.add(ids[enter]); else st.mark(ids[enter]);
          ++enter;
        }
      }
      st.flush(W - s);
    }
    std::lock_guard<std::mutex> lock(mu);
    st.merge_into(out);
  });
  for (int32_t a = 0; a < num_local; ++a) out.co[static_cast<size_t>(a) * num_local + a] = out.occ[a];
  return out;
}

}  // namespace ntm::eval
