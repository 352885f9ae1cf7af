#include "ecrtm_model.h"

#include <spdlog/spdlog.h>

#include "embedding_init.h"
#include "module_state.h"
#include "ntm/error.h"
#include "ntm/topic/objective.h"
#include "prodlda_net.h"

namespace ntm::topic {
namespace {

// BatchNorm1d(n) whose scale stays 1 (requires_grad off) and whose shift is trained.
torch::nn::BatchNorm1d frozen_scale_bn(int64_t n) {
  torch::nn::BatchNorm1d bn{torch::nn::BatchNorm1dOptions(n)};
  bn->weight.set_requires_grad(false);
  return bn;
}

}  // namespace

EcrtmNetImpl::EcrtmNetImpl(const EcrtmConfig& c, const ModelShape& shape) : cfg(c) {
  NTM_CHECK(!c.hidden_sizes.empty(), "hidden_sizes must not be empty");
  const int64_t K = c.num_topics;
  // Laplace approximation of Dirichlet(α = 1): μ₂ = 0, σ₂² = 1 − 1/K (fixed).
  mu2 = register_buffer("mu2", torch::zeros({1, K}));
  var2 = register_buffer("var2", torch::full({1, K}, 1.0 - 1.0 / static_cast<double>(K)));
  int64_t in = c.input_size;
  for (size_t i = 0; i < c.hidden_sizes.size(); ++i) {
    layers.push_back(register_module("fc1" + std::to_string(i + 1), torch::nn::Linear(in, c.hidden_sizes[i])));
    in = c.hidden_sizes[i];
  }
  fc21 = register_module("fc21", torch::nn::Linear(in, K));
  fc22 = register_module("fc22", torch::nn::Linear(in, K));
  mean_bn = register_module("mean_bn", frozen_scale_bn(K));
  logvar_bn = register_module("logvar_bn", frozen_scale_bn(K));
  decoder_bn = register_module("decoder_bn", frozen_scale_bn(c.vocab_size));
  auto we = initial_word_embeddings(shape, c.embedding_size,
                                    [](int64_t V, int64_t E) { return trunc_normal({V, E}); });  // [V, E]
  word_embeddings = register_parameter("word_embeddings", torch::nn::functional::normalize(we));
  auto te = trunc_normal({K, we.size(1)}, 0.0, 0.1);  // [K, E]
  topic_embeddings = register_parameter("topic_embeddings", torch::nn::functional::normalize(te));
}

std::pair<torch::Tensor, torch::Tensor> EcrtmNetImpl::encode(const torch::Tensor& input, at::Generator& gen) {
  auto h = input;
  for (auto& l : layers) h = cfg.activation == "relu" ? torch::relu(l->forward(h)) : torch::softplus(l->forward(h));
  h = dropout_with(h, cfg.encoder_dropout, is_training(), gen);  // [B, H_last]
  return {mean_bn->forward(fc21->forward(h)), logvar_bn->forward(fc22->forward(h))};
}

torch::Tensor EcrtmNetImpl::cost() { return pairwise_sq_dist(topic_embeddings, word_embeddings); }

torch::Tensor EcrtmNetImpl::beta() { return torch::softmax(-cost() / cfg.beta_temp, 0); }

EcrtmModel::EcrtmModel(std::string name, const EcrtmConfig& cfg, const ModelShape& shape, double loss_weight)
    : name_(std::move(name)), net_(EcrtmNet(cfg, shape)), loss_weight_(loss_weight) {}

void EcrtmModel::batch_norm_running_stats(bool on) { topic::batch_norm_running_stats(*net_, on); }

at::Tensor EcrtmModel::loss(const Batch& batch, at::Generator& gen) {
  auto& n = *net_;
  auto [mu, logvar] = n.encode(input_of(batch), gen);                                    // [B, K]
  auto eps = batch.eps ? *batch.eps : torch::empty_like(mu).normal_(0.0, 1.0, gen);     // [B, K]
  auto theta = torch::softmax(mu + eps * torch::exp(0.5 * logvar), 1);                  // [B, K]
  // KL to the fixed prior, averaged over the batch (TopMost's compute_loss_KL).
  auto var = logvar.exp();
  auto diff = mu - n.mu2;
  auto kl = 0.5 * ((var / n.var2 + diff * diff / n.var2 + (n.var2.log() - logvar)).sum(1) -
                   static_cast<double>(n.cfg.num_topics));  // [B]
  auto cost = n.cost();                                      // [K, V]
  auto beta = torch::softmax(-cost / n.cfg.beta_temp, 0);    // [K, V]
  auto logits = n.decoder_bn->forward(torch::matmul(theta, beta));  // [B, V]
  torch::Tensor recon;
  if (n.cfg.bow_input) {
    recon = -(batch.weight * torch::log_softmax(logits, 1)).sum(1).mean();
  } else {
    recon = loss_weight_ * target_loss(torch::softmax(logits, 1), batch.weight, batch.kl).mean();
  }
  auto ot = sinkhorn_linear(cost, n.cfg.ecr);
  auto ecr = n.cfg.ecr_weight * ot.cost;
  last_ecr_ = ecr.item<double>();
  last_iters_ = ot.iterations;
  spdlog::debug("{}: ECR Sinkhorn {} iterations, marginal error {:.2e}", name_, ot.iterations, ot.err);
  return recon + kl.mean() + ecr;
}

at::Tensor EcrtmModel::theta(const Batch& batch, ThetaMode mode, at::Generator& gen) {
  torch::NoGradGuard no_grad;
  auto [mu, logvar] = net_->encode(input_of(batch), gen);
  if (mode == ThetaMode::kMean) return torch::softmax(mu, 1);
  auto eps = torch::empty_like(mu).normal_(0.0, 1.0, gen);
  return torch::softmax(mu + eps * torch::exp(0.5 * logvar), 1);
}

at::Tensor EcrtmModel::topic_word() {
  torch::NoGradGuard no_grad;
  return net_->beta().detach();
}

NamedTensors EcrtmModel::named_parameters() { return trainable_parameters(*net_); }
NamedTensors EcrtmModel::named_state() { return module_state(*net_); }
void EcrtmModel::load_state(const NamedTensors& state, const std::string& where) {
  load_module_state(*net_, state, where, name_);
}

}  // namespace ntm::topic
