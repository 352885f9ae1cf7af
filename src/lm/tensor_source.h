#pragma once
// Where a decoder's weights come from, by Hugging Face tensor name: a checkpoint folder
// (safetensors, zero-copy) or a GGUF file (tensors renamed to HF names, dequantized to float32 or
// handed out as QuantRows to stay quantized, llama Q/K rows un-permuted, Gemma norms and GPT-2
// Conv1D layouts as HF has them).
#include <ATen/core/Tensor.h>

#include <memory>
#include <string>
#include <vector>

#include "lm/quant_matrix.h"
#include "ntm/lm/model.h"

namespace ntm::lm {

class TensorSource {
 public:
  virtual ~TensorSource() = default;
  virtual bool contains(const std::string& name) const = 0;
  virtual std::vector<int64_t> shape(const std::string& name) const = 0;  // name must exist
  // Stored dtype name ("F32", "Q4_K", ...) and whether it can serve as model weights.
  virtual std::string dtype_name(const std::string& name) const = 0;
  virtual bool weight_dtype_ok(const std::string& name) const = 0;
  // The tensor (CPU; read-only view or new memory) in HF layout; name must exist.
  virtual at::Tensor tensor(const std::string& name) const = 0;
  // Writes the tensor in HF layout into `dst` (CPU, contiguous, float32, the tensor's shape; a
  // row range of a fused buffer is fine). Sources that decode (GGUF) dequantize straight into
  // it; the default copies tensor(name).
  virtual void read_into(const std::string& name, at::Tensor& dst) const;
  // The tensor's rows as stored, when it can stay quantized in a QuantMatrix (a 2-D GGUF tensor
  // of a block type whose HF layout is its rows, possibly permuted); false otherwise.
  virtual bool quant_rows(const std::string& /*name*/, QuantRows& /*out*/) const { return false; }
  // True when tensor() returns views of the mapped file (no memory of its own, nothing decoded).
  virtual bool views_file() const { return false; }
  virtual std::vector<std::string> names() const = 0;  // HF names
  // The path named in errors (folder or file).
  virtual const std::string& where() const = 0;
};

// A Hugging Face checkpoint folder, or a .gguf file (detected by its magic).
std::unique_ptr<TensorSource> open_tensor_source(const std::string& model);

}  // namespace ntm::lm
