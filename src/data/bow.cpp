// Sparse CSR bag of words (see ntm/data/bow.h).
#include "ntm/data/bow.h"

#include <algorithm>

#include "ntm/data/corpus.h"
#include "ntm/data/words.h"
#include "ntm/error.h"

namespace ntm {

int64_t CsrBow::num_empty_rows() const {
  int64_t n = 0;
  for (int64_t d = 0; d < num_rows(); ++d) n += row_size(d) == 0;
  return n;
}

BowBuilder::BowBuilder(const Vocab& vocab) : vocab_(vocab) {
  index_.reserve(vocab.size());
  for (size_t i = 0; i < vocab.size(); ++i) index_.emplace(std::string_view(vocab.word(i)), static_cast<int32_t>(i));
  bow_.num_cols = static_cast<int64_t>(vocab.size());
}

int32_t BowBuilder::find(std::string_view word) const {
  auto it = index_.find(word);
  return it == index_.end() ? -1 : it->second;
}

void BowBuilder::append_sorted(std::vector<int32_t>& ids) {
  std::sort(ids.begin(), ids.end());
  for (size_t i = 0; i < ids.size();) {
    size_t j = i;
    while (j < ids.size() && ids[j] == ids[i]) ++j;
    bow_.indices.push_back(ids[i]);
    bow_.counts.push_back(static_cast<float>(j - i));
    i = j;
  }
  bow_.indptr.push_back(static_cast<int64_t>(bow_.indices.size()));
}

void BowBuilder::add_text(std::string_view text) {
  scratch_.clear();
  for_each_word(text, [this](std::string_view w) {
    int32_t id = find(w);
    if (id >= 0) scratch_.push_back(id);
  });
  append_sorted(scratch_);
}

void BowBuilder::add_words(const std::vector<std::string>& words) {
  scratch_.clear();
  for (const auto& w : words) {
    int32_t id = find(w);
    if (id >= 0) scratch_.push_back(id);
  }
  append_sorted(scratch_);
}

void BowBuilder::add_indices(std::vector<int32_t> ids) {
  for (int32_t id : ids)
    NTM_CHECK(id >= 0 && id < bow_.num_cols, "BoW index ", id, " outside the vocabulary of ", bow_.num_cols);
  append_sorted(ids);
}

CsrBow BowBuilder::finish() {
  CsrBow out = std::move(bow_);
  bow_ = CsrBow{};
  bow_.num_cols = static_cast<int64_t>(vocab_.size());
  return out;
}

CsrBow build_bow(CorpusReader& reader, const Vocab& vocab) {
  BowBuilder builder(vocab);
  Document doc;
  while (reader.next(doc)) builder.add_text(doc.text);
  return builder.finish();
}

std::string bow_string(std::string_view text, const Vocab& vocab) {
  std::string out;
  for_each_word(text, [&](std::string_view w) {
    if (vocab.find(std::string(w)) < 0) return;
    if (!out.empty()) out.push_back(' ');
    out.append(w);
  });
  return out;
}

}  // namespace ntm
