#pragma once
// FASTopic (Wu et al. 2024) as a registry model (private header: needs torch).
//   dsl-fastopic  DSL-FASTopic (method-spec §5.4): document embeddings = the raw LM hidden states;
//                 target t = softmax(neg_inf-top-20(logits)/T) (fixed, not the teacher flags);
//                 θ at evaluation: per chunk of theta_chunk (256) documents, the DT plan between the
//                 chunk and the topics (a = 1/n over the chunk), rows renormalised.
//   fastopic      FASTopic baseline (method-spec §6): document embeddings = the LM hidden states
//                 L2-normalised (the reference embeds the BoW string with gte-large, which ntm does not
//                 run); target = BoW counts; θ at evaluation = exp(−‖x − t‖²) / Σ_train exp(−‖x' − t‖²)
//                 (column sums over the training documents), rows renormalised.
// Both: parameters topic_embeddings [K, H], word_embeddings [V, H] (trunc_normal(0, 1, [−2, 2]),
// L2-normalised), topic_weights [K, 1] = 1/K, word_weights [V, 1] = 1/V. Each step (full batch,
// corpus order): DT plan (documents × topics, α = 3, a = 1/N, b = softmax(topic_weights)) and TW plan
// (topics × words, α = 2, a = 1/K, b = softmax(word_weights)) by the log-domain Sinkhorn;
// θ = N·P_DT, β = K·P_TW, loss = −mean_d Σ_v t_dv log((θβ)_dv + 1e-12) + cost_DT + cost_TW.
#include <torch/torch.h>

#include "ntm/topic/model.h"
#include "sinkhorn.h"

namespace ntm::topic {

struct FastopicConfig {
  int64_t vocab_size = 0;   // V
  int64_t embed_size = 0;   // H (document embedding size)
  int64_t num_topics = 50;  // K
  bool dsl = true;
  SinkhornOptions dt{3.0, 0.005, 1000};
  SinkhornOptions tw{2.0, 0.005, 1000};
  double theta_temp = 1.0;    // baseline θ formula
  int64_t theta_chunk = 256;  // dsl θ: documents per chunk (0 = all)
};

struct FastopicNetImpl : torch::nn::Module {
  explicit FastopicNetImpl(const FastopicConfig& cfg);
  // The DT plan for documents [n, H] (a = 1/n) and the TW plan.
  SinkhornResult dt_plan(const torch::Tensor& docs);
  SinkhornResult tw_plan();

  FastopicConfig cfg;
  torch::Tensor topic_embeddings, word_embeddings, topic_weights, word_weights;
  torch::Tensor train_exp_dist_sum;  // [K] baseline: Σ over training documents of exp(−‖x − t_k‖²/temp)
};
TORCH_MODULE(FastopicNet);

class FastopicModel : public TopicModel {
 public:
  FastopicModel(std::string name, const FastopicConfig& cfg);

  std::string name() const override { return name_; }
  int64_t num_topics() const override { return net_->cfg.num_topics; }
  void to(c10::Device device) override { net_->to(device); }
  void set_training(bool on) override { net_->train(on); }
  bool full_batch() const override { return true; }
  void after_training(const TrainData& data, c10::Device device) override;
  int64_t theta_batch_size(const TrainOptions&) const override {
    return net_->cfg.dsl ? net_->cfg.theta_chunk : 4096;
  }
  at::Tensor loss(const Batch& batch, at::Generator& gen) override;
  bool loss_is_batch_mean() const override { return true; }
  at::Tensor theta(const Batch& batch, ThetaMode mode, at::Generator& gen) override;
  at::Tensor topic_word() override;  // β = K·P_TW [K, V]
  NamedTensors named_parameters() override;
  NamedTensors named_state() override;
  void load_state(const NamedTensors& state, const std::string& where) override;

  FastopicNet& net() { return net_; }
  // Sinkhorn iterations and marginal errors of the last loss() (tests).
  SinkhornResult last_dt, last_tw;

 private:
  torch::Tensor docs_of(const Batch& batch) const;
  std::string name_;
  FastopicNet net_{nullptr};
};

}  // namespace ntm::topic
