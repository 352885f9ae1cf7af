#pragma once
// TopicModel implementation of the ProdLDA family (private header: needs torch).
//   dsl-prodlda  contextual encoder on the LM hidden state, decoder softmax(BN(θB)/T), teacher target,
//                loss Σ_batch (KL + λ·RL)                                     (method-spec §5.1)
//   prodlda      OCTIS AVITM: BoW encoder, decoder softmax(BN(θB)), loss Σ_batch (KL − Σ x log(ŷ+1e-10))
//   zeroshot     OCTIS CTM ZeroShotTM: contextual encoder (LM hidden state), BoW reconstruction
//   combined     OCTIS CTM CombinedTM: [BoW, adapt_bert(hidden)] encoder, BoW reconstruction
#include "ntm/topic/model.h"
#include "prodlda_net.h"

namespace ntm::topic {

class ProdLdaModel : public TopicModel {
 public:
  ProdLdaModel(std::string name, const ProdLdaConfig& cfg, double loss_weight);

  std::string name() const override { return name_; }
  int64_t num_topics() const override { return net_->config().num_topics; }
  void to(c10::Device device) override;
  void set_training(bool on) override;
  void batch_norm_running_stats(bool on) override;
  at::Tensor loss(const Batch& batch, at::Generator& gen) override;
  at::Tensor theta(const Batch& batch, ThetaMode mode, at::Generator& gen) override;
  at::Tensor topic_word() override;
  NamedTensors named_parameters() override;
  NamedTensors named_state() override;
  void load_state(const NamedTensors& state, const std::string& where) override;

  ProdLdaNet& net() { return net_; }
  // Outputs of the last loss() forward pass, detached (for tests).
  const ProdLdaForward& last_forward() const { return last_; }

 private:
  std::string name_;
  ProdLdaNet net_{nullptr};
  double loss_weight_;
  ProdLdaForward last_;
};

}  // namespace ntm::topic
