#pragma once
// `ntm vocab`: builds (or adopts) the topic vocabulary of a corpus and writes vocab.json.
//
// Built vocabularies hold the `size` most frequent kept words (ntm/data/words.h), ordered by
// count descending then first occurrence — a deterministic order, unlike the reference's
// set order — so the same corpus and options give the same vocab.json bytes every run. With
// `vocab` set, the words and their order come from that file instead (a plain JSON array such as
// the reference's published vocab.json, or an ntm vocab.json); counts are still taken from the corpus.
//
// vocab.json keys besides those of Vocab::save: counts (aligned with words), num_docs,
// empty_texts, empty_bow_docs, kept_tokens, distinct_words, requested_size, source, corpus
// {path, sha256, format, quoting, text_column, label_column, skipped_rows}, preprocessing
// {rules, unicode, stop_words}, config (the resolved options).
#include <cstdint>
#include <string>
#include <vector>

#include "ntm/data/corpus.h"
#include "ntm/data/vocab.h"
#include "ntm/util/config.h"

namespace ntm {

struct VocabBuildOptions : CorpusOptions {  // format, columns, quoting, bad rows, byte limit
  std::string corpus;                  // corpus file (.tsv / .jsonl / .txt)
  int64_t size = 2000;                 // number of words to keep
  std::string out;                     // vocab.json to write
  std::string vocab;                   // optional: adopt this word list (and order) instead of building

  void validate() const;
  const CorpusOptions& corpus_options() const { return *this; }
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(VocabBuildOptions, corpus, size, out, format, text_column,
                                                label_column, on_bad_row, quoting, vocab, max_doc_bytes)

struct VocabBuildReport {
  Vocab vocab;
  std::vector<int64_t> counts;  // [V] corpus count of each vocabulary word
  int64_t num_docs = 0;
  int64_t empty_texts = 0;      // documents whose text is empty or only whitespace
  int64_t empty_bow_docs = 0;   // documents without any vocabulary word
  int64_t kept_tokens = 0;      // kept words over the corpus (with repetition)
  int64_t distinct_words = 0;   // distinct kept words
  int64_t skipped_rows = 0;
  double seconds = 0;
};

// Reads the corpus, builds or adopts the vocabulary, writes opts.out atomically.
VocabBuildReport build_vocab(const VocabBuildOptions& opts);

}  // namespace ntm
