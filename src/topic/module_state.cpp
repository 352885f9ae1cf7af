#include "module_state.h"

#include <map>

#include "ntm/error.h"

namespace ntm::topic {

NamedTensors trainable_parameters(const torch::nn::Module& module) {
  NamedTensors out;
  for (const auto& item : module.named_parameters(/*recurse=*/true))
    if (item.value().requires_grad()) out.emplace_back(item.key(), item.value());
  return out;
}

NamedTensors module_state(const torch::nn::Module& module) {
  NamedTensors out;
  for (const auto& item : module.named_parameters(/*recurse=*/true)) out.emplace_back(item.key(), item.value());
  for (const auto& item : module.named_buffers(/*recurse=*/true)) out.emplace_back(item.key(), item.value());
  return out;
}

void batch_norm_running_stats(torch::nn::Module& module, bool on) {
  for (const auto& m : module.modules(/*include_self=*/false))
    if (auto* bn = dynamic_cast<torch::nn::BatchNorm1dImpl*>(m.get())) bn->train(!on && module.is_training());
}

void load_module_state(torch::nn::Module& module, const NamedTensors& state, const std::string& where,
                       const std::string& model) {
  std::map<std::string, at::Tensor> given(state.begin(), state.end());
  torch::NoGradGuard no_grad;
  for (auto& [name, dst] : module_state(module)) {
    auto it = given.find(name);
    if (it == given.end()) input_error(where, ": missing tensor '", name, "' for model ", model);
    if (it->second.sizes() != dst.sizes())
      input_error(where, ": tensor '", name, "' has shape ", it->second.sizes(), ", the model expects ", dst.sizes(),
                  " (was it trained with other --num-topics / --hidden-sizes / word embeddings or another label store?)");
    dst.copy_(it->second.to(dst.scalar_type()));
  }
}

}  // namespace ntm::topic
