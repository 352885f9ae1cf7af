#pragma once
// A whole file mapped read-only (mmap), for the binary readers (safetensors, GGUF).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace ntm {

class MappedFile {
 public:
  // input_error naming the path when it cannot be opened, is not a regular file or cannot be
  // mapped. An empty file maps to data() == nullptr, size() == 0.
  static std::unique_ptr<MappedFile> open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  MappedFile() = default;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace ntm
