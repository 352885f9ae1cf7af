#pragma once
// Reference corpus for coherence: documents reduced to the positions of the words that matter.
//
// Only topic words are ever counted, so a reference corpus is streamed once and every document is
// kept as its length plus the (position, word id) pairs of topic-word tokens. Positions of all
// other tokens are preserved implicitly (sliding windows must see them).
//
// Formats:
//   tokens : one document per line, tokens separated by single spaces, used as is (empty tokens
//            from repeated spaces are skipped; an empty line is an empty document).
//   text   : one document per line (plain text); words come from ntm::extract_words (the
//            vocabulary-building word filter).
// Files ending in .tsv/.csv/.jsonl/.json are read with ntm's CorpusReader (their text column,
// the same rows training sees); other files line by line. A directory is read as all its regular
// files (recursively, sorted by path), concatenated. The hash is SHA-256 over the format and the
// documents' text as read (one per line).
#include <cstdint>
#include <string>
#include <vector>

#include "ntm/data/corpus.h"

namespace ntm::eval {

struct ReferenceSpec {
  std::string path;              // file or directory
  std::string format = "tokens";  // tokens | text
  CorpusOptions corpus;           // how TSV / JSONL files are read (the format is taken per file)
};

struct ReferenceIndex {
  std::vector<std::string> words;       // word id -> word (the tracked words)
  std::vector<int64_t> doc_length;      // [num_docs] tokens per document
  std::vector<int64_t> doc_offset;      // [num_docs + 1] into pos/id
  std::vector<int64_t> pos;             // positions of tracked tokens, per document ascending
  std::vector<int32_t> id;              // their word ids
  std::vector<int64_t> word_count;      // corpus frequency of every tracked word
  std::string hash;                     // sha256 over the format and the documents' text as read
  std::string description;              // e.g. "data/train.tsv (text column, extract_words)"
  int64_t num_tokens = 0;

  int64_t num_docs() const { return static_cast<int64_t>(doc_length.size()); }
};

// Streams the reference corpus once, keeping only `words` (duplicates are merged).
ReferenceIndex build_reference_index(const ReferenceSpec& spec, const std::vector<std::string>& words);

// Same, from in-memory tokenised documents (tests, callers that already hold the corpus).
ReferenceIndex build_reference_index(const std::vector<std::vector<std::string>>& docs,
                                     const std::vector<std::string>& words);

}  // namespace ntm::eval
