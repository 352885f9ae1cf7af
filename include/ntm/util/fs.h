#pragma once
// File-system helpers: atomic writes, whole-file reads, output-directory handling.
//
// Every file ntm produces is written to "<path>.tmp-<pid>" and renamed into place, so an
// interrupted command never leaves a file that looks complete.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace ntm {

// Reads a whole file; input_error naming the path if it cannot be read.
std::string read_file(const std::string& path);

// Writes bytes to path atomically (temp file in the same directory + fsync + rename).
void write_file_atomic(const std::string& path, std::string_view bytes);

// A file being written atomically. Data goes to a temporary file; commit() flushes, fsyncs and
// renames it to the final path. Destroying it without commit() removes the temporary file.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, size_t size);
  void write(std::string_view s) { write(s.data(), s.size()); }
  void commit();
  const std::string& path() const { return path_; }
  uint64_t bytes_written() const { return written_; }

 private:
  std::string path_, tmp_path_;
  std::FILE* file_ = nullptr;
  uint64_t written_ = 0;
};

// Creates dir (and parents) if missing. Errors name the path.
void make_dirs(const std::string& dir);
bool path_exists(const std::string& path);
bool is_directory(const std::string& path);
// Joins two path components with a single '/'.
std::string path_join(const std::string& a, const std::string& b);

}  // namespace ntm
