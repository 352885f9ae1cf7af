// GGUF typed metadata accessors: errors name the file, the key and the type found.
#include <cstring>
#include <limits>

#include "ntm/error.h"
#include "ntm/io/gguf.h"

namespace ntm::gguf {
namespace {

bool is_unsigned(ValueType t) {
  return t == ValueType::kU8 || t == ValueType::kU16 || t == ValueType::kU32 || t == ValueType::kU64;
}
bool is_signed(ValueType t) {
  return t == ValueType::kI8 || t == ValueType::kI16 || t == ValueType::kI32 || t == ValueType::kI64;
}
bool is_float(ValueType t) {
  return t == ValueType::kF32 || t == ValueType::kF64;
}

template <typename T>
T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// One numeric array element as a KeyValue scalar (u / i / f), at element index j.
KeyValue element(const uint8_t* base, const KeyValue& a, uint64_t j) {
  KeyValue e;
  e.type = a.elem_type;
  switch (a.elem_type) {
    case ValueType::kU8:
      e.u = base[a.offset + j];
      break;
    case ValueType::kI8:
      e.i = static_cast<int8_t>(base[a.offset + j]);
      break;
    case ValueType::kBool:
      e.u = base[a.offset + j] != 0;
      break;
    case ValueType::kU16:
      e.u = load<uint16_t>(base + a.offset + 2 * j);
      break;
    case ValueType::kI16:
      e.i = load<int16_t>(base + a.offset + 2 * j);
      break;
    case ValueType::kU32:
      e.u = load<uint32_t>(base + a.offset + 4 * j);
      break;
    case ValueType::kI32:
      e.i = load<int32_t>(base + a.offset + 4 * j);
      break;
    case ValueType::kF32:
      e.f = load<float>(base + a.offset + 4 * j);
      break;
    case ValueType::kU64:
      e.u = load<uint64_t>(base + a.offset + 8 * j);
      break;
    case ValueType::kI64:
      e.i = load<int64_t>(base + a.offset + 8 * j);
      break;
    case ValueType::kF64:
      e.f = load<double>(base + a.offset + 8 * j);
      break;
    default:
      break;
  }
  return e;
}

// Integer value of a scalar in [lo, hi]; `fail` otherwise.
template <typename Fail>
int64_t int_in(const KeyValue& v, int64_t lo, uint64_t hi, Fail fail) {
  if (is_unsigned(v.type) || v.type == ValueType::kBool) {
    if (v.type == ValueType::kBool) fail("must be an integer (found BOOL)");
    if (v.u > hi) fail("= " + std::to_string(v.u) + " is out of range");
    return static_cast<int64_t>(v.u);
  }
  if (is_signed(v.type)) {
    if (v.i < lo || (v.i > 0 && static_cast<uint64_t>(v.i) > hi))
      fail("= " + std::to_string(v.i) + " is out of range");
    return v.i;
  }
  fail(std::string("must be an integer (found ") + value_type_name(v.type) + ")");
  return 0;
}

}  // namespace

void File::fail(const std::string& key, const std::string& what) const {
  input_error(path_, ": metadata key '", key, "' ", what);
}

#define NTM_GGUF_REQUIRE(key)        \
  const KeyValue* kv = find_kv(key); \
  if (!kv) input_error(path_, ": missing metadata key '", key, "'")

std::string File::get_string(const std::string& key) const {
  NTM_GGUF_REQUIRE(key);
  if (kv->type != ValueType::kString)
    fail(key, std::string("must be a STRING (found ") + value_type_name(kv->type) + ")");
  return kv->s;
}
std::string File::get_string(const std::string& key, const std::string& fallback) const {
  return has(key) ? get_string(key) : fallback;
}

uint64_t File::get_u64(const std::string& key) const {
  NTM_GGUF_REQUIRE(key);
  return static_cast<uint64_t>(
      int_in(*kv, 0, std::numeric_limits<int64_t>::max(), [&](const std::string& w) { fail(key, w); }));
}
uint64_t File::get_u64(const std::string& key, uint64_t fallback) const {
  return has(key) ? get_u64(key) : fallback;
}

uint32_t File::get_u32(const std::string& key) const {
  NTM_GGUF_REQUIRE(key);
  return static_cast<uint32_t>(
      int_in(*kv, 0, std::numeric_limits<uint32_t>::max(), [&](const std::string& w) { fail(key, w); }));
}
uint32_t File::get_u32(const std::string& key, uint32_t fallback) const {
  return has(key) ? get_u32(key) : fallback;
}

int64_t File::get_i64(const std::string& key) const {
  NTM_GGUF_REQUIRE(key);
  return int_in(*kv, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
                [&](const std::string& w) { fail(key, w); });
}
int64_t File::get_i64(const std::string& key, int64_t fallback) const {
  return has(key) ? get_i64(key) : fallback;
}

double File::get_f64(const std::string& key) const {
  NTM_GGUF_REQUIRE(key);
  if (!is_float(kv->type))
    fail(key, std::string("must be a float (found ") + value_type_name(kv->type) + ")");
  return kv->f;
}
double File::get_f64(const std::string& key, double fallback) const {
  return has(key) ? get_f64(key) : fallback;
}
float File::get_f32(const std::string& key) const {
  return static_cast<float>(get_f64(key));
}
float File::get_f32(const std::string& key, float fallback) const {
  return has(key) ? get_f32(key) : fallback;
}

bool File::get_bool(const std::string& key) const {
  NTM_GGUF_REQUIRE(key);
  if (kv->type != ValueType::kBool)
    fail(key, std::string("must be a BOOL (found ") + value_type_name(kv->type) + ")");
  return kv->u != 0;
}
bool File::get_bool(const std::string& key, bool fallback) const {
  return has(key) ? get_bool(key) : fallback;
}

uint64_t File::array_size(const std::string& key) const {
  NTM_GGUF_REQUIRE(key);
  if (kv->type != ValueType::kArray)
    fail(key, std::string("must be an ARRAY (found ") + value_type_name(kv->type) + ")");
  return kv->count;
}

ValueType File::array_type(const std::string& key) const {
  array_size(key);
  return find_kv(key)->elem_type;
}

std::vector<std::string> File::get_string_array(const std::string& key) const {
  if (array_type(key) != ValueType::kString)
    fail(key,
         std::string("must be an ARRAY of STRING (found ARRAY of ") + value_type_name(array_type(key)) + ")");
  const KeyValue& a = *find_kv(key);
  std::vector<std::string> out;
  out.reserve(a.count);  // bounded by the parser: count * 8 <= bytes in the file
  uint64_t pos = a.offset;
  for (uint64_t j = 0; j < a.count; ++j) {
    uint64_t n = load<uint64_t>(base_ + pos);  // lengths were checked when the file was opened
    out.emplace_back(reinterpret_cast<const char*>(base_ + pos + 8), static_cast<size_t>(n));
    pos += 8 + n;
  }
  return out;
}

std::vector<float> File::get_f32_array(const std::string& key) const {
  ValueType et = array_type(key);
  if (!is_float(et) && !is_signed(et) && !is_unsigned(et))
    fail(key, std::string("must be a numeric ARRAY (found ARRAY of ") + value_type_name(et) + ")");
  const KeyValue& a = *find_kv(key);
  std::vector<float> out(a.count);
  for (uint64_t j = 0; j < a.count; ++j) {
    KeyValue e = element(base_, a, j);
    out[j] = is_float(et)    ? static_cast<float>(e.f)
             : is_signed(et) ? static_cast<float>(e.i)
                             : static_cast<float>(e.u);
  }
  return out;
}

std::vector<int64_t> File::get_i64_array(const std::string& key) const {
  ValueType et = array_type(key);
  if (!is_signed(et) && !is_unsigned(et))
    fail(key, std::string("must be an integer ARRAY (found ARRAY of ") + value_type_name(et) + ")");
  const KeyValue& a = *find_kv(key);
  std::vector<int64_t> out(a.count);
  for (uint64_t j = 0; j < a.count; ++j) {
    KeyValue e = element(base_, a, j);
    out[j] = int_in(e, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
                    [&](const std::string& w) { fail(key, "element " + std::to_string(j) + " " + w); });
  }
  return out;
}

std::vector<int32_t> File::get_i32_array(const std::string& key) const {
  std::vector<int64_t> wide = get_i64_array(key);
  std::vector<int32_t> out(wide.size());
  for (size_t j = 0; j < wide.size(); ++j) {
    if (wide[j] < std::numeric_limits<int32_t>::min() || wide[j] > std::numeric_limits<int32_t>::max())
      fail(key, "element " + std::to_string(j) + " = " + std::to_string(wide[j]) + " does not fit in int32");
    out[j] = static_cast<int32_t>(wide[j]);
  }
  return out;
}

#undef NTM_GGUF_REQUIRE

}  // namespace ntm::gguf
