#include "etm_model.h"

#include <cmath>

#include "ntm/error.h"
#include "ntm/topic/objective.h"
#include "embedding_init.h"
#include "module_state.h"
#include "prodlda_net.h"

namespace ntm::topic {

EtmNetImpl::EtmNetImpl(const EtmConfig& c) : cfg(c) {
  NTM_CHECK(!c.hidden_sizes.empty(), "hidden_sizes must not be empty");
  int64_t in = c.input_size;
  for (size_t i = 0; i < c.hidden_sizes.size(); ++i) {
    layers.push_back(register_module("q_theta_" + std::to_string(i), torch::nn::Linear(in, c.hidden_sizes[i])));
    in = c.hidden_sizes[i];
  }
  mu = register_module("mu_q_theta", torch::nn::Linear(in, c.num_topics));
  logsigma = register_module("logsigma_q_theta", torch::nn::Linear(in, c.num_topics));
  // ρ [V, E]: given rows where found, else Linear(E -> V)'s default init when trained, N(0, 0.6²) when fixed.
  ModelShape shape;
  shape.vocab_size = c.vocab_size;
  shape.word_embeddings = c.word_embeddings;
  shape.word_found = c.word_found;
  shape.embedding_size = c.embedding_size;
  const bool train = c.train_embeddings;
  auto init = initial_word_embeddings(shape, c.embedding_size, [train](int64_t V, int64_t E) {
    if (!train) return torch::randn({V, E}) * 0.6;
    torch::nn::Linear lin(torch::nn::LinearOptions(E, V).bias(false));
    return lin->weight.detach().clone();
  });
  cfg.embedding_size = init.size(1);
  if (train) rho = register_parameter("rho", init);
  else rho = register_buffer("rho", init);
  alphas = register_module("alphas",
                           torch::nn::Linear(torch::nn::LinearOptions(cfg.embedding_size, c.num_topics).bias(false)));
  // α [K, E]: kept as Linear's init (OCTIS), or TopMost's torch.randn(K, E) from the seeded default generator.
  NTM_CHECK(c.topic_embedding_init == "linear" || c.topic_embedding_init == "randn", "unknown topic_embedding_init '",
            c.topic_embedding_init, "'");
  if (c.topic_embedding_init == "randn") {
    torch::NoGradGuard no_grad;
    alphas->weight.normal_(0.0, 1.0);
  }
}

std::pair<torch::Tensor, torch::Tensor> EtmNetImpl::encode(const torch::Tensor& input, at::Generator& gen) {
  auto h = input;
  for (auto& l : layers) h = cfg.activation == "relu" ? torch::relu(l->forward(h)) : torch::softplus(l->forward(h));
  h = dropout_with(h, cfg.encoder_dropout, is_training(), gen);  // [B, H_last]
  return {mu->forward(h), logsigma->forward(h)};                 // [B, K] each
}

torch::Tensor EtmNetImpl::beta() {
  auto logits = torch::matmul(rho, alphas->weight.t());  // [V, K]
  return torch::softmax(logits, 0).t();                  // [K, V]
}

EtmModel::EtmModel(std::string name, const EtmConfig& cfg, double loss_weight)
    : name_(std::move(name)), net_(EtmNet(cfg)), loss_weight_(loss_weight) {}

torch::Tensor EtmModel::input_of(const Batch& batch) const {
  if (!net_->cfg.bow_input) return batch.x;
  return batch.bow / batch.bow.sum(1, /*keepdim=*/true);  // [B, V] normalised BoW
}

at::Tensor EtmModel::loss(const Batch& batch, at::Generator& gen) {
  auto [mu, logsigma] = net_->encode(input_of(batch), gen);                                    // [B, K]
  auto eps = batch.eps ? *batch.eps : torch::empty_like(mu).normal_(0.0, 1.0, gen);           // [B, K]
  auto theta = torch::softmax(mu + eps * torch::exp(0.5 * logsigma), 1);                      // [B, K]
  auto kl = -0.5 * (1 + logsigma - mu.pow(2) - logsigma.exp()).sum(1);                        // [B]
  auto mix = torch::matmul(theta, net_->beta());                                              // [B, V]
  if (net_->cfg.bow_input) {
    auto recon = -(torch::log(mix + 1e-6) * batch.weight).sum(1);  // [B]
    return recon.mean() + kl.mean();
  }
  auto rl = target_loss(torch::softmax(mix, 1), batch.weight, batch.kl);  // [B]
  return kl.mean() + loss_weight_ * rl.mean();
}

at::Tensor EtmModel::theta(const Batch& batch, ThetaMode mode, at::Generator& gen) {
  torch::NoGradGuard no_grad;
  auto [mu, logsigma] = net_->encode(input_of(batch), gen);
  if (mode == ThetaMode::kMean) return torch::softmax(mu, 1);
  auto eps = torch::empty_like(mu).normal_(0.0, 1.0, gen);
  return torch::softmax(mu + eps * torch::exp(0.5 * logsigma), 1);
}

at::Tensor EtmModel::topic_word() {
  torch::NoGradGuard no_grad;
  return net_->beta().detach();
}

NamedTensors EtmModel::named_parameters() { return trainable_parameters(*net_); }
NamedTensors EtmModel::named_state() { return module_state(*net_); }
void EtmModel::load_state(const NamedTensors& state, const std::string& where) {
  load_module_state(*net_, state, where, name_);
}

}  // namespace ntm::topic
