#pragma once
// Adam exactly as torch.optim.Adam (1.13, amsgrad off; weight decay in its L2 form), with its state exposed
// for checkpoints. Uses the same tensor ops in the same order as torch, so updates are
// bit-identical to the reference's:
//   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g²;
//   p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ntm::topic {

struct AdamOptions {
  double lr = 2e-3;
  double beta1 = 0.99;
  double beta2 = 0.99;
  double eps = 1e-8;
  double weight_decay = 0.0;  // torch's L2 form: g += weight_decay * p before the moments
};

class Adam {
 public:
  Adam(std::vector<std::pair<std::string, at::Tensor>> params, AdamOptions opts);
  // Sets every gradient to zero (or leaves it undefined).
  void zero_grad();
  // One update; parameters whose grad is undefined are skipped (as torch does).
  void step();

  int64_t steps() const { return step_; }
  // exp_avg.<name>, exp_avg_sq.<name> for every parameter (created lazily; zeros before step 1).
  std::vector<std::pair<std::string, at::Tensor>> state() const;
  void load_state(const std::vector<std::pair<std::string, at::Tensor>>& state, int64_t steps,
                  const std::string& where);

 private:
  std::vector<std::pair<std::string, at::Tensor>> params_;
  std::vector<at::Tensor> exp_avg_, exp_avg_sq_;
  AdamOptions opts_;
  int64_t step_ = 0;
};

}  // namespace ntm::topic
