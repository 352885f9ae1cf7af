// GGUF container: header, metadata, tensor infos, with every bound checked before use.
#include "ntm/io/gguf.h"

#include <cstring>
#include <fstream>
#include <set>

#include "ntm/error.h"

namespace ntm::gguf {
namespace {

constexpr uint64_t kMaxString = uint64_t(1) << 30;  // llama.cpp's caps
constexpr uint64_t kMaxArray = uint64_t(1) << 30;
constexpr uint32_t kMaxDims = 4;
constexpr uint64_t kMaxName = 64;  // GGML_MAX_NAME: names must be shorter

// Bytes of one scalar value type; 0 for STRING / ARRAY (variable) and unknown ids.
uint64_t scalar_size(uint32_t t) {
  switch (t) {
    case 0:
    case 1:
    case 7:
      return 1;
    case 2:
    case 3:
      return 2;
    case 4:
    case 5:
    case 6:
      return 4;
    case 10:
    case 11:
    case 12:
      return 8;
    default:
      return 0;
  }
}

// Little-endian cursor over the file image; every read is checked against the end.
class Cursor {
 public:
  Cursor(const uint8_t* p, uint64_t size, const std::string& where) : p_(p), size_(size), where_(where) {}
  uint64_t pos() const { return pos_; }
  uint64_t left() const { return size_ - pos_; }
  void need(uint64_t n, const std::string& field) const {
    if (n > left())
      input_error(where_, ": truncated file: ", field, " needs ", n, " bytes at offset ", pos_, " but only ",
                  left(), " remain");
  }
  template <typename T>
  T read(const std::string& field) {
    need(sizeof(T), field);
    T v;
    std::memcpy(&v, p_ + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string string(const std::string& field, uint64_t max_len = kMaxString) {
    uint64_t n = read<uint64_t>(field + " length");
    if (n > max_len)
      input_error(where_, ": ", field, ": length ", n, " exceeds the limit of ", max_len, " bytes");
    need(n, field);
    std::string s(reinterpret_cast<const char*>(p_ + pos_), static_cast<size_t>(n));
    pos_ += n;
    return s;
  }
  void skip(uint64_t n, const std::string& field) {
    need(n, field);
    pos_ += n;
  }

 private:
  const uint8_t* p_;
  uint64_t size_;
  uint64_t pos_ = 0;
  const std::string& where_;
};

void read_scalar(Cursor& c, uint32_t t, KeyValue& kv, const std::string& field) {
  switch (t) {
    case 0:
      kv.u = c.read<uint8_t>(field);
      break;
    case 1:
      kv.i = c.read<int8_t>(field);
      break;
    case 2:
      kv.u = c.read<uint16_t>(field);
      break;
    case 3:
      kv.i = c.read<int16_t>(field);
      break;
    case 4:
      kv.u = c.read<uint32_t>(field);
      break;
    case 5:
      kv.i = c.read<int32_t>(field);
      break;
    case 6:
      kv.f = c.read<float>(field);
      break;
    case 7:
      kv.u = c.read<uint8_t>(field) != 0;
      break;
    case 10:
      kv.u = c.read<uint64_t>(field);
      break;
    case 11:
      kv.i = c.read<int64_t>(field);
      break;
    case 12:
      kv.f = c.read<double>(field);
      break;
    default:
      internal_error("gguf: read_scalar on type ", t);
  }
}

}  // namespace

const char* value_type_name(ValueType t) {
  static const char* names[] = {"UINT8", "INT8",   "UINT16", "INT16",  "UINT32", "INT32",  "FLOAT32",
                                "BOOL",  "STRING", "ARRAY",  "UINT64", "INT64",  "FLOAT64"};
  auto i = static_cast<uint32_t>(t);
  return i < 13 ? names[i] : "unknown";
}

int64_t TensorInfo::numel() const {
  int64_t n = 1;
  for (auto d : ne) n *= d;
  return n;
}

std::vector<int64_t> TensorInfo::shape() const {
  return std::vector<int64_t>(ne.rbegin(), ne.rend());
}

std::shared_ptr<File> File::open(const std::string& path) {
  std::shared_ptr<File> f(new File());
  f->path_ = path;
  f->map_ = MappedFile::open(path);
  f->base_ = f->map_->data();
  f->size_ = f->map_->size();
  f->parse();
  return f;
}

std::shared_ptr<File> File::from_bytes(std::string bytes, const std::string& where) {
  std::shared_ptr<File> f(new File());
  f->path_ = where;
  f->owned_ = std::move(bytes);
  f->base_ = reinterpret_cast<const uint8_t*>(f->owned_.data());
  f->size_ = f->owned_.size();
  f->parse();
  return f;
}

File::~File() = default;

void File::parse() {
  static const uint8_t empty[1] = {0};
  Cursor c(base_ ? base_ : empty, size_, path_);
  if (size_ < 4 || std::memcmp(base_, "GGUF", 4) != 0)
    input_error(path_, ": not a GGUF file (magic: the first 4 bytes must be 'GGUF')");
  c.skip(4, "magic");
  version_ = c.read<uint32_t>("version");
  if ((version_ & 0xFFFF) == 0 && version_ != 0)
    input_error(path_, ": version: big-endian (byte-swapped) GGUF files are not supported");
  if (version_ != 2 && version_ != 3)
    input_error(path_, ": version ", version_, " is not supported (GGUF 2 and 3 are; version 1 is obsolete)");
  uint64_t n_tensors = c.read<uint64_t>("tensor_count");
  uint64_t n_kv = c.read<uint64_t>("kv_count");
  // Smallest records: a KV is key length (8) + type (4) + 1 byte; a tensor info is name length (8)
  // + n_dims (4) + type (4) + offset (8). Counts beyond what the file can hold are corrupt.
  if (n_kv > c.left() / 13)
    input_error(path_, ": kv_count ", n_kv, " cannot fit in the ", size_,
                "-byte file (truncated or corrupt)");
  if (n_tensors > c.left() / 24)
    input_error(path_, ": tensor_count ", n_tensors, " cannot fit in the ", size_,
                "-byte file (truncated or corrupt)");

  for (uint64_t k = 0; k < n_kv; ++k) {
    KeyValue kv;
    kv.key = c.string("key of metadata pair " + std::to_string(k));
    const std::string field = "metadata '" + kv.key + "'";
    if (kv_index_.count(kv.key)) input_error(path_, ": ", field, ": duplicate key");
    uint32_t t = c.read<uint32_t>(field + " type");
    if (t > 12) input_error(path_, ": ", field, ": unknown value type id ", t);
    kv.type = static_cast<ValueType>(t);
    if (kv.type == ValueType::kString) {
      kv.s = c.string(field);
    } else if (kv.type == ValueType::kArray) {
      uint32_t et = c.read<uint32_t>(field + " array element type");
      if (et == 9) input_error(path_, ": ", field, ": nested arrays are not supported");
      if (et > 12) input_error(path_, ": ", field, ": unknown array element type id ", et);
      kv.elem_type = static_cast<ValueType>(et);
      kv.count = c.read<uint64_t>(field + " array count");
      uint64_t min_elem = et == 8 ? 8 : scalar_size(et);
      if (kv.count > kMaxArray || kv.count > c.left() / min_elem)
        input_error(path_, ": ", field, ": array count ", kv.count, " exceeds the bytes left in the file (",
                    c.left(), ")");
      kv.offset = c.pos();
      if (et == 8) {
        for (uint64_t j = 0; j < kv.count; ++j) {
          uint64_t n = c.read<uint64_t>(field + " element " + std::to_string(j) + " length");
          if (n > kMaxString)
            input_error(path_, ": ", field, " element ", j, ": length ", n, " exceeds the limit");
          c.skip(n, field + " element " + std::to_string(j));
        }
      } else {
        c.skip(kv.count * min_elem, field + " array data");
      }
    } else {
      read_scalar(c, t, kv, field);
    }
    kv_index_[kv.key] = kvs_.size();
    kvs_.push_back(std::move(kv));
  }

  if (const KeyValue* a = find_kv("general.alignment")) {
    if (a->type != ValueType::kU32)
      input_error(path_, ": metadata 'general.alignment' must be UINT32 (found ", value_type_name(a->type),
                  ")");
    if (a->u == 0 || (a->u & (a->u - 1)) != 0)
      input_error(path_, ": metadata 'general.alignment' = ", a->u, " is not a power of two");
    alignment_ = a->u;
  }

  for (uint64_t k = 0; k < n_tensors; ++k) {
    TensorInfo t;
    t.name = c.string("name of tensor " + std::to_string(k), kMaxName - 1);
    const std::string field = "tensor '" + t.name + "'";
    if (tensor_index_.count(t.name)) input_error(path_, ": ", field, ": duplicate tensor name");
    uint32_t nd = c.read<uint32_t>(field + " n_dims");
    if (nd > kMaxDims) input_error(path_, ": ", field, ": n_dims ", nd, " exceeds ", kMaxDims);
    uint64_t numel = 1;
    for (uint32_t d = 0; d < nd; ++d) {
      int64_t v = c.read<int64_t>(field + " dim " + std::to_string(d));
      if (v < 0) input_error(path_, ": ", field, ": dim ", d, " is negative (", v, ")");
      if (__builtin_mul_overflow(numel, static_cast<uint64_t>(v), &numel) || numel > (uint64_t(1) << 62))
        input_error(path_, ": ", field, ": the product of the dims overflows");
      t.ne.push_back(v);
    }
    t.type = c.read<uint32_t>(field + " type");
    if (!type_known(t.type)) input_error(path_, ": ", field, ": unknown ggml type id ", t.type);
    int64_t be = block_elems(t.type);
    if (!t.ne.empty() && t.ne[0] % be != 0)
      input_error(path_, ": ", field, ": dim 0 (", t.ne[0], ") is not a multiple of the ", type_name(t.type),
                  " block size ", be);
    if (t.ne.empty() && be != 1)
      input_error(path_, ": ", field, ": a 0-dim tensor cannot be of block type ", type_name(t.type));
    t.nbytes = numel / static_cast<uint64_t>(be) * static_cast<uint64_t>(block_bytes(t.type));  // <= 2^62 * 2
    t.offset = c.read<uint64_t>(field + " offset");
    if (t.offset % alignment_ != 0)
      input_error(path_, ": ", field, ": offset ", t.offset, " is not a multiple of the alignment ",
                  alignment_);
    tensor_index_[t.name] = tensors_.size();
    tensors_.push_back(std::move(t));
  }

  uint64_t end = c.pos();
  data_start_ = (end + alignment_ - 1) / alignment_ * alignment_;  // end <= size_, alignment <= 2^32
  for (const auto& t : tensors_) {
    if (data_start_ > size_ || t.offset > size_ - data_start_ || t.nbytes > size_ - data_start_ - t.offset)
      input_error(path_, ": tensor '", t.name, "' offset: its ", t.nbytes, " bytes at data offset ", t.offset,
                  " run past the end of the file (", size_, " bytes, data section at ", data_start_,
                  "; truncated?)");
  }
}

const KeyValue* File::find_kv(const std::string& key) const {
  auto it = kv_index_.find(key);
  return it == kv_index_.end() ? nullptr : &kvs_[it->second];
}

const TensorInfo* File::find(const std::string& name) const {
  auto it = tensor_index_.find(name);
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

const TensorInfo& File::info(const std::string& name) const {
  const TensorInfo* t = find(name);
  if (!t) input_error(path_, ": no tensor named '", name, "'");
  return *t;
}

bool is_gguf_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {0, 0, 0, 0};
  if (!in.read(magic, 4)) return false;
  return std::memcmp(magic, "GGUF", 4) == 0;
}

}  // namespace ntm::gguf
