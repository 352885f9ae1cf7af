#pragma once
// CausalLM's state (internal to src/lm).
#include <memory>
#include <string>
#include <vector>

#include "lm/rope.h"
#include "lm/weights.h"
#include "ntm/lm/model.h"

namespace ntm::lm {

struct CausalLM::Impl {
  std::string dir;
  DecoderConfig cfg;
  c10::ScalarType dtype = c10::ScalarType::Float;
  c10::Device device = c10::Device(c10::kCPU);
  DecoderWeights weights;
  std::unique_ptr<Rope> rope;
  int64_t quantized_matrices = 0, quantized_bytes = 0;  // GGUF matrices kept in their blocks

  // The decoder pass. prefix: continue each sequence from the cached keys/values (see
  // ForwardOptions::prefix); capture: keep every layer's keys/values of the (single) sequence.
  ForwardResult forward(const std::vector<std::vector<int64_t>>& seqs, const ForwardOptions& opts,
                        const PrefixCache* prefix, PrefixCache* capture) const;
};

struct PrefixCache {
  std::vector<int64_t> ids;
  std::vector<at::Tensor> k, v;  // per layer [P, nKV, hd] after q/k norm and RoPE, model dtype, on the device
};

}  // namespace ntm::lm
