#pragma once
// ETM (Dieng et al. 2020) as a registry model (private header: needs torch).
//   etm      OCTIS ETM baseline (method-spec §6): normalised BoW in, recon mean(−Σ x log(θβ + 1e-6))
//            + mean KL; ρ fixed. The reference's word2vec vectors are unavailable: ρ comes from the
//            LM's input embeddings, a --word-vectors file, or random N(0, 0.6²) rows (what OCTIS
//            gives an out-of-vocabulary word).
//   dsl-etm  DSL-ETM (method-spec §5.2): LM hidden state in, student softmax(θβ), loss
//            mean KL + λ · mean RL against the teacher; ρ trainable (the reference: default Linear
//            init, configs/dsl-etm.json's word_embeddings "random").
// β = softmax over the vocabulary of ρ αᵀ, transposed to [K, V] (rows are distributions).
#include <torch/torch.h>

#include "ntm/topic/model.h"

namespace ntm::topic {

struct EtmConfig {
  int64_t vocab_size = 0;     // V
  int64_t input_size = 0;     // encoder input: V (BoW) or H (LM hidden state)
  int64_t num_topics = 50;    // K
  int64_t embedding_size = 300;
  std::vector<int64_t> hidden_sizes{800, 800};
  std::string activation = "relu";
  double encoder_dropout = 0.5;
  std::string topic_embedding_init = "linear";  // α [K, E]: linear (U(±1/√E), OCTIS) | randn (N(0, 1))
  bool bow_input = true;          // etm: normalised BoW in; dsl-etm: hidden state in
  bool train_embeddings = false;  // ρ trainable (dsl-etm) or a fixed buffer (etm)
  // Initial ρ rows [V, E] and which of them to use (found [V] bool), or undefined: random rows.
  // Random rows: N(0, 0.6²) for the fixed ρ (OCTIS's out-of-vocabulary rule), the default Linear
  // init U(±1/√E) for the trainable one.
  torch::Tensor word_embeddings, word_found;
};

struct EtmNetImpl : torch::nn::Module {
  explicit EtmNetImpl(const EtmConfig& cfg);
  // (μ, log σ²) [B, K] each.
  std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor& input, at::Generator& gen);
  torch::Tensor beta();  // [K, V]

  EtmConfig cfg;
  std::vector<torch::nn::Linear> layers;
  torch::nn::Linear mu{nullptr}, logsigma{nullptr}, alphas{nullptr};
  torch::Tensor rho;  // [V, E]
};
TORCH_MODULE(EtmNet);

class EtmModel : public TopicModel {
 public:
  EtmModel(std::string name, const EtmConfig& cfg, double loss_weight);

  std::string name() const override { return name_; }
  int64_t num_topics() const override { return net_->cfg.num_topics; }
  void to(c10::Device device) override { net_->to(device); }
  void set_training(bool on) override { net_->train(on); }
  at::Tensor loss(const Batch& batch, at::Generator& gen) override;
  bool loss_is_batch_mean() const override { return true; }
  at::Tensor theta(const Batch& batch, ThetaMode mode, at::Generator& gen) override;
  at::Tensor topic_word() override;
  NamedTensors named_parameters() override;
  NamedTensors named_state() override;
  void load_state(const NamedTensors& state, const std::string& where) override;

 private:
  torch::Tensor input_of(const Batch& batch) const;
  std::string name_;
  EtmNet net_{nullptr};
  double loss_weight_;
};

}  // namespace ntm::topic
