// CorpusReader::open, the JSONL and plain-text readers, option checks.
#include "ntm/data/corpus.h"

#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <algorithm>

#include "data/corpus_base.h"

namespace ntm {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  return std::equal(suffix.rbegin(), suffix.rend(), s.rbegin(),
                    [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
}

class TxtReader : public detail::ReaderBase {
 public:
  using ReaderBase::ReaderBase;
  bool has_labels() const override { return false; }
  std::string format() const override { return "txt"; }

  bool next(Document& doc) override {
    for (in_.set_doc_line(line_no_ + 1); in_.read_line(line_); in_.set_doc_line(line_no_ + 1)) {
      ++line_no_;
      if (line_no_ == 1 && line_.compare(0, 3, "\xEF\xBB\xBF") == 0) line_.erase(0, 3);
      int64_t nl = 0;
      std::string problem = utf8_problem(line_, &nl);
      if (!problem.empty()) {
        bad_row(line_no_, problem);
        continue;
      }
      doc.row = rows_++;
      doc.line = line_no_;
      doc.text.swap(line_);
      doc.label.clear();
      doc.id.clear();
      doc.has_label = false;
      return true;
    }
    report_end();
    return false;
  }

 private:
  std::string line_;
  int64_t line_no_ = 0;
};

class JsonlReader : public detail::ReaderBase {
 public:
  using ReaderBase::ReaderBase;
  bool has_labels() const override { return !options_.label_column.empty(); }
  std::string format() const override { return "jsonl"; }

  bool next(Document& doc) override {
    for (in_.set_doc_line(line_no_ + 1); in_.read_line(line_); in_.set_doc_line(line_no_ + 1)) {
      ++line_no_;
      if (line_no_ == 1 && line_.compare(0, 3, "\xEF\xBB\xBF") == 0) line_.erase(0, 3);
      if (line_.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank line
      int64_t nl = 0;
      std::string problem = utf8_problem(line_, &nl);
      if (!problem.empty()) {
        bad_row(line_no_, problem);
        continue;
      }
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(line_);
      } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e999
        bad_row(line_no_, std::string("not valid JSON: ") + e.what());
        continue;
      }
      if (!j.is_object()) {
        bad_row(line_no_, "expected one JSON object per line");
        continue;
      }
      auto text = j.find(options_.text_column);
      if (text == j.end() || !text->is_string()) {
        std::string keys;
        for (auto it = j.begin(); it != j.end(); ++it) keys += (keys.empty() ? "" : ", ") + it.key();
        bad_row(line_no_, "no string value for key '" + options_.text_column + "' (keys: " + keys +
                              "); pass --text-column NAME");
        continue;
      }
      doc.row = rows_++;
      doc.line = line_no_;
      doc.text = text->get<std::string>();
      doc.has_label = false;
      doc.label.clear();
      doc.id.clear();
      if (!options_.label_column.empty()) {
        auto label = j.find(options_.label_column);
        if (label != j.end() && !label->is_null()) {
          doc.label = label->is_string() ? label->get<std::string>() : label->dump();
          doc.has_label = true;
        }
      }
      if (!options_.id_column.empty()) {
        auto id = j.find(options_.id_column);
        if (id != j.end() && !id->is_null()) doc.id = id->is_string() ? id->get<std::string>() : id->dump();
      }
      return true;
    }
    report_end();
    return false;
  }

 private:
  std::string line_;
  int64_t line_no_ = 0;
};

}  // namespace

void validate_corpus_options(const CorpusOptions& o) {
  auto one_of = [](const std::string& v, std::initializer_list<const char*> allowed, const char* flag) {
    for (const char* a : allowed)
      if (v == a) return;
    std::string list;
    for (const char* a : allowed) list += (list.empty() ? "" : "|") + std::string(a);
    usage_error(flag, " must be one of ", list, ", got '", v, "'");
  };
  one_of(o.format, {"auto", "tsv", "jsonl", "txt"}, "--format");
  one_of(o.on_bad_row, {"error", "skip"}, "--on-bad-row");
  one_of(o.quoting, {"auto", "csv", "none"}, "--quoting");
  if (o.text_column.empty()) usage_error("--text-column must not be empty");
  if (o.max_doc_bytes <= 0) usage_error("--max-doc-bytes must be positive, got ", o.max_doc_bytes);
}

std::string resolve_corpus_format(const std::string& path, const std::string& format) {
  if (format != "auto") return format;
  if (ends_with(path, ".tsv") || ends_with(path, ".csv")) return "tsv";
  if (ends_with(path, ".jsonl") || ends_with(path, ".json")) return "jsonl";
  return "txt";
}

std::unique_ptr<CorpusReader> CorpusReader::open(const std::string& path, const CorpusOptions& options) {
  validate_corpus_options(options);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) input_error("corpus file '", path, "' does not exist");
  if (S_ISDIR(st.st_mode)) input_error("corpus '", path, "' is a directory; pass a .tsv, .jsonl or .txt file");
  std::string format = resolve_corpus_format(path, options.format);
  if (format == "tsv") return detail::open_tsv_reader(path, options);
  if (format == "jsonl") return std::make_unique<JsonlReader>(path, options);
  return std::make_unique<TxtReader>(path, options);
}

}  // namespace ntm
