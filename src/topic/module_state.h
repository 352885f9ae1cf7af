#pragma once
// The parameter/state plumbing every torch::nn::Module-based topic model shares (private header:
// needs torch): trainable parameters and the full state (parameters + buffers) by their module
// names, and loading a saved state back with one-line errors.
#include <torch/torch.h>

#include <string>

#include "ntm/topic/model.h"

namespace ntm::topic {

// Parameters that require a gradient (frozen ones, e.g. ECRTM's BatchNorm scales, are left out:
// the optimiser never sees them), in registration order.
NamedTensors trainable_parameters(const torch::nn::Module& module);
// Every parameter (trainable or frozen), then every buffer: what model.safetensors holds.
NamedTensors module_state(const torch::nn::Module& module);
// Copies `state` into the module's state; input_error naming `where` and the tensor when one is
// missing or has another shape. `model` names the model in the message.
// Puts every BatchNorm layer of `module` in eval mode (on = true: running statistics) or back in
// the module's own training mode.
void batch_norm_running_stats(torch::nn::Module& module, bool on);
void load_module_state(torch::nn::Module& module, const NamedTensors& state, const std::string& where,
                       const std::string& model);

}  // namespace ntm::topic
