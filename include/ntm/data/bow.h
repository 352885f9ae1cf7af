#pragma once
// Bag of words as a sparse CSR matrix [D, V] (method-spec §2.4): row d holds the counts of the
// vocabulary words among document d's kept words (ntm/data/words.h); words outside the
// vocabulary are ignored, so a row can be empty. Rows are in corpus order; within a row the
// column indices ascend (canonical CSR, as scikit-learn's CountVectorizer produces).
//
//   indptr  int64 [D + 1]  row d is entries indptr[d] .. indptr[d+1]-1, indptr[0] = 0
//   indices int32 [nnz]    vocabulary index (column)
//   counts  float32 [nnz]  occurrences (> 0)
//
// Example:
//   ntm::BowBuilder bow(vocab);             // vocab must outlive the builder
//   bow.add_text("the new cars and older cars");
//   ntm::CsrBow m = bow.finish();           // m.num_rows() == 1
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ntm/data/vocab.h"

namespace ntm {

class CorpusReader;

struct CsrBow {
  int64_t num_cols = 0;                  // V
  std::vector<int64_t> indptr = {0};     // [D + 1]
  std::vector<int32_t> indices;          // [nnz]
  std::vector<float> counts;             // [nnz]

  int64_t num_rows() const { return static_cast<int64_t>(indptr.size()) - 1; }
  int64_t nnz() const { return static_cast<int64_t>(indices.size()); }
  int64_t row_size(int64_t d) const { return indptr[d + 1] - indptr[d]; }
  // Number of rows without any vocabulary word.
  int64_t num_empty_rows() const;
};

class BowBuilder {
 public:
  explicit BowBuilder(const Vocab& vocab);

  // Appends one row from a document text (runs the word filter).
  void add_text(std::string_view text);
  // Appends one row from already extracted words.
  void add_words(const std::vector<std::string>& words);
  // Appends one row from vocabulary indices (any order, repeats count; each in [0, V)).
  void add_indices(std::vector<int32_t> ids);

  int64_t num_rows() const { return bow_.num_rows(); }
  // Index of a word in the vocabulary, or -1 (no allocation).
  int32_t find(std::string_view word) const;
  // Returns the matrix and resets the builder to zero rows.
  CsrBow finish();

 private:
  void append_sorted(std::vector<int32_t>& ids);

  const Vocab& vocab_;
  std::unordered_map<std::string_view, int32_t> index_;  // views into vocab_.words()
  std::vector<int32_t> scratch_;
  CsrBow bow_;
};

// The BoW of every document of a corpus, in corpus order (the reader is consumed).
CsrBow build_bow(CorpusReader& reader, const Vocab& vocab);

// The reference's BoW string: the document's kept words that are in the vocabulary, in document
// order, joined by single spaces.
std::string bow_string(std::string_view text, const Vocab& vocab);

}  // namespace ntm
