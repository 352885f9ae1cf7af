#pragma once
// Weight matrices of a decoder, dense or kept in the GGUF blocks they came from (internal to src/lm).
//
// A GGUF model's projections can stay quantized in memory (the mapped file) instead of being
// dequantized to float32 at load: QuantMatrix dequantizes a tile of rows at a time into a small
// buffer and multiplies it (float32 GEMM), so the model needs the file's size of memory, not
// 4 bytes per weight, and loading writes nothing. The numbers are those of the dequantized
// matrix: the same float32 weights, only the GEMM is split into column blocks.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace ntm::lm {

// One GGUF tensor's rows, as stored: rows x cols elements of one ggml type, row after row.
struct QuantRows {
  const uint8_t* data = nullptr;
  uint32_t type = 0;  // ggml type id (gguf::type_supported)
  int64_t rows = 0, cols = 0;
  // > 0: llama Q/K rows interleaved per head of this many heads (gguf-notes §4): the HF row
  // h*hd + d is the stored row h*hd + 2*(d mod hd/2) + d/(hd/2).
  int64_t permute_heads = 0;
  std::shared_ptr<const void> owner;  // keeps the mapping alive
};

// The stored row of HF row r of a llama Q/K tensor whose rows are interleaved per head of
// head_dim rows (gguf-notes §4.2): h*hd + d <- h*hd + 2*(d mod hd/2) + d/(hd/2).
inline int64_t llama_qk_stored_row(int64_t r, int64_t head_dim) {
  const int64_t half = head_dim / 2, h = r / head_dim, d = r % head_dim;
  return h * head_dim + 2 * (d % half) + d / half;
}

// Row-stacked QuantRows (fused q | k | v, gate | up) as one [rows, cols] float32 matrix.
class QuantMatrix {
 public:
  explicit QuantMatrix(std::vector<QuantRows> parts);
  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }
  int64_t bytes() const;  // of the quantized blocks
  // Rows r0 .. r0+n-1 as float32 into dst [n, cols] (rows in parallel).
  void dequantize_rows(int64_t r0, int64_t n, float* dst) const;
  // The rows named by ids (CPU int64) -> [len, cols] float32: embedding lookup, selected head rows.
  at::Tensor gather(const at::Tensor& ids) const;
  // x [N, cols] float32 (CPU) -> x W^T [N, rows], W dequantized a tile of rows at a time.
  at::Tensor matmul_t(const at::Tensor& x) const;
  at::Tensor dense() const;  // the whole matrix as float32 (tests)

 private:
  size_t part_of(int64_t r) const;                    // the part holding matrix row r
  const uint8_t* row_ptr(size_t part, int64_t r) const;  // the stored row of matrix row r
  std::vector<QuantRows> parts_;
  std::vector<void (*)(const uint8_t*, float*, int64_t)> decoders_;  // gguf::row_decoder of each part
  std::vector<int64_t> starts_;  // first matrix row of each part
  std::vector<int64_t> row_bytes_;
  int64_t rows_ = 0, cols_ = 0;
};

// A decoder weight matrix [out, in]: dense (model dtype, device) or quantized (CPU, float32 model).
struct Weight {
  at::Tensor dense;
  std::shared_ptr<const QuantMatrix> quant;
  Weight() = default;
  Weight(at::Tensor t) : dense(std::move(t)) {}  // NOLINT: dense weights convert implicitly
  bool defined() const { return dense.defined() || quant != nullptr; }
  // The rows named by ids (int64 on the weight's device): [len, in].
  at::Tensor rows_at(const at::Tensor& ids) const;
  // x [N, in] -> x W^T (+ b) [N, out].
  at::Tensor linear(const at::Tensor& x, const at::Tensor& b = {}) const;
};

}  // namespace ntm::lm
