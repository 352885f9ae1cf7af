#pragma once
// Shared helpers for the [lm] tests: fixture folders and their reference outputs.
#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "ntm/io/safetensors.h"
#include "test_util.h"

namespace ntm::test {

// Every folder under tests/fixtures/lm-models, sorted.
inline std::vector<std::string> lm_fixture_names() {
  std::vector<std::string> out;
  for (const auto& d : std::filesystem::directory_iterator(fixture("lm-models")))
    if (d.is_directory()) out.push_back(d.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

struct LmReference {
  std::vector<std::vector<int64_t>> seqs;  // the 4 sequences with the left padding stripped
  at::Tensor single_last_logits, single_last_hidden, maskpos_all_layers_last_hidden, single1_all_logits;
};

inline LmReference lm_reference(const std::string& name) {
  auto f = st::File::open(fixture("lm-models/" + name + "/reference.safetensors"));
  LmReference r;
  auto ids = f->tensor("input_ids").contiguous(), mask = f->tensor("attention_mask").contiguous();
  for (int64_t b = 0; b < ids.size(0); ++b) {
    std::vector<int64_t> s;
    for (int64_t t = 0; t < ids.size(1); ++t)
      if (mask[b][t].item<int64_t>() != 0) s.push_back(ids[b][t].item<int64_t>());
    r.seqs.push_back(s);
  }
  r.single_last_logits = f->tensor("single_last_logits").clone();
  r.single_last_hidden = f->tensor("single_last_hidden").clone();
  r.maskpos_all_layers_last_hidden = f->tensor("maskpos_all_layers_last_hidden").clone();
  r.single1_all_logits = f->tensor("single1_all_logits").clone();
  return r;
}

inline double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
  if (a.sizes() != b.sizes()) return 1e30;
  return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

}  // namespace ntm::test
