#include "ntm/util/symlinks.h"
#include "ntm/io/safetensors.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "ntm/error.h"
#include "ntm/util/fs.h"

namespace ntm::st {
namespace {

using json = nlohmann::json;
constexpr uint64_t kMaxHeaderSize = 100'000'000;  // the reference's MAX_HEADER_SIZE
constexpr size_t kMaxRank = 16;

struct DTypeRow {
  DType dtype;
  const char* name;
  size_t size;
  c10::ScalarType scalar;
};
const DTypeRow kDTypes[] = {
    {DType::kBool, "BOOL", 1, c10::kBool}, {DType::kU8, "U8", 1, c10::kByte},
    {DType::kI8, "I8", 1, c10::kChar},     {DType::kI16, "I16", 2, c10::kShort},
    {DType::kI32, "I32", 4, c10::kInt},    {DType::kI64, "I64", 8, c10::kLong},
    {DType::kF16, "F16", 2, c10::kHalf},   {DType::kBF16, "BF16", 2, c10::kBFloat16},
    {DType::kF32, "F32", 4, c10::kFloat},  {DType::kF64, "F64", 8, c10::kDouble},
};
const DTypeRow& row(DType d) {
  for (const auto& r : kDTypes)
    if (r.dtype == d) return r;
  internal_error("unknown safetensors dtype");
}

DType parse_dtype(const std::string& s, const std::string& where, const std::string& tensor) {
  for (const auto& r : kDTypes)
    if (s == r.name) return r.dtype;
  std::string known;
  for (const auto& r : kDTypes) known += std::string(known.empty() ? "" : ", ") + r.name;
  input_error(where, ": tensor '", tensor, "' has dtype '", s, "', which ntm does not support (supported: ", known,
              ")");
}

uint64_t checked_mul(uint64_t a, uint64_t b, const std::string& where, const std::string& tensor) {
  uint64_t r;
  if (__builtin_mul_overflow(a, b, &r))
    input_error(where, ": tensor '", tensor, "': shape x dtype size overflows 64 bits");
  return r;
}

}  // namespace

const char* dtype_name(DType d) { return row(d).name; }
size_t dtype_size(DType d) { return row(d).size; }
c10::ScalarType to_scalar_type(DType d) { return row(d).scalar; }
DType from_scalar_type(c10::ScalarType t) {
  for (const auto& r : kDTypes)
    if (r.scalar == t) return r.dtype;
  input_error("safetensors cannot store tensors of type ", c10::toString(t));
}

int64_t TensorInfo::numel() const {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

Header parse_header(const uint8_t* data, size_t size, const std::string& where) {
  if (size < 8) input_error(where, ": not a safetensors file (", size, " bytes; the header length alone takes 8)");
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | data[i];
  if (n > kMaxHeaderSize)
    input_error(where, ": header length ", n, " exceeds the 100 MB limit (corrupt or not a safetensors file)");
  if (n > size - 8)
    input_error(where, ": header length ", n, " runs past the end of the file (", size, " bytes; truncated?)");
  Header h;
  h.data_start = 8 + n;

  std::set<std::string> seen;
  json j;
  try {
    // The callback rejects duplicate top-level keys, which a plain parse would silently merge.
    j = json::parse(reinterpret_cast<const char*>(data + 8), reinterpret_cast<const char*>(data + 8 + n),
                    [&](int depth, json::parse_event_t ev, json& parsed) {
                      if (ev == json::parse_event_t::key && depth == 1) {
                        auto key = parsed.get<std::string>();
                        if (!seen.insert(key).second) input_error(where, ": duplicate tensor name '", key, "' in header");
                      }
                      return true;
                    });
  } catch (const json::exception& e) {
    input_error(where, ": header is not valid JSON (", e.what(), ")");
  }
  if (!j.is_object()) input_error(where, ": header is not a JSON object");

  // nlohmann sorts object keys; the order of metadata entries is recovered from the raw text below.
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& name = it.key();
    const json& v = it.value();
    if (name == "__metadata__") {
      if (!v.is_object()) input_error(where, ": __metadata__ must be an object of strings");
      for (auto m = v.begin(); m != v.end(); ++m) {
        if (!m.value().is_string())
          input_error(where, ": __metadata__ value for '", m.key(), "' is not a string");
        h.metadata.emplace_back(m.key(), m.value().get<std::string>());
      }
      continue;
    }
    if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") || !v.contains("data_offsets"))
      input_error(where, ": tensor '", name, "' needs dtype, shape and data_offsets");
    if (!v["dtype"].is_string()) input_error(where, ": tensor '", name, "': dtype is not a string");
    TensorInfo t;
    t.name = name;
    t.dtype = parse_dtype(v["dtype"].get<std::string>(), where, name);
    const json& shape = v["shape"];
    if (!shape.is_array() || shape.size() > kMaxRank)
      input_error(where, ": tensor '", name, "': shape must be an array of at most ", kMaxRank, " integers");
    uint64_t numel = 1;
    for (const auto& d : shape) {
      if (!d.is_number_unsigned()) input_error(where, ": tensor '", name, "': shape entries must be integers >= 0");
      uint64_t dim = d.get<uint64_t>();
      if (dim > (uint64_t(1) << 48)) input_error(where, ": tensor '", name, "': dimension ", dim, " is absurd");
      numel = checked_mul(numel, dim, where, name);
      t.shape.push_back(static_cast<int64_t>(dim));
    }
    const json& off = v["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
      input_error(where, ": tensor '", name, "': data_offsets must be [begin, end] integers");
    t.begin = off[0].get<uint64_t>();
    t.end = off[1].get<uint64_t>();
    if (t.end < t.begin)
      input_error(where, ": tensor '", name, "': data_offsets end ", t.end, " < begin ", t.begin);
    uint64_t nbytes = checked_mul(numel, dtype_size(t.dtype), where, name);
    if (t.end - t.begin != nbytes)
      input_error(where, ": tensor '", name, "': ", t.end - t.begin, " bytes in data_offsets but shape x ",
                  dtype_name(t.dtype), " needs ", nbytes);
    h.tensors.push_back(std::move(t));
  }
  // Metadata in file order (small; find each key's position in the raw header text).
  if (h.metadata.size() > 1) {
    std::string raw(reinterpret_cast<const char*>(data + 8), n);
    size_t mpos = raw.find("\"__metadata__\"");
    auto pos_of = [&](const std::string& key) {
      return raw.find(json(key).dump() + ":", mpos == std::string::npos ? 0 : mpos);
    };
    std::stable_sort(h.metadata.begin(), h.metadata.end(),
                     [&](const auto& a, const auto& b) { return pos_of(a.first) < pos_of(b.first); });
  }
  std::stable_sort(h.tensors.begin(), h.tensors.end(), [](const TensorInfo& a, const TensorInfo& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t expect = 0;
  for (const auto& t : h.tensors) {
    if (t.begin != expect)
      input_error(where, ": tensor '", t.name, "' starts at byte ", t.begin, " but the previous tensor ends at ", expect,
                  t.begin < expect ? " (overlapping tensors)" : " (gap between tensors)");
    expect = t.end;
  }
  if (h.data_start + expect != size)
    input_error(where, ": file is ", size, " bytes but the header describes ", h.data_start + expect,
                size < h.data_start + expect ? " (truncated file)" : " (trailing bytes after the last tensor)");
  return h;
}

std::shared_ptr<File> File::open(const std::string& path) {
  std::shared_ptr<File> f(new File());
  f->path_ = path;
  f->map_ = MappedFile::open(path);  // input_error: cannot open / not a regular file / mmap failed
  f->base_ = f->map_->data();
  f->size_ = f->map_->size();
  static const uint8_t empty[1] = {0};
  f->header_ = parse_header(f->base_ ? f->base_ : empty, f->size_, path);
  for (size_t i = 0; i < f->header_.tensors.size(); ++i) f->index_[f->header_.tensors[i].name] = i;
  f->self_ = f;
  return f;
}

File::~File() = default;

std::vector<std::string> File::names() const {
  std::vector<std::string> out;
  for (const auto& t : header_.tensors) out.push_back(t.name);
  return out;
}

const TensorInfo* File::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &header_.tensors[it->second];
}

std::string File::metadata(const std::string& key, const std::string& fallback) const {
  for (const auto& [k, v] : header_.metadata)
    if (k == key) return v;
  return fallback;
}

at::Tensor File::tensor(const std::string& name) const {
  const TensorInfo* info = find(name);
  if (!info) input_error(path_, ": no tensor named '", name, "'");
  auto opts = torch::TensorOptions().dtype(to_scalar_type(info->dtype));
  const uint8_t* p = bytes(*info);
  size_t esize = dtype_size(info->dtype);
  if (info->numel() == 0) return torch::empty(info->shape, opts);
  if (reinterpret_cast<uintptr_t>(p) % esize != 0) {
    at::Tensor t = torch::empty(info->shape, opts);
    std::memcpy(t.data_ptr(), p, info->end - info->begin);
    return t;
  }
  std::shared_ptr<const File> keep = self_.lock();
  NTM_CHECK(keep != nullptr, "safetensors File must be created through File::open");
  return torch::from_blob(const_cast<uint8_t*>(p), info->shape, [keep](void*) mutable { keep.reset(); }, opts);
}

std::vector<std::pair<std::string, at::Tensor>> load_all(const std::string& path) {
  auto f = File::open(path);
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const auto& t : f->tensors()) out.emplace_back(t.name, f->tensor(t.name).clone());
  return out;
}

std::string serialize(const std::vector<std::pair<std::string, at::Tensor>>& tensors_in,
                      const std::vector<std::pair<std::string, std::string>>& metadata, Order order) {
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  std::set<std::string> names;
  for (const auto& [name, t] : tensors_in) {
    if (name == "__metadata__") input_error("safetensors: a tensor cannot be named __metadata__");
    if (!names.insert(name).second) input_error("safetensors: duplicate tensor name '", name, "'");
    tensors.emplace_back(name, t.to(torch::kCPU).contiguous());
  }
  if (order == Order::kCanonical) {
    std::stable_sort(tensors.begin(), tensors.end(), [](const auto& a, const auto& b) {
      size_t sa = a.second.element_size(), sb = b.second.element_size();
      return sa != sb ? sa > sb : a.first < b.first;
    });
  }
  std::string header = "{";
  if (!metadata.empty()) {
    header += "\"__metadata__\":{";
    for (size_t i = 0; i < metadata.size(); ++i) {
      if (i) header += ",";
      header += json(metadata[i].first).dump() + ":" + json(metadata[i].second).dump();
    }
    header += "}";
  }
  uint64_t offset = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const auto& [name, t] = tensors[i];
    DType dt = from_scalar_type(t.scalar_type());
    uint64_t nbytes = static_cast<uint64_t>(t.numel()) * dtype_size(dt);
    if (header.size() > 1) header += ",";
    header += json(name).dump() + ":{\"dtype\":\"" + dtype_name(dt) + "\",\"shape\":[";
    for (int64_t d = 0; d < t.dim(); ++d) header += (d ? "," : "") + std::to_string(t.size(d));
    header += "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + nbytes) + "]}";
    offset += nbytes;
  }
  header += "}";
  while (header.size() % 8) header += ' ';
  std::string out;
  out.reserve(8 + header.size() + offset);
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  out += header;
  for (const auto& [name, t] : tensors)
    out.append(static_cast<const char*>(t.data_ptr()), static_cast<size_t>(t.numel()) * t.element_size());
  return out;
}

void save(const std::string& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
          const std::vector<std::pair<std::string, std::string>>& metadata, Order order) {
  write_file_atomic(path, serialize(tensors, metadata, order));
}

Checkpoint::Checkpoint(const std::string& dir) : dir_(dir) {
  std::string index_path = path_join(dir, "model.safetensors.index.json");
  std::string single = path_join(dir, "model.safetensors");
  if (path_exists(index_path)) {
    check_inside_model_dir(dir, index_path);
    json index;
    try {
      index = json::parse(read_file(index_path));
    } catch (const json::exception& e) {
      input_error(index_path, ": invalid JSON (", e.what(), ")");
    }
    if (!index.contains("weight_map") || !index["weight_map"].is_object())
      input_error(index_path, ": missing object 'weight_map'");
    std::map<std::string, size_t> file_index;
    for (auto it = index["weight_map"].begin(); it != index["weight_map"].end(); ++it) {
      if (!it.value().is_string()) input_error(index_path, ": weight_map['", it.key(), "'] is not a file name");
      std::string shard = it.value().get<std::string>();
      if (shard.empty() || shard.find('/') != std::string::npos || shard == "." || shard == "..")
        input_error(index_path, ": weight_map['", it.key(), "'] = '", shard,
                    "' is not a plain file name inside the checkpoint folder");
      auto f = file_index.find(shard);
      if (f == file_index.end()) {
        std::string shard_path = path_join(dir, shard);
        if (!path_exists(shard_path))
          input_error(index_path, ": shard '", shard, "' (holding '", it.key(), "') does not exist in ", dir);
        check_inside_model_dir(dir, shard_path);
        files_.push_back(File::open(shard_path));
        f = file_index.emplace(shard, files_.size() - 1).first;
      }
      if (!files_[f->second]->contains(it.key()))
        input_error(index_path, ": tensor '", it.key(), "' is mapped to '", shard, "' but that shard does not hold it");
      where_[it.key()] = f->second;
    }
  } else if (path_exists(single)) {
    check_inside_model_dir(dir, single);
    files_.push_back(File::open(single));
    for (const auto& t : files_[0]->tensors()) where_[t.name] = 0;
  } else if (path_exists(path_join(dir, "pytorch_model.bin"))) {
    input_error(dir, ": only pytorch_model.bin (pickle) found; ntm reads safetensors only — convert it with "
                "transformers' save_pretrained(..., safe_serialization=True)");
  } else {
    input_error(dir, ": no model.safetensors or model.safetensors.index.json");
  }
}

std::vector<std::string> Checkpoint::names() const {
  std::vector<std::string> out;
  for (const auto& [n, i] : where_) out.push_back(n);
  return out;
}

const TensorInfo& Checkpoint::info(const std::string& name) const {
  auto it = where_.find(name);
  if (it == where_.end()) input_error(dir_, ": checkpoint has no tensor '", name, "'");
  return *files_[it->second]->find(name);
}

at::Tensor Checkpoint::tensor(const std::string& name) const {
  auto it = where_.find(name);
  if (it == where_.end()) input_error(dir_, ": checkpoint has no tensor '", name, "'");
  return files_[it->second]->tensor(name);
}

std::vector<std::string> Checkpoint::files() const {
  std::vector<std::string> out;
  for (const auto& f : files_) out.push_back(f->path());
  return out;
}

}  // namespace ntm::st
