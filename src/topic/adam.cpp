#include "ntm/topic/adam.h"

#include <torch/torch.h>

#include <cmath>
#include <map>

#include "ntm/error.h"

namespace ntm::topic {

Adam::Adam(std::vector<std::pair<std::string, at::Tensor>> params, AdamOptions opts)
    : params_(std::move(params)), opts_(opts) {
  for (auto& [name, p] : params_) {
    exp_avg_.push_back(torch::zeros_like(p, at::MemoryFormat::Contiguous));
    exp_avg_sq_.push_back(torch::zeros_like(p, at::MemoryFormat::Contiguous));
  }
}

void Adam::zero_grad() {
  for (auto& [name, p] : params_) {
    auto& g = p.mutable_grad();
    if (g.defined()) g.zero_();
  }
}

void Adam::step() {
  torch::NoGradGuard no_grad;
  ++step_;
  const double b1 = opts_.beta1, b2 = opts_.beta2;
  const double bc1 = 1.0 - std::pow(b1, static_cast<double>(step_));
  const double bc2 = 1.0 - std::pow(b2, static_cast<double>(step_));
  const double step_size = opts_.lr / bc1;
  const double bc2_sqrt = std::sqrt(bc2);
  for (size_t i = 0; i < params_.size(); ++i) {
    at::Tensor p = params_[i].second;
    at::Tensor g = p.grad();
    if (!g.defined()) continue;
    if (opts_.weight_decay != 0.0) g = g.add(p, opts_.weight_decay);
    at::Tensor& m = exp_avg_[i];
    at::Tensor& v = exp_avg_sq_[i];
    // The ops of torch.optim.Adam (1.13, single-tensor path), in its order, so that updates are
    // bit-identical to the reference (Adam amplifies rounding noise on near-zero gradients).
    m.mul_(b1).add_(g, 1.0 - b1);
    v.mul_(b2).addcmul_(g, g, 1.0 - b2);
    auto denom = (v.sqrt() / bc2_sqrt).add_(opts_.eps);
    p.addcdiv_(m, denom, -step_size);
  }
}

std::vector<std::pair<std::string, at::Tensor>> Adam::state() const {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (size_t i = 0; i < params_.size(); ++i) {
    out.emplace_back("exp_avg." + params_[i].first, exp_avg_[i]);
    out.emplace_back("exp_avg_sq." + params_[i].first, exp_avg_sq_[i]);
  }
  return out;
}

void Adam::load_state(const std::vector<std::pair<std::string, at::Tensor>>& state, int64_t steps,
                      const std::string& where) {
  std::map<std::string, at::Tensor> given(state.begin(), state.end());
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < params_.size(); ++i) {
    for (auto* pair : {&exp_avg_[i], &exp_avg_sq_[i]}) {
      const std::string key = (pair == &exp_avg_[i] ? "exp_avg." : "exp_avg_sq.") + params_[i].first;
      auto it = given.find(key);
      if (it == given.end() || it->second.sizes() != pair->sizes())
        input_error(where, ": optimizer state '", key, "' missing or mis-shaped; delete the checkpoint to restart");
      pair->copy_(it->second);
    }
  }
  step_ = steps;
}

}  // namespace ntm::topic
