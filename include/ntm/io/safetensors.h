#pragma once
// safetensors reader and writer (https://github.com/huggingface/safetensors format).
//
// Reading validates everything the reference library validates: header length (<= 100 MB,
// inside the file), a JSON object header, string-only __metadata__, known dtypes, tensors that
// cover the byte buffer contiguously (sorted by offset: no gaps, no overlaps), sizes equal to
// shape x dtype with overflow checks, and no trailing bytes. Files are mmap'ed; tensors are
// zero-copy views that keep the mapping alive (a copy is made when the data is misaligned).
// Mapped memory is read-only: never modify a returned tensor in place (clone() it first).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ntm/util/mapped_file.h"

namespace ntm::st {

enum class DType { kBool, kU8, kI8, kI16, kI32, kI64, kF16, kBF16, kF32, kF64 };

const char* dtype_name(DType d);  // "F32"
size_t dtype_size(DType d);       // bytes per element
c10::ScalarType to_scalar_type(DType d);
DType from_scalar_type(c10::ScalarType t);  // input_error for types safetensors (1.13) cannot hold

struct TensorInfo {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  // byte range relative to the start of the data buffer
  int64_t numel() const;
};

struct Header {
  std::vector<std::pair<std::string, std::string>> metadata;  // in file order
  std::vector<TensorInfo> tensors;                             // sorted by offset
  uint64_t data_start = 0;                                     // 8 + header length
};

// Parses and validates a whole file image (header + buffer). `where` names the file in errors.
Header parse_header(const uint8_t* data, size_t size, const std::string& where);

class File {
 public:
  // Opens, maps and validates a file. input_error naming the path on any problem.
  static std::shared_ptr<File> open(const std::string& path);
  ~File();

  const std::string& path() const { return path_; }
  const Header& header() const { return header_; }
  const std::vector<TensorInfo>& tensors() const { return header_.tensors; }
  std::vector<std::string> names() const;
  const TensorInfo* find(const std::string& name) const;
  bool contains(const std::string& name) const { return find(name) != nullptr; }
  std::string metadata(const std::string& key, const std::string& fallback = "") const;

  // Zero-copy view (read-only memory) or an aligned copy. input_error if the tensor is absent.
  at::Tensor tensor(const std::string& name) const;
  // Raw bytes of a tensor.
  const uint8_t* bytes(const TensorInfo& info) const { return base_ + header_.data_start + info.begin; }

 private:
  File() = default;
  std::string path_;
  std::unique_ptr<MappedFile> map_;
  const uint8_t* base_ = nullptr;  // map_->data()
  size_t size_ = 0;
  Header header_;
  std::map<std::string, size_t> index_;
  std::weak_ptr<File> self_;
};

// Loads every tensor of a file as owning (copied) tensors, in file order.
std::vector<std::pair<std::string, at::Tensor>> load_all(const std::string& path);

enum class Order {
  kCanonical,  // as Python's safetensors writer: descending element size, then name
  kAsGiven,    // keep the caller's order
};

// Serialises tensors (contiguous CPU copies are taken as needed) into the safetensors byte
// layout: 8-byte header length, compact JSON header padded with spaces to a multiple of 8, data.
std::string serialize(const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                      const std::vector<std::pair<std::string, std::string>>& metadata = {},
                      Order order = Order::kCanonical);

// Writes a file atomically (temp file + rename).
void save(const std::string& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
          const std::vector<std::pair<std::string, std::string>>& metadata = {}, Order order = Order::kCanonical);

// A Hugging Face checkpoint's weights: model.safetensors.index.json + shards, or
// model.safetensors. Never globs (Mistral folders also hold consolidated.safetensors).
class Checkpoint {
 public:
  explicit Checkpoint(const std::string& dir);
  const std::string& dir() const { return dir_; }
  bool contains(const std::string& name) const { return where_.count(name) > 0; }
  std::vector<std::string> names() const;
  const TensorInfo& info(const std::string& name) const;
  at::Tensor tensor(const std::string& name) const;  // input_error naming the tensor when absent
  // Files that make up the checkpoint (for identities).
  std::vector<std::string> files() const;

 private:
  std::string dir_;
  std::vector<std::shared_ptr<File>> files_;
  std::map<std::string, size_t> where_;  // tensor -> index into files_
};

}  // namespace ntm::st
