#pragma once
// GGUF reader (llama.cpp / Ollama / LM Studio model files, versions 2 and 3).
//
//   auto f = ntm::gguf::File::open("model.gguf");
//   std::string arch = f->get_string("general.architecture");
//   uint32_t layers = f->get_u32(arch + ".block_count");
//   std::vector<std::string> tokens = f->get_string_array("tokenizer.ggml.tokens");
//   at::Tensor w = f->dequantize("blk.0.attn_q.weight");  // float32, PyTorch (reversed) shape
//
// Every length, count, dimension, type id and offset is checked before it is used (see
// ../shared/docs/gguf-notes.md §8): a hostile file gives an ntm::Error (input, exit 2) whose one
// line names the file and the field, and never makes the reader allocate more than the file
// holds. Files are mmap'ed; metadata strings are copied out, tensor bytes stay in the mapping.
// Accessors name the file and the key on a missing key or a wrong type.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ntm/util/mapped_file.h"

namespace ntm::gguf {

// Metadata value types (the file's u32 ids).
enum class ValueType : uint32_t {
  kU8 = 0, kI8 = 1, kU16 = 2, kI16 = 3, kU32 = 4, kI32 = 5, kF32 = 6,
  kBool = 7, kString = 8, kArray = 9, kU64 = 10, kI64 = 11, kF64 = 12,
};
const char* value_type_name(ValueType t);  // "UINT32", "ARRAY", ...

// ggml tensor types (ids as in ggml.h). Only the ones ntm can dequantize are named here; the
// reader knows the block sizes of every type llama.cpp writes (IQ*, TQ*, MXFP4, ...) and reports
// those by name when a tensor of that type is dequantized.
enum class GgmlType : uint32_t {
  kF32 = 0, kF16 = 1, kQ4_0 = 2, kQ4_1 = 3, kQ5_0 = 6, kQ5_1 = 7, kQ8_0 = 8,
  kQ2_K = 10, kQ3_K = 11, kQ4_K = 12, kQ5_K = 13, kQ6_K = 14, kBF16 = 30,
};
const char* type_name(uint32_t ggml_type);      // "Q4_K"; "type 99" for ids the reader does not know
bool type_known(uint32_t ggml_type);            // in the table of block sizes
bool type_supported(uint32_t ggml_type);        // ntm can dequantize it
int64_t block_elems(uint32_t ggml_type);        // elements per block (1 for plain types)
int64_t block_bytes(uint32_t ggml_type);        // bytes per block
std::string supported_type_names();             // "F32, F16, BF16, Q4_0, ..."

// One metadata key/value. Scalars are held decoded; arrays keep their element type, count and
// the position of their first element in the file (typed accessors decode them on demand).
struct KeyValue {
  std::string key;
  ValueType type = ValueType::kU8;
  uint64_t u = 0;     // unsigned integers and bool
  int64_t i = 0;      // signed integers
  double f = 0.0;     // F32 / F64
  std::string s;      // STRING
  ValueType elem_type = ValueType::kU8;  // ARRAY: element type (never ARRAY)
  uint64_t count = 0;                    // ARRAY: number of elements
  uint64_t offset = 0;                   // ARRAY: file offset of the first element
};

struct TensorInfo {
  std::string name;
  uint32_t type = 0;          // ggml type id
  std::vector<int64_t> ne;    // ggml dims, ne[0] fastest (as stored: exactly n_dims entries)
  uint64_t offset = 0;        // relative to the data section
  uint64_t nbytes = 0;
  int64_t numel() const;
  std::vector<int64_t> shape() const;  // PyTorch row-major shape: ne reversed
};

class File {
 public:
  // Maps and validates a file. ntm::Error (input) naming the path and the field on any problem.
  static std::shared_ptr<File> open(const std::string& path);
  // Validates an in-memory image (tests, fuzzing); `where` names it in errors.
  static std::shared_ptr<File> from_bytes(std::string bytes, const std::string& where);
  ~File();
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  const std::string& path() const { return path_; }
  uint32_t version() const { return version_; }
  uint64_t alignment() const { return alignment_; }
  uint64_t data_start() const { return data_start_; }
  uint64_t size() const { return size_; }

  // ---- metadata (in file order) ----
  const std::vector<KeyValue>& metadata() const { return kvs_; }
  bool has(const std::string& key) const { return find_kv(key) != nullptr; }
  const KeyValue* find_kv(const std::string& key) const;
  // Typed getters. Integers accept any integer type whose value fits (and BOOL for nothing);
  // floats accept F32 or F64. Without a fallback a missing key is an error naming it.
  std::string get_string(const std::string& key) const;
  std::string get_string(const std::string& key, const std::string& fallback) const;
  uint32_t get_u32(const std::string& key) const;
  uint32_t get_u32(const std::string& key, uint32_t fallback) const;
  uint64_t get_u64(const std::string& key) const;
  uint64_t get_u64(const std::string& key, uint64_t fallback) const;
  int64_t get_i64(const std::string& key) const;
  int64_t get_i64(const std::string& key, int64_t fallback) const;
  double get_f64(const std::string& key) const;
  double get_f64(const std::string& key, double fallback) const;
  float get_f32(const std::string& key) const;  // F32 (or F64 rounded to float)
  float get_f32(const std::string& key, float fallback) const;
  bool get_bool(const std::string& key) const;
  bool get_bool(const std::string& key, bool fallback) const;
  // Arrays: element count and decoded copies. Numeric arrays accept any numeric element type
  // whose values fit the requested type; string arrays need STRING elements.
  uint64_t array_size(const std::string& key) const;
  ValueType array_type(const std::string& key) const;
  std::vector<std::string> get_string_array(const std::string& key) const;
  std::vector<float> get_f32_array(const std::string& key) const;
  std::vector<int32_t> get_i32_array(const std::string& key) const;
  std::vector<int64_t> get_i64_array(const std::string& key) const;
  // Error "FILE: metadata key 'KEY' WHAT" (for callers validating values).
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;

  // ---- tensors (in file order) ----
  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  const TensorInfo* find(const std::string& name) const;
  bool contains(const std::string& name) const { return find(name) != nullptr; }
  const TensorInfo& info(const std::string& name) const;  // error naming the tensor when absent
  const uint8_t* bytes(const TensorInfo& t) const { return base_ + data_start_ + t.offset; }
  // The tensor as float32 in its PyTorch shape (new memory). Error naming the tensor and its
  // type when ntm cannot dequantize that type.
  at::Tensor dequantize(const std::string& name) const;
  at::Tensor dequantize(const TensorInfo& t) const;
  // The same into caller memory: t.numel() floats at `dst` (blocks in parallel).
  void dequantize_into(const TensorInfo& t, float* dst) const;

 private:
  File() = default;
  void parse();
  void check_supported(const TensorInfo& t) const;  // error naming the tensor and its type
  std::string path_;
  std::unique_ptr<MappedFile> map_;  // open()
  std::string owned_;                // from_bytes() image
  const uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
  uint32_t version_ = 0;
  uint64_t alignment_ = 32;
  uint64_t data_start_ = 0;
  std::vector<KeyValue> kvs_;
  std::map<std::string, size_t> kv_index_;
  std::vector<TensorInfo> tensors_;
  std::map<std::string, size_t> tensor_index_;
};

// Dequantizes `n` elements (a multiple of block_elems(type)) of one ggml type from `src` into
// float32 `dst`, bit-exact with gguf-py 0.19 `gguf.quants.dequantize` (float32 arithmetic, one
// rounding per operation, no FMA). Runs blocks in parallel. input_error for unsupported types.
void dequantize_into(uint32_t ggml_type, const uint8_t* src, float* dst, int64_t n);

// A serial decoder of n elements (whole blocks) of one type, with the numbers of dequantize_into
// but none of its checks or parallel dispatch: for callers that decode many short rows
// (lm::QuantMatrix). nullptr for types ntm cannot dequantize.
using RowDecoder = void (*)(const uint8_t* src, float* dst, int64_t n);
RowDecoder row_decoder(uint32_t ggml_type);

// True when the file starts with the GGUF magic (cheap check used to route --model).
bool is_gguf_file(const std::string& path);

}  // namespace ntm::gguf
