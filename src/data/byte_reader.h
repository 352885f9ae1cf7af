#pragma once
// Buffered byte input for the corpus readers (internal). Reads the file in 1 MiB blocks.
#include <cerrno>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "ntm/error.h"

namespace ntm::detail {

class ByteReader {
 public:
  explicit ByteReader(const std::string& path) : path_(path), buf_(1 << 20) {
    file_ = std::fopen(path.c_str(), "rb");
    if (!file_) input_error("cannot open corpus file '", path, "': ", std::strerror(errno));
  }
  ~ByteReader() {
    if (file_) std::fclose(file_);
  }
  ByteReader(const ByteReader&) = delete;
  ByteReader& operator=(const ByteReader&) = delete;

  // Next byte (0..255) or -1 at end of file.
  int get() {
    if (pos_ == end_ && !refill()) return -1;
    return static_cast<unsigned char>(buf_[pos_++]);
  }
  int peek() {
    if (pos_ == end_ && !refill()) return -1;
    return static_cast<unsigned char>(buf_[pos_]);
  }
  // Per-document size limit (bytes appended to one output string) and the line reported when it
  // is exceeded.
  void set_max_bytes(int64_t max_bytes) { max_bytes_ = static_cast<size_t>(max_bytes); }
  void set_doc_line(int64_t line) { doc_line_ = line; }
  // Appends bytes up to (not including) the first byte for which stop[b] is true; returns that
  // byte (not consumed) or -1 at end of file. input_error when out grows beyond the limit.
  int read_until(const bool* stop, std::string& out) {
    for (;;) {
      if (pos_ == end_ && !refill()) return -1;
      size_t i = pos_;
      while (i < end_ && !stop[static_cast<unsigned char>(buf_[i])]) ++i;
      if (out.size() + (i - pos_) > max_bytes_)
        input_error(path_, ":", doc_line_, ": document larger than ", max_bytes_,
                    " bytes (the per-document limit, --max-doc-bytes); split it or raise the limit");
      out.append(buf_.data() + pos_, i - pos_);
      pos_ = i;
      if (i < end_) return static_cast<unsigned char>(buf_[i]);
    }
  }
  // Reads one line without its "\n" (and a "\r" before it). False at end of file.
  bool read_line(std::string& line) {
    static const bool* stop = [] {
      static bool s[256] = {};
      s[static_cast<unsigned char>('\n')] = true;
      return s;
    }();
    line.clear();
    int c = read_until(stop, line);
    if (c < 0 && line.empty()) return false;
    if (c == '\n') ++pos_;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
  }
  const std::string& path() const { return path_; }

 private:
  bool refill() {
    if (!file_) return false;
    size_t n = std::fread(buf_.data(), 1, buf_.size(), file_);
    if (n == 0) {
      if (std::ferror(file_)) input_error("error reading corpus file '", path_, "'");
      return false;
    }
    pos_ = 0;
    end_ = n;
    return true;
  }

  std::string path_;
  std::FILE* file_ = nullptr;
  size_t max_bytes_ = size_t{64} << 20;
  int64_t doc_line_ = 0;
  std::vector<char> buf_;
  size_t pos_ = 0, end_ = 0;
};

}  // namespace ntm::detail
