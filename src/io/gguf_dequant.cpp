// ggml type table and dequantization to float32, bit-exact with gguf-py 0.19's numpy code:
// float32 arithmetic with one rounding per operation in the order gguf-py uses (scale products
// first, then times q, then + m / - dm). This file is compiled with -ffp-contract=off
// (src/CMakeLists.txt) so that no a*b+c is fused.
#include <ATen/Parallel.h>
#include <c10/util/Half.h>
#include <torch/torch.h>

#include <cstring>

#include "ntm/error.h"
#include "ntm/io/gguf.h"

namespace ntm::gguf {
namespace {

struct TypeRow {
  uint32_t id;
  const char* name;
  int64_t elems, bytes;
  bool supported;
};
// ggml.h ids with gguf-py GGML_QUANT_SIZES (Q8_1: the ggml struct size, 36). Removed ids
// (4, 5, 31-33, 36-38) are absent and therefore "unknown".
const TypeRow kTypes[] = {
    {0, "F32", 1, 4, true},         {1, "F16", 1, 2, true},        {2, "Q4_0", 32, 18, true},
    {3, "Q4_1", 32, 20, true},      {6, "Q5_0", 32, 22, true},     {7, "Q5_1", 32, 24, true},
    {8, "Q8_0", 32, 34, true},      {9, "Q8_1", 32, 36, false},    {10, "Q2_K", 256, 84, true},
    {11, "Q3_K", 256, 110, true},   {12, "Q4_K", 256, 144, true},  {13, "Q5_K", 256, 176, true},
    {14, "Q6_K", 256, 210, true},   {15, "Q8_K", 256, 292, false}, {16, "IQ2_XXS", 256, 66, false},
    {17, "IQ2_XS", 256, 74, false}, {18, "IQ3_XXS", 256, 98, false}, {19, "IQ1_S", 256, 50, false},
    {20, "IQ4_NL", 32, 18, false},  {21, "IQ3_S", 256, 110, false}, {22, "IQ2_S", 256, 82, false},
    {23, "IQ4_XS", 256, 136, false}, {24, "I8", 1, 1, false},      {25, "I16", 1, 2, false},
    {26, "I32", 1, 4, false},       {27, "I64", 1, 8, false},      {28, "F64", 1, 8, false},
    {29, "IQ1_M", 256, 56, false},  {30, "BF16", 1, 2, true},      {34, "TQ1_0", 256, 54, false},
    {35, "TQ2_0", 256, 66, false},  {39, "MXFP4", 32, 17, false},
};

const TypeRow* row(uint32_t id) {
  for (const auto& r : kTypes)
    if (r.id == id) return &r;
  return nullptr;
}

// Exact IEEE half -> float (subnormals, inf, NaN), one table for all 65536 values.
const float* half_table() {
  static const std::vector<float> table = [] {
    std::vector<float> t(65536);
    for (uint32_t i = 0; i < 65536; ++i) t[i] = c10::detail::fp16_ieee_to_fp32_value(static_cast<uint16_t>(i));
    return t;
  }();
  return table.data();
}

inline float h(const float* H, const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return H[v];
}

// One block each: src -> dst (block_elems floats).
void q4_0(const float* H, const uint8_t* b, float* y) {
  const float d = h(H, b);
  for (int j = 0; j < 16; ++j) {
    y[j] = d * static_cast<float>((b[2 + j] & 0xF) - 8);
    y[j + 16] = d * static_cast<float>((b[2 + j] >> 4) - 8);
  }
}
void q4_1(const float* H, const uint8_t* b, float* y) {
  const float d = h(H, b), m = h(H, b + 2);
  for (int j = 0; j < 16; ++j) {
    y[j] = d * static_cast<float>(b[4 + j] & 0xF) + m;
    y[j + 16] = d * static_cast<float>(b[4 + j] >> 4) + m;
  }
}
void q5_0(const float* H, const uint8_t* b, float* y) {
  const float d = h(H, b);
  uint32_t qh;
  std::memcpy(&qh, b + 2, 4);
  for (int j = 0; j < 16; ++j) {
    int lo = (b[6 + j] & 0xF) | (((qh >> j) & 1) << 4), hi = (b[6 + j] >> 4) | (((qh >> (j + 16)) & 1) << 4);
    y[j] = d * static_cast<float>(lo - 16);
    y[j + 16] = d * static_cast<float>(hi - 16);
  }
}
void q5_1(const float* H, const uint8_t* b, float* y) {
  const float d = h(H, b), m = h(H, b + 2);
  uint32_t qh;
  std::memcpy(&qh, b + 4, 4);
  for (int j = 0; j < 16; ++j) {
    int lo = (b[8 + j] & 0xF) | (((qh >> j) & 1) << 4), hi = (b[8 + j] >> 4) | (((qh >> (j + 16)) & 1) << 4);
    y[j] = d * static_cast<float>(lo) + m;
    y[j + 16] = d * static_cast<float>(hi) + m;
  }
}
void q8_0(const float* H, const uint8_t* b, float* y) {
  const float d = h(H, b);
  for (int j = 0; j < 32; ++j) y[j] = static_cast<float>(static_cast<int8_t>(b[2 + j])) * d;
}
void q2_k(const float* H, const uint8_t* b, float* y) {
  const uint8_t *sc = b, *qs = b + 16;
  const float d = h(H, b + 80), dmin = h(H, b + 82);
  for (int e = 0; e < 256; ++e) {
    const int hh = e / 128, j = (e / 32) % 4, l = e % 32, s = e / 16;
    const float dl = d * static_cast<float>(sc[s] & 0xF), ml = dmin * static_cast<float>(sc[s] >> 4);
    y[e] = dl * static_cast<float>((qs[32 * hh + l] >> (2 * j)) & 3) - ml;
  }
}
void q3_k(const float* H, const uint8_t* b, float* y) {
  const uint8_t *hm = b, *qs = b + 32, *sc = b + 96;
  const float d = h(H, b + 108);
  float dl[16];
  for (int s = 0; s < 16; ++s) {
    int low = s < 8 ? sc[s] & 0xF : sc[s - 8] >> 4;
    int high = (sc[8 + (s & 3)] >> (2 * (s >> 2))) & 3;
    dl[s] = d * static_cast<float>((low | (high << 4)) - 32);
  }
  for (int e = 0; e < 256; ++e) {
    const int hh = e / 128, j = (e / 32) % 4, l = e % 32;
    int q = ((qs[32 * hh + l] >> (2 * j)) & 3) - (((hm[l] >> (4 * hh + j)) & 1) ? 0 : 4);
    y[e] = dl[e / 16] * static_cast<float>(q);
  }
}
void scale_min_k4(const uint8_t* k, int s, int& sc, int& mn) {
  if (s < 4) {
    sc = k[s] & 63;
    mn = k[s + 4] & 63;
  } else {
    sc = (k[s + 4] & 0xF) | ((k[s - 4] >> 6) << 4);
    mn = (k[s + 4] >> 4) | ((k[s] >> 6) << 4);
  }
}
template <bool kFive>
void q45_k(const float* H, const uint8_t* b, float* y) {
  const float d = h(H, b), dmin = h(H, b + 2);
  const uint8_t* k = b + 4;
  const uint8_t* qh = b + 16;
  const uint8_t* qs = kFive ? b + 48 : b + 16;
  for (int s = 0; s < 8; ++s) {
    int sc, mn;
    scale_min_k4(k, s, sc, mn);
    const float ds = d * static_cast<float>(sc), dm = dmin * static_cast<float>(mn);
    const int c = s / 2, t = s % 2;
    for (int l = 0; l < 32; ++l) {
      int q = (qs[32 * c + l] >> (4 * t)) & 0xF;
      if (kFive) q |= ((qh[l] >> s) & 1) << 4;
      y[32 * s + l] = ds * static_cast<float>(q) - dm;
    }
  }
}
void q6_k(const float* H, const uint8_t* b, float* y) {
  const uint8_t *ql = b, *qh = b + 128;
  const int8_t* sc = reinterpret_cast<const int8_t*>(b + 192);
  const float d = h(H, b + 208);
  for (int e = 0; e < 256; ++e) {
    const int hh = e / 128, k = (e / 32) % 4, l = e % 32;
    int low = (ql[64 * hh + 32 * (k & 1) + l] >> (4 * (k >> 1))) & 0xF;
    int high = (qh[32 * hh + l] >> (2 * k)) & 3;
    y[e] = (d * static_cast<float>(sc[e / 16])) * static_cast<float>((low | (high << 4)) - 32);
  }
}
void f16(const float* H, const uint8_t* b, float* y) { *y = h(H, b); }
void bf16(const float*, const uint8_t* b, float* y) {
  uint32_t v = static_cast<uint32_t>(b[0] | (b[1] << 8)) << 16;
  std::memcpy(y, &v, 4);
}

using BlockFn = void (*)(const float*, const uint8_t*, float*);

// n elements (whole blocks) of one type, serially; F inlined into the loop.
template <BlockFn F, int64_t kElems, int64_t kBytes>
void decode_row(const uint8_t* src, float* dst, int64_t n) {
  const float* H = half_table();
  for (int64_t i = 0; i < n / kElems; ++i) F(H, src + i * kBytes, dst + i * kElems);
}
void decode_f32(const uint8_t* src, float* dst, int64_t n) { std::memcpy(dst, src, static_cast<size_t>(n) * 4); }

}  // namespace

RowDecoder row_decoder(uint32_t t) {
  switch (t) {
    case 0: return decode_f32;
    case 1: return decode_row<f16, 1, 2>;
    case 2: return decode_row<q4_0, 32, 18>;
    case 3: return decode_row<q4_1, 32, 20>;
    case 6: return decode_row<q5_0, 32, 22>;
    case 7: return decode_row<q5_1, 32, 24>;
    case 8: return decode_row<q8_0, 32, 34>;
    case 10: return decode_row<q2_k, 256, 84>;
    case 11: return decode_row<q3_k, 256, 110>;
    case 12: return decode_row<q45_k<false>, 256, 144>;
    case 13: return decode_row<q45_k<true>, 256, 176>;
    case 14: return decode_row<q6_k, 256, 210>;
    case 30: return decode_row<bf16, 1, 2>;
    default: return nullptr;
  }
}

const char* type_name(uint32_t t) {
  const TypeRow* r = row(t);
  return r ? r->name : "unknown";
}
bool type_known(uint32_t t) { return row(t) != nullptr; }
bool type_supported(uint32_t t) { return row(t) && row(t)->supported; }
int64_t block_elems(uint32_t t) { return row(t) ? row(t)->elems : 0; }
int64_t block_bytes(uint32_t t) { return row(t) ? row(t)->bytes : 0; }

std::string supported_type_names() {
  std::string s;
  for (const auto& r : kTypes)
    if (r.supported) s += (s.empty() ? "" : ", ") + std::string(r.name);
  return s;
}

void dequantize_into(uint32_t t, const uint8_t* src, float* dst, int64_t n) {
  if (!type_supported(t))
    input_error("ggml type ", type_name(t), " (id ", t, ") cannot be dequantized by ntm (supported: ",
                supported_type_names(), ")");
  const int64_t be = block_elems(t), bb = block_bytes(t);
  NTM_CHECK(n % be == 0, "dequantize_into: ", n, " elements is not a multiple of the block size ", be);
  if (t == 0) {
    std::memcpy(dst, src, static_cast<size_t>(n) * 4);
    return;
  }
  const RowDecoder decode = row_decoder(t);
  const int64_t blocks = n / be;
  // Plain types are cheap per element: use larger grains.
  at::parallel_for(0, blocks, be == 1 ? 1 << 16 : 1024, [&](int64_t b0, int64_t b1) {
    decode(src + b0 * bb, dst + b0 * be, (b1 - b0) * be);
  });
}

at::Tensor File::dequantize(const std::string& name) const { return dequantize(info(name)); }

void File::check_supported(const TensorInfo& t) const {
  if (!type_supported(t.type))
    input_error(path_, ": tensor '", t.name, "' has ggml type ", type_name(t.type), " (id ", t.type,
                "), which ntm cannot dequantize (supported: ", supported_type_names(), ")");
}

at::Tensor File::dequantize(const TensorInfo& t) const {
  check_supported(t);  // before allocating
  at::Tensor out = torch::empty(t.shape(), torch::kFloat);
  dequantize_into(t, out.data_ptr<float>());
  return out;
}

void File::dequantize_into(const TensorInfo& t, float* dst) const {
  check_supported(t);
  if (t.numel() > 0) gguf::dequantize_into(t.type, bytes(t), dst, t.numel());
}

}  // namespace ntm::gguf
