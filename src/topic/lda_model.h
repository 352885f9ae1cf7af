#pragma once
// LDA by collapsed Gibbs sampling (src/lda/gibbs.cpp) as a registry model: trained by fit(),
// not by gradient steps. θ of the training documents and φ come from the final sampler counts;
// theta() (ntm infer) folds new documents in by Gibbs sampling with φ frozen (100 sweeps, θ
// averaged over the last 50; src/lda/fold_in.cpp).
#include <torch/torch.h>

#include <string>
#include <vector>

#include "ntm/topic/model.h"

namespace ntm::topic {

class LdaModel : public TopicModel {
 public:
  LdaModel(int64_t num_topics, int64_t vocab_size);

  std::string name() const override { return "lda"; }
  int64_t num_topics() const override { return K_; }
  bool gradient_trained() const override { return false; }
  void fit(const TrainData& data, const TrainOptions& opts, at::Generator& gen) override;
  at::Tensor fitted_theta() override { return theta_; }
  std::vector<nlohmann::json> fit_metrics() const override { return metrics_; }
  double fit_loss() const override { return loss_; }

  void to(c10::Device) override {}
  void set_training(bool) override {}
  at::Tensor loss(const Batch&, at::Generator&) override;
  at::Tensor theta(const Batch&, ThetaMode, at::Generator&) override;
  at::Tensor topic_word() override { return phi_; }  // [K, V]

  NamedTensors named_parameters() override { return {}; }
  NamedTensors named_state() override { return {{"phi", phi_}, {"alpha", alpha_}}; }
  void load_state(const NamedTensors& state, const std::string& where) override;

 private:
  int64_t K_, V_;
  at::Tensor phi_;    // [K, V] float32, rows sum to 1
  at::Tensor alpha_;  // [K] float64
  at::Tensor theta_;  // [D, K] float32 of the training documents (after fit)
  std::vector<nlohmann::json> metrics_;
  double loss_ = 0.0;
  int64_t docs_folded_ = 0;  // documents through theta() so far: each gets its own random stream
};

}  // namespace ntm::topic
