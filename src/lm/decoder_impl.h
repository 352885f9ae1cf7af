#pragma once
// CausalLM's state (internal to src/lm).
#include <memory>
#include <string>

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
};

}  // namespace ntm::lm
