// QuantMatrix: GGUF blocks dequantized a tile of rows at a time inside the matmul; Weight.
#include "lm/quant_matrix.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <vector>

#include "ntm/error.h"
#include "ntm/io/gguf.h"

namespace ntm::lm {

namespace {
// Floats per dequantized tile (8 MiB, in the L3 cache): each GEMM call packs the activations
// anew, so tiles of many rows keep that cost small (a 135M model's matrices are one tile each;
// a 7B model's run in tiles of 512 rows or more).
constexpr int64_t kTileFloats = int64_t(1) << 21;

// The tile buffer, reused by every matmul of the thread (no allocation, no page faults).
float* tile_buffer(int64_t floats) {
  thread_local std::vector<float> buf;
  if (static_cast<int64_t>(buf.size()) < floats) buf.resize(static_cast<size_t>(floats));
  return buf.data();
}
}  // namespace

QuantMatrix::QuantMatrix(std::vector<QuantRows> parts) : parts_(std::move(parts)) {
  NTM_CHECK(!parts_.empty(), "QuantMatrix: no parts");
  cols_ = parts_.front().cols;
  for (const auto& p : parts_) {
    const int64_t be = gguf::block_elems(p.type);
    NTM_CHECK(gguf::type_supported(p.type) && be > 0 && p.cols == cols_ && p.cols % be == 0 && p.rows > 0,
              "QuantMatrix: part of type ", gguf::type_name(p.type), " with ", p.rows, " x ", p.cols,
              " elements does not fit a ", cols_, "-column matrix of whole blocks");
    if (p.permute_heads > 0)
      NTM_CHECK(p.rows % (2 * p.permute_heads) == 0, "QuantMatrix: ", p.rows, " rows are not 2 x ",
                p.permute_heads, " heads");
    decoders_.push_back(gguf::row_decoder(p.type));
    starts_.push_back(rows_);
    row_bytes_.push_back(p.cols / be * gguf::block_bytes(p.type));
    rows_ += p.rows;
  }
}

int64_t QuantMatrix::bytes() const {
  int64_t b = 0;
  for (size_t i = 0; i < parts_.size(); ++i) b += parts_[i].rows * row_bytes_[i];
  return b;
}

size_t QuantMatrix::part_of(int64_t r) const {
  return static_cast<size_t>(std::upper_bound(starts_.begin(), starts_.end(), r) - starts_.begin()) - 1;
}

const uint8_t* QuantMatrix::row_ptr(size_t i, int64_t r) const {
  const QuantRows& p = parts_[i];
  int64_t local = r - starts_[i];
  if (p.permute_heads > 0) local = llama_qk_stored_row(local, p.rows / p.permute_heads);
  return p.data + local * row_bytes_[i];
}

void QuantMatrix::dequantize_rows(int64_t r0, int64_t n, float* dst) const {
  NTM_CHECK(r0 >= 0 && n >= 0 && r0 + n <= rows_, "QuantMatrix: rows ", r0, "+", n, " outside ", rows_);
  const int64_t grain = std::max<int64_t>(1, (int64_t(1) << 14) / cols_);
  at::parallel_for(0, n, grain, [&](int64_t a, int64_t b) {
    for (int64_t r = r0 + a; r < r0 + b;) {
      const size_t i = part_of(r);
      // A run of rows inside one part: stored contiguously unless the part is permuted.
      const int64_t end = std::min(r0 + b, starts_[i] + parts_[i].rows);
      if (parts_[i].permute_heads > 0) {
        for (; r < end; ++r) decoders_[i](row_ptr(i, r), dst + (r - r0) * cols_, cols_);
      } else {
        decoders_[i](row_ptr(i, r), dst + (r - r0) * cols_, (end - r) * cols_);
        r = end;
      }
    }
  });
}

at::Tensor QuantMatrix::gather(const at::Tensor& ids) const {
  NTM_CHECK(ids.dim() == 1 && ids.scalar_type() == at::kLong && ids.is_cpu(), "QuantMatrix::gather: ids must be 1-D int64 on the CPU");
  const at::Tensor idc = ids.contiguous();
  const int64_t n = idc.numel();
  const int64_t* id = idc.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i)
    NTM_CHECK(id[i] >= 0 && id[i] < rows_, "QuantMatrix::gather: row ", id[i], " outside [0, ", rows_, ")");
  at::Tensor out = at::empty({n, cols_}, at::TensorOptions().dtype(at::kFloat));
  float* o = out.data_ptr<float>();
  const int64_t grain = std::max<int64_t>(1, (int64_t(1) << 14) / cols_);
  at::parallel_for(0, n, grain, [&](int64_t a, int64_t b) {
    for (int64_t i = a; i < b; ++i) {
      const size_t p = part_of(id[i]);
      decoders_[p](row_ptr(p, id[i]), o + i * cols_, cols_);
    }
  });
  return out;
}

at::Tensor QuantMatrix::matmul_t(const at::Tensor& x) const {
  NTM_CHECK(x.dim() == 2 && x.size(1) == cols_ && x.scalar_type() == at::kFloat && x.is_cpu(),
            "QuantMatrix::matmul_t: input must be [N, ", cols_, "] float32 on the CPU");
  const at::Tensor xc = x.contiguous();  // [N, cols]
  at::Tensor out = at::empty({x.size(0), rows_}, xc.options());  // [N, rows]
  const int64_t tile = std::min(rows_, std::max<int64_t>(16, kTileFloats / cols_ / 16 * 16));
  float* buf = tile_buffer(tile * cols_);
  for (int64_t r0 = 0; r0 < rows_; r0 += tile) {
    const int64_t n = std::min(tile, rows_ - r0);
    dequantize_rows(r0, n, buf);
    const at::Tensor w = at::from_blob(buf, {n, cols_}, xc.options());  // [n, cols] dequantized rows
    at::Tensor o = out.narrow(1, r0, n);  // [N, n], row stride rows_: GEMM writes it in place
    at::mm_out(o, xc, w.t());
  }
  return out;
}

at::Tensor QuantMatrix::dense() const {
  at::Tensor out = at::empty({rows_, cols_}, at::TensorOptions().dtype(at::kFloat));
  dequantize_rows(0, rows_, out.data_ptr<float>());
  return out;
}

at::Tensor Weight::rows_at(const at::Tensor& ids) const {
  return quant ? quant->gather(ids) : dense.index_select(0, ids);
}

at::Tensor Weight::linear(const at::Tensor& x, const at::Tensor& b) const {
  if (!quant) return b.defined() ? at::linear(x, dense, b) : at::linear(x, dense);
  at::Tensor y = quant->matmul_t(x);
  return b.defined() ? y.add_(b) : y;
}

}  // namespace ntm::lm
