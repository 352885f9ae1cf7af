#pragma once
// Corpus readers: TSV with a header row (pandas-compatible CSV quoting), JSONL, plain text.
// Streaming: one document in memory at a time. Text is validated as UTF-8.
#include <cstdint>
#include <memory>
#include <string>

namespace ntm {

struct CorpusOptions {
  std::string format = "auto";         // auto (by extension: .tsv/.csv -> tsv, .jsonl/.json -> jsonl, else txt) | tsv | jsonl | txt
  std::string text_column = "text";    // TSV column / JSONL key of the document text
  std::string label_column = "label";  // TSV column / JSONL key of the gold label ("" = none)
  std::string id_column = "id";        // JSONL key of a document id (optional)
  std::string on_bad_row = "error";    // error | skip (skipped rows are counted and logged)
};

struct Document {
  int64_t row = 0;    // 0-based index among the documents returned (corpus order)
  int64_t line = 0;   // 1-based line number in the file where the document starts
  std::string text;
  std::string label;  // "" when the corpus has no labels
  std::string id;     // "" when absent
  bool has_label = false;
};

class CorpusReader {
 public:
  virtual ~CorpusReader() = default;
  // Opens a corpus; input_error naming the file when it cannot be read or the header lacks columns.
  static std::unique_ptr<CorpusReader> open(const std::string& path, const CorpusOptions& options = {});
  // Reads the next document; false at end of file. input_error naming file:line on bad input
  // (unless on_bad_row == "skip").
  virtual bool next(Document& doc) = 0;
  virtual int64_t skipped_rows() const = 0;
  virtual const std::string& path() const = 0;
  virtual bool has_labels() const = 0;
};

}  // namespace ntm
