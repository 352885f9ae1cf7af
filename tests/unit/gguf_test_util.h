#pragma once
// A byte-level GGUF writer for tests: builds valid files and, by construction, hostile ones.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace ntm::test {

class GgufBuilder {
 public:
  uint32_t version = 3;
  uint64_t alignment = 32;
  // Overrides for hostile files (0 = use the real counts).
  uint64_t tensor_count_override = 0, kv_count_override = 0;

  static void put_u32(std::string& s, uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }
  static void put_u64(std::string& s, uint64_t v) { s.append(reinterpret_cast<const char*>(&v), 8); }
  static void put_str(std::string& s, const std::string& v) {
    put_u64(s, v.size());
    s += v;
  }

  // A KV whose value bytes are given raw (after the type id).
  void kv_raw(const std::string& key, uint32_t type, const std::string& value) {
    put_str(kvs_, key);
    put_u32(kvs_, type);
    kvs_ += value;
    ++n_kv_;
  }
  void kv_string(const std::string& key, const std::string& v) {
    std::string b;
    put_str(b, v);
    kv_raw(key, 8, b);
  }
  void kv_u32(const std::string& key, uint32_t v) {
    std::string b;
    put_u32(b, v);
    kv_raw(key, 4, b);
  }
  void kv_f32(const std::string& key, float v) {
    kv_raw(key, 6, std::string(reinterpret_cast<const char*>(&v), 4));
  }
  void kv_bool(const std::string& key, bool v) { kv_raw(key, 7, std::string(1, v ? '\1' : '\0')); }
  void kv_strings(const std::string& key, const std::vector<std::string>& v) {
    std::string b;
    put_u32(b, 8);
    put_u64(b, v.size());
    for (const auto& s : v) put_str(b, s);
    kv_raw(key, 9, b);
  }
  void kv_i32s(const std::string& key, const std::vector<int32_t>& v) {
    std::string b;
    put_u32(b, 5);
    put_u64(b, v.size());
    for (int32_t x : v) put_u32(b, static_cast<uint32_t>(x));
    kv_raw(key, 9, b);
  }

  // A tensor with the given ggml dims and raw data; placed at the next aligned data offset
  // (or at `offset` when given).
  static constexpr uint64_t kAuto = ~uint64_t(0);
  void tensor(const std::string& name, const std::vector<int64_t>& ne, uint32_t type,
              const std::string& bytes, uint64_t offset = kAuto) {
    while (data_.size() % alignment) data_.push_back('\0');
    put_str(infos_, name);
    put_u32(infos_, static_cast<uint32_t>(ne.size()));
    for (int64_t d : ne) put_u64(infos_, static_cast<uint64_t>(d));
    put_u32(infos_, type);
    put_u64(infos_, offset != kAuto ? offset : data_.size());
    data_ += bytes;
    ++n_t_;
  }
  void f32_tensor(const std::string& name, const std::vector<int64_t>& ne, const std::vector<float>& v) {
    tensor(name, ne, 0, std::string(reinterpret_cast<const char*>(v.data()), v.size() * 4));
  }

  std::string build() const {
    std::string out = "GGUF";
    put_u32(out, version);
    put_u64(out, tensor_count_override ? tensor_count_override : n_t_);
    put_u64(out, kv_count_override ? kv_count_override : n_kv_);
    out += kvs_;
    out += infos_;
    while (out.size() % alignment) out.push_back('\0');
    return out + data_;
  }

 private:
  std::string kvs_, infos_, data_;
  uint64_t n_kv_ = 0, n_t_ = 0;
};

}  // namespace ntm::test
