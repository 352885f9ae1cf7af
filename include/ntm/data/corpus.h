#pragma once
// Corpus readers: TSV with a header row (pandas-compatible CSV quoting), JSONL, plain text.
// Streaming: one document in memory at a time. Text is validated as UTF-8.
//
// TSV: the first row names the columns; fields are separated by TAB. With quoting "csv" a field
// that starts with '"' is quoted: it ends at the next lone '"', '""' inside stands for '"', and
// TABs and line breaks inside are data — the rules of Python's csv module, which pandas'
// python engine (the reference's loader, sep='\t') uses. With quoting "none" every '"' is data
// (the format of the corpora under shared/data). "auto" scans the file once before reading:
// quoting "csv" when every '"' sits in a well-formed quoted field, else "none". Blank lines are
// skipped (as pandas does); a row with a different number of fields than the header is a bad row.
// JSONL: one JSON object per line, keys text_column / label_column / id_column (label and id may
// be strings or numbers; a missing or null label gives has_label = false); blank lines skipped.
// txt: one document per line (every line, empty ones included), no labels.
#include <cstdint>
#include <memory>
#include <string>

namespace ntm {

// The corpus options of every command that reads a corpus (vocab, build-labels, eval): their
// option structs derive from this one, so each default is defined here only, and
// apps/corpus_flags.cpp binds the same flags (--format, --text-column, --label-column,
// --quoting, --on-bad-row, --max-doc-bytes) for all of them. id_column is not a flag.
struct CorpusOptions {
  std::string format = "auto";         // auto (by extension: .tsv/.csv -> tsv, .jsonl/.json -> jsonl, else txt) | tsv | jsonl | txt
  std::string text_column = "text";    // TSV column / JSONL key of the document text
  std::string label_column = "label";  // TSV column / JSONL key of the gold label ("" = none)
  std::string id_column = "id";        // JSONL key of a document id (optional)
  std::string on_bad_row = "error";    // error | skip (skipped rows are counted and logged)
  std::string quoting = "auto";        // TSV only: auto | csv | none (see above)
  // Largest document (a txt/JSONL line, a TSV field) in bytes; a longer one is an input_error
  // naming file:line, raised before more than this many bytes are held in memory.
  int64_t max_doc_bytes = int64_t{64} << 20;
};

// Checks the option values; usage_error naming the flag otherwise.
void validate_corpus_options(const CorpusOptions& options);

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
  // The format actually read ("tsv", "jsonl", "txt") and, for TSV, the quoting used ("csv"/"none").
  virtual std::string format() const = 0;
  virtual std::string quoting() const { return ""; }
};

// Resolves format "auto" from the file extension.
std::string resolve_corpus_format(const std::string& path, const std::string& format);

// For TSV quoting "auto": true when every '"' of the file sits in a well-formed CSV-quoted field
// (opening quote at the start of a field, inner quotes doubled, closing quote followed by TAB or
// a line end), i.e. the file reads the same as pandas would read it. Reads the whole file once.
// *any_quote (optional) tells whether the file contains a '"' at all.
bool tsv_uses_csv_quoting(const std::string& path, bool* any_quote = nullptr);

}  // namespace ntm
