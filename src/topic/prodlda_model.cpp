#include "prodlda_model.h"


#include "ntm/error.h"
#include "ntm/topic/objective.h"
#include "module_state.h"

namespace ntm::topic {

int64_t Batch::size() const {
  if (x.defined()) return x.size(0);
  if (bow.defined()) return bow.size(0);
  return weight.defined() ? weight.size(0) : 0;
}

void TopicModel::fit(const TrainData&, const TrainOptions&, at::Generator&) {
  internal_error("model ", name(), " is trained by gradient steps; fit() is for models that are not");
}

void TopicModel::after_training(const TrainData&, c10::Device) {}

ProdLdaModel::ProdLdaModel(std::string name, const ProdLdaConfig& cfg, double loss_weight)
    : name_(std::move(name)), net_(ProdLdaNet(cfg)), loss_weight_(loss_weight) {}

void ProdLdaModel::to(c10::Device device) { net_->to(device); }
void ProdLdaModel::set_training(bool on) { net_->train(on); }
void ProdLdaModel::batch_norm_running_stats(bool on) { topic::batch_norm_running_stats(*net_, on); }

at::Tensor ProdLdaModel::loss(const Batch& batch, at::Generator& gen) {
  auto out = net_->forward(batch.x, batch.bow, gen, batch.eps);
  auto kl = gaussian_kl(net_->prior_mean, net_->prior_variance, out.mu, out.logvar);      // [B]
  auto rl = target_loss(out.word_dist, batch.weight, batch.kl);         // [B]
  auto total = loss_weight_ == 1.0 ? (kl + rl).sum() : (kl + loss_weight_ * rl).sum();     // scalar
  last_ = {out.mu.detach(), out.logvar.detach(), out.theta.detach(), out.word_dist.detach()};
  return total;
}

at::Tensor ProdLdaModel::theta(const Batch& batch, ThetaMode mode, at::Generator& gen) {
  torch::NoGradGuard no_grad;
  if (mode == ThetaMode::kMean) return net_->mean_theta(batch.x, batch.bow, gen);
  return net_->sample_theta(batch.x, batch.bow, gen, batch.eps);
}

at::Tensor ProdLdaModel::topic_word() { return net_->beta.detach(); }

NamedTensors ProdLdaModel::named_parameters() { return trainable_parameters(*net_); }
NamedTensors ProdLdaModel::named_state() { return module_state(*net_); }
void ProdLdaModel::load_state(const NamedTensors& state, const std::string& where) {
  load_module_state(*net_, state, where, name_);
}

}  // namespace ntm::topic
