#pragma once
// Shared parts of the corpus readers (internal).
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

#include "data/byte_reader.h"
#include "data/unicode_table.h"
#include "ntm/data/corpus.h"
#include "ntm/error.h"

namespace ntm::detail {

class ReaderBase : public CorpusReader {
 public:
  ReaderBase(const std::string& path, const CorpusOptions& options) : in_(path), options_(options) {
    in_.set_max_bytes(options.max_doc_bytes);
  }
  int64_t skipped_rows() const override { return skipped_; }
  const std::string& path() const override { return in_.path(); }

 protected:
  // A bad row: throws (on_bad_row == "error") or counts and logs it (returns normally).
  void bad_row(int64_t line, const std::string& what) {
    if (options_.on_bad_row != "skip")
      input_error(path(), ":", line, ": ", what, " (fix the row, or pass --on-bad-row skip to skip bad rows)");
    ++skipped_;
    if (skipped_ <= 5) spdlog::warn("{}:{}: skipping bad row: {}", path(), line, what);
  }
  // Called at end of file: logs the skip count once.
  void report_end() {
    if (ended_) return;
    ended_ = true;
    if (skipped_ > 0) spdlog::warn("{}: skipped {} bad row(s) (--on-bad-row skip)", path(), skipped_);
  }
  // "" when valid, else a description of the first invalid byte (and its line offset from the
  // start of s via *newlines).
  static std::string utf8_problem(const std::string& s, int64_t* newlines) {
    size_t ok = unicode::utf8_valid_prefix(s.data(), s.size());
    if (ok == s.size()) return "";
    int64_t nl = 0;
    for (size_t i = 0; i < ok; ++i) nl += s[i] == '\n';
    *newlines = nl;
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(s[ok]));
    return std::string("invalid UTF-8 (byte ") + hex + " at byte " + std::to_string(ok) +
           " of the field); convert the file to UTF-8, e.g. iconv -f latin1 -t utf-8";
  }

  ByteReader in_;
  CorpusOptions options_;
  int64_t skipped_ = 0;
  int64_t rows_ = 0;  // documents returned so far
  bool ended_ = false;
};

std::unique_ptr<CorpusReader> open_tsv_reader(const std::string& path, const CorpusOptions& options);

}  // namespace ntm::detail
