#pragma once
// Boolean window (co-)occurrence counts over a ReferenceIndex.
//
// Windows (all modes): a document of L tokens gives L − w + 1 windows of w consecutive tokens
// when L > w and exactly one window (the whole document, even an empty one) when L ≤ w; every
// window counts in num_windows. w = 0 means one window per document (boolean document).
//
// Counting modes:
//   kExact  : a word is present in a window iff it occurs at one of its positions.
//   kGensim : gensim 4.x WordOccurrenceAccumulator bookkeeping: the first window of a document
//             marks its unique words; each slide by one token first UNMARKS the token that leaves
//             (even if it occurs again inside the new window) and then marks the entering token.
//             Words repeated within a window are therefore under-counted, bit for bit as gensim.
//             Empty documents are skipped when window > 0 (gensim 4.2 raises IndexError on them,
//             so a corpus gensim accepts never has one).
#include <cstdint>
#include <vector>

#include "ntm/eval/reference_corpus.h"

namespace ntm::eval {

enum class WindowCounting { kExact, kGensim };

struct CooccurrenceCounts {
  int64_t num_windows = 0;
  int32_t num_words = 0;           // M
  std::vector<int64_t> occ;        // [M] windows containing word a
  std::vector<int64_t> co;         // [M * M] windows containing a and b (symmetric; diagonal = occ)
  int64_t pair(int32_t a, int32_t b) const { return co[static_cast<size_t>(a) * num_words + b]; }
};

// Counts windows for the words selected by `local_id` (index word id -> local id in [0, M), or −1
// to ignore the word). Multithreaded over documents (libtorch's intra-op thread pool).
CooccurrenceCounts count_windows(const ReferenceIndex& index, const std::vector<int32_t>& local_id,
                                 int32_t num_local, int64_t window, WindowCounting mode);

}  // namespace ntm::eval
