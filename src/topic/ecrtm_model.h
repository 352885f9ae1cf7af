#pragma once
// ECRTM (Wu et al. 2023, TopMost) as a registry model (private header: needs torch).
//   ecrtm      TopMost ECRTM baseline (method-spec §6): BoW counts in, recon −mean Σ x log softmax(BN_V(θβ)).
//   dsl-ecrtm  DSL-ECRTM (method-spec §5.3): LM hidden state in, student softmax(BN_V(θβ)) (no T),
//              loss λ·mean RL against the (multiplicatively masked) teacher.
// Both: encoder fc11/fc12 softplus (dropout 0), μ = mean_bn(fc21 h), log σ² = logvar_bn(fc22 h)
// with BatchNorm scales frozen at 1 (shifts trained); fixed Laplace prior μ₂ = 0, σ₂² = 1 − 1/K;
// β = softmax over topics of −‖t_k − w_v‖²/0.2 (columns sum to 1); loss + mean KL + ECR, where
// ECR = 100 · Σ P ⊙ C for the linear-domain Sinkhorn plan P of C_kv = ‖t_k − w_v‖² (α = 20).
// Word embeddings W [V, E] (L2-normalised, trainable) come from ModelShape (LM input embeddings,
// a --word-vectors file) or trunc_normal(0, 1) rows, E = 200; topic embeddings [K, E]
// trunc_normal(std 0.1), L2-normalised, trainable.
#include <torch/torch.h>

#include "ntm/topic/model.h"
#include "sinkhorn.h"

namespace ntm::topic {

struct EcrtmConfig {
  int64_t vocab_size = 0;   // V
  int64_t input_size = 0;   // encoder input: V (BoW counts) or H (LM hidden state)
  int64_t num_topics = 50;  // K
  std::vector<int64_t> hidden_sizes{200, 200};
  std::string activation = "softplus";
  double encoder_dropout = 0.0;
  bool bow_input = true;
  double beta_temp = 0.2;
  double ecr_weight = 100.0;
  SinkhornOptions ecr{20.0, 0.005, 1000};
  int64_t embedding_size = 200;  // E of random word embeddings
};

struct EcrtmNetImpl : torch::nn::Module {
  EcrtmNetImpl(const EcrtmConfig& cfg, const ModelShape& shape);
  std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor& input, at::Generator& gen);  // μ, log σ² [B, K]
  torch::Tensor cost();  // C [K, V]
  torch::Tensor beta();  // [K, V], columns sum to 1

  EcrtmConfig cfg;
  std::vector<torch::nn::Linear> layers;  // fc11, fc12, ...
  torch::nn::Linear fc21{nullptr}, fc22{nullptr};
  torch::nn::BatchNorm1d mean_bn{nullptr}, logvar_bn{nullptr}, decoder_bn{nullptr};
  torch::Tensor mu2, var2;                           // [1, K] fixed prior
  torch::Tensor word_embeddings, topic_embeddings;   // [V, E], [K, E]
};
TORCH_MODULE(EcrtmNet);

class EcrtmModel : public TopicModel {
 public:
  EcrtmModel(std::string name, const EcrtmConfig& cfg, const ModelShape& shape, double loss_weight);

  std::string name() const override { return name_; }
  int64_t num_topics() const override { return net_->cfg.num_topics; }
  void to(c10::Device device) override { net_->to(device); }
  void set_training(bool on) override { net_->train(on); }
  void batch_norm_running_stats(bool on) override;
  at::Tensor loss(const Batch& batch, at::Generator& gen) override;
  bool loss_is_batch_mean() const override { return true; }
  at::Tensor theta(const Batch& batch, ThetaMode mode, at::Generator& gen) override;
  at::Tensor topic_word() override;
  NamedTensors named_parameters() override;
  NamedTensors named_state() override;
  void load_state(const NamedTensors& state, const std::string& where) override;

  EcrtmNet& net() { return net_; }
  // The ECR term of the last loss() (scaled by the weight) and its Sinkhorn iterations (tests).
  double last_ecr() const { return last_ecr_; }
  int64_t last_sinkhorn_iterations() const { return last_iters_; }

 private:
  torch::Tensor input_of(const Batch& batch) const { return net_->cfg.bow_input ? batch.bow : batch.x; }
  std::string name_;
  EcrtmNet net_{nullptr};
  double loss_weight_;
  double last_ecr_ = 0.0;
  int64_t last_iters_ = 0;
};

}  // namespace ntm::topic
