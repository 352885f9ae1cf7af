// WordCounter: word counts with first-occurrence order (vocabulary building, method-spec §2.3).
#include <algorithm>
#include <numeric>

#include "ntm/data/vocab.h"
#include "ntm/data/words.h"

namespace ntm {

int32_t WordCounter::add(std::string_view w) {
  auto it = index_.find(w);
  if (it != index_.end()) {
    ++counts_[static_cast<size_t>(it->second)];
    return it->second;
  }
  auto id = static_cast<int32_t>(words_.size());
  words_.emplace_back(w);
  counts_.push_back(1);
  index_.emplace(std::string_view(words_.back()), id);
  return id;
}

void WordCounter::add_text(std::string_view text, std::vector<int32_t>* ids) {
  ++num_docs_;
  for_each_word(text, [&](std::string_view w) {
    ++num_tokens_;
    int32_t id = add(w);
    if (ids) ids->push_back(id);
  });
}

void WordCounter::add_words(const std::vector<std::string>& words, std::vector<int32_t>* ids) {
  ++num_docs_;
  for (const auto& w : words) {
    ++num_tokens_;
    int32_t id = add(w);
    if (ids) ids->push_back(id);
  }
}

int64_t WordCounter::count(std::string_view word) const {
  auto it = index_.find(word);
  return it == index_.end() ? 0 : counts_[static_cast<size_t>(it->second)];
}

std::vector<int32_t> WordCounter::most_frequent(size_t size) const {
  std::vector<int32_t> ids(words_.size());
  std::iota(ids.begin(), ids.end(), 0);
  // Ids are first-occurrence ranks, so a stable sort on count keeps first occurrence among ties.
  std::stable_sort(ids.begin(), ids.end(),
                   [this](int32_t a, int32_t b) { return counts_[static_cast<size_t>(a)] > counts_[static_cast<size_t>(b)]; });
  if (ids.size() > size) ids.resize(size);
  return ids;
}

}  // namespace ntm
