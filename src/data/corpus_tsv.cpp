// TSV corpus reader with pandas-compatible CSV quoting (Python csv module rules, sep='\t',
// quotechar '"', doublequote, non-strict), and the quoting detector for --quoting auto.
#include <cstring>
#include <vector>

#include "data/corpus_base.h"

namespace ntm {
namespace detail {
namespace {

struct StopTable {
  bool quoted[256] = {};    // inside a quoted field: stop at '"' and '\n' (line counting)
  bool unquoted[256] = {};  // unquoted field: stop at TAB, '\n', '\r' (and '"' never, it is data there)
  StopTable() {
    quoted[static_cast<unsigned char>('"')] = quoted[static_cast<unsigned char>('\n')] = true;
    for (char c : {'\t', '\n', '\r'}) unquoted[static_cast<unsigned char>(c)] = true;
  }
};
const StopTable kStops;

class TsvReader : public ReaderBase {
 public:
  TsvReader(const std::string& path, const CorpusOptions& options, bool csv) : ReaderBase(path, options), csv_(csv) {
    int64_t start = 0;
    if (!read_record(start)) input_error(path, ": the file is empty; expected a header row such as 'text<TAB>label'");
    if (!fields_[0].empty() && fields_[0].compare(0, 3, "\xEF\xBB\xBF") == 0) fields_[0].erase(0, 3);
    header_.assign(fields_.begin(), fields_.begin() + nfields_);
    text_col_ = find_column(options.text_column, "--text-column");
    if (!options.label_column.empty()) label_col_ = find_column(options.label_column, "--label-column");
    spdlog::debug("{}: TSV with {} columns, quoting {}", path, header_.size(), csv ? "csv" : "none");
  }
  bool has_labels() const override { return label_col_ >= 0; }
  std::string format() const override { return "tsv"; }
  std::string quoting() const override { return csv_ ? "csv" : "none"; }

  bool next(Document& doc) override {
    int64_t start = 0;
    while (read_record(start)) {
      if (nfields_ == 1 && fields_[0].empty()) continue;  // blank line (pandas skips it)
      if (nfields_ != header_.size()) {
        bad_row(start, "expected " + std::to_string(header_.size()) + " TAB-separated fields as in the header, found " +
                           std::to_string(nfields_));
        continue;
      }
      if (!valid_utf8()) continue;
      doc.row = rows_++;
      doc.line = start;
      doc.text.swap(fields_[text_col_]);
      doc.id.clear();
      if (label_col_ >= 0) {
        doc.label.swap(fields_[label_col_]);
        doc.has_label = true;
      } else {
        doc.label.clear();
        doc.has_label = false;
      }
      return true;
    }
    report_end();
    return false;
  }

 private:
  int find_column(const std::string& name, const char* flag) {
    for (size_t i = 0; i < header_.size(); ++i)
      if (header_[i] == name) return static_cast<int>(i);
    std::string found;
    for (const auto& h : header_) found += (found.empty() ? "'" : ", '") + h + "'";
    input_error(path(), ":1: no column '", name, "' in the header (found: ", found, "); pass ", flag, " NAME",
                std::strcmp(flag, "--label-column") == 0 ? " (or --label-column '' for a corpus without labels)" : "");
  }

  bool valid_utf8() {
    for (size_t k = 0; k < nfields_; ++k) {
      int64_t nl = 0;
      std::string problem = utf8_problem(fields_[k], &nl);
      if (!problem.empty()) {
        bad_row(field_line_[k] + nl, "column '" + header_[k] + "': " + problem);
        return false;
      }
    }
    return true;
  }

  std::string& new_field() {
    if (nfields_ == fields_.size()) {
      fields_.emplace_back();
      field_line_.push_back(0);
    }
    field_line_[nfields_] = line_;
    std::string& f = fields_[nfields_++];
    f.clear();
    return f;
  }

  // Reads one record into fields_[0..nfields_). False at end of file (no record).
  bool read_record(int64_t& start_line) {
    nfields_ = 0;
    int c = in_.peek();
    if (c < 0) return false;
    start_line = line_;
    in_.set_doc_line(line_);
    std::string* f = &new_field();
    enum { kStartField, kInField, kInQuoted, kQuoteInQuoted } state = kStartField;
    for (;;) {
      if (state == kInField || (state == kStartField && !csv_)) {
        c = in_.read_until(kStops.unquoted, *f);
        state = kInField;
      } else if (state == kInQuoted) {
        c = in_.read_until(kStops.quoted, *f);
        if (c == '\n') {
          in_.get();
          f->push_back('\n');
          ++line_;
          continue;
        }
        if (c < 0) {
          bad_row(field_line_[nfields_ - 1], "a quoted field starting here is never closed (unbalanced '\"')");
          return nfields_ = 0, false;
        }
        in_.get();
        state = kQuoteInQuoted;
        continue;
      } else {
        c = in_.peek();
      }
      if (c < 0) return true;  // end of file ends the record
      if (c == '\t') {
        in_.get();
        f = &new_field();
        state = kStartField;
      } else if (c == '\n' || c == '\r') {
        in_.get();
        if (c == '\r' && in_.peek() == '\n') in_.get();
        ++line_;
        return true;
      } else if (state == kStartField && c == '"') {
        in_.get();
        state = kInQuoted;
      } else if (state == kQuoteInQuoted && c == '"') {
        in_.get();
        f->push_back('"');
        state = kInQuoted;
      } else {
        // Start of an unquoted field, or text after a closing quote (kept, as Python's csv does).
        f->push_back(static_cast<char>(in_.get()));
        state = kInField;
      }
    }
  }

  bool csv_;
  std::vector<std::string> header_, fields_;
  std::vector<int64_t> field_line_;
  size_t nfields_ = 0;
  int64_t line_ = 1;
  int text_col_ = -1, label_col_ = -1;
};

}  // namespace

std::unique_ptr<CorpusReader> open_tsv_reader(const std::string& path, const CorpusOptions& options) {
  bool csv = options.quoting == "csv";
  if (options.quoting == "auto") {
    bool any_quote = false;
    csv = tsv_uses_csv_quoting(path, &any_quote);
    if (any_quote)
      spdlog::info("{}: TSV quoting {} (--quoting auto)", path, csv ? "csv (pandas rules)" : "none ('\"' is data)");
    else
      spdlog::debug("{}: no '\"' in the file; quoting makes no difference", path);
  }
  return std::make_unique<TsvReader>(path, options, csv);
}

}  // namespace detail

bool tsv_uses_csv_quoting(const std::string& path, bool* any_quote) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) input_error("cannot open corpus file '", path, "': ", std::strerror(errno));
  std::vector<char> buf(1 << 20);
  enum { kOut, kIn, kAfterQuote } state = kOut;
  int prev = '\n';  // start of file counts as the start of a field
  bool first = true, ok = true, seen = false;
  size_t n;
  while (ok && (n = std::fread(buf.data(), 1, buf.size(), f)) > 0) {
    const char* p = buf.data();
    size_t i = 0;
    if (first && n >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0) i = 3;
    first = false;
    while (i < n) {
      if (state == kAfterQuote) {
        char c = p[i];
        if (c == '"') {
          state = kIn;
        } else if (c == '\t' || c == '\n' || c == '\r') {
          state = kOut;
        } else {
          ok = false;  // text after a closing quote
          break;
        }
        ++i;
        continue;
      }
      const void* q = std::memchr(p + i, '"', n - i);
      if (!q) {
        i = n;
        break;
      }
      size_t at = static_cast<const char*>(q) - p;
      seen = true;
      if (state == kOut) {
        int before = at > 0 ? static_cast<unsigned char>(p[at - 1]) : prev;
        if (at == i && i > 0) before = static_cast<unsigned char>(p[i - 1]);
        if (before != '\t' && before != '\n' && before != '\r') {
          ok = false;  // '"' inside an unquoted field
          break;
        }
        state = kIn;
      } else {
        state = kAfterQuote;
      }
      i = at + 1;
    }
    if (n > 0) prev = static_cast<unsigned char>(buf[n - 1]);
  }
  std::fclose(f);
  if (state == kIn) ok = false;  // unterminated quoted field
  if (any_quote) *any_quote = seen;
  return ok;
}

}  // namespace ntm
