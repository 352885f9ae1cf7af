#pragma once
// The ProdLDA-family network (private header; needs torch): the reference's AVITM/CTM
// autoencoder with a logistic-normal prior, used by DSL-ProdLDA, ProdLDA, ZeroShotTM and
// CombinedTM. Parameters and buffers are registered under the reference's state_dict names.
//
//   DSL-ProdLDA  encoder "encoder", contextual input:  encoder.input_projection, encoder.hiddens.l_0.0, ...
//   ProdLDA      encoder "inf_net", BoW input:         inf_net.input_layer, ...
//   ZeroShotTM   encoder "inf_net", contextual input:  inf_net.input_projection, ...
//   CombinedTM   encoder "inf_net", BoW + contextual:  inf_net.adapt_bert, inf_net.input_layer, ...
// plus f_mu, f_mu_batchnorm, f_sigma, f_sigma_batchnorm under the encoder, and beta [K, V],
// prior_mean [K], prior_variance [K], beta_batchnorm at the top level. With batchnorm "avitm"
// each BatchNorm also holds weight (frozen at 1) and bias (trained).
#include <torch/torch.h>

#include <optional>
#include <string>
#include <vector>

namespace ntm::topic {

enum class EncoderInput { kContextual, kBow, kCombined };

struct ProdLdaConfig {
  int64_t vocab_size = 0;    // V
  int64_t context_size = 0;  // H (hidden state size); unused for kBow
  int64_t num_topics = 50;   // K
  std::vector<int64_t> hidden_sizes{200, 200};
  std::string activation = "softplus";  // softplus | relu
  double dropout = 0.2;                 // dropout on theta (the reference's `dropout` argument)
  double encoder_dropout = 0.2;         // dropout on the encoder output (hard-coded 0.2 in the reference)
  double temperature = 1.0;             // decoder softmax temperature (DSL-ProdLDA: T)
  bool learn_priors = true;
  // BatchNorms of mu, logvar and the decoder: "octis" (OCTIS/CTM: affine off, eps 1e-5, momentum
  // 0.1) | "avitm" (original AVITM, TopMost: scale frozen at 1, trained shift, eps 1e-3, momentum 1e-3).
  std::string batchnorm = "octis";
  EncoderInput input = EncoderInput::kContextual;
  std::string encoder_name = "encoder";  // "encoder" (DSL) or "inf_net" (OCTIS baselines)
};

// Dropout with an explicit generator (so training is reproducible and checkpointable); the same
// draws and arithmetic as torch's dropout (noise = bernoulli(1-p) / (1-p); x * noise).
torch::Tensor dropout_with(const torch::Tensor& x, double p, bool training, at::Generator& gen);

// BatchNorm1d(n) in the given style ("octis" | "avitm", see ProdLdaConfig::batchnorm).
torch::nn::BatchNorm1d prodlda_batchnorm(int64_t n, const std::string& style);

class EncoderNetImpl : public torch::nn::Module {
 public:
  explicit EncoderNetImpl(const ProdLdaConfig& cfg);
  // x_ctx [B, H] and/or x_bow [B, V] -> (mu [B, K], logvar [B, K])
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x_ctx, const torch::Tensor& x_bow,
                                                  at::Generator& gen);

  torch::nn::Linear input{nullptr};       // input_projection | input_layer
  torch::nn::Linear adapt_bert{nullptr};  // CombinedTM only
  std::vector<torch::nn::Linear> hidden;  // hiddens.l_i.0
  torch::nn::Linear f_mu{nullptr}, f_sigma{nullptr};
  torch::nn::BatchNorm1d f_mu_batchnorm{nullptr}, f_sigma_batchnorm{nullptr};

 private:
  torch::Tensor act(const torch::Tensor& x) const;
  ProdLdaConfig cfg_;
};
TORCH_MODULE(EncoderNet);

struct ProdLdaForward {
  torch::Tensor mu, logvar;  // [B, K] posterior mean and log-variance (after BatchNorm)
  torch::Tensor theta;       // [B, K] softmax(z), before theta dropout
  torch::Tensor word_dist;   // [B, V] softmax(BN(theta_drop @ beta) / T)
};

class ProdLdaNetImpl : public torch::nn::Module {
 public:
  explicit ProdLdaNetImpl(const ProdLdaConfig& cfg);
  // eps [B, K] replaces the reparameterisation noise when given (tests); else drawn from gen.
  ProdLdaForward forward(const torch::Tensor& x_ctx, const torch::Tensor& x_bow, at::Generator& gen,
                         const std::optional<torch::Tensor>& eps = std::nullopt);
  // theta = softmax(mu + exp(0.5 logvar) * eps) without the decoder; eps drawn when absent.
  torch::Tensor sample_theta(const torch::Tensor& x_ctx, const torch::Tensor& x_bow, at::Generator& gen,
                             const std::optional<torch::Tensor>& eps = std::nullopt);
  torch::Tensor mean_theta(const torch::Tensor& x_ctx, const torch::Tensor& x_bow, at::Generator& gen);

  const ProdLdaConfig& config() const { return cfg_; }

  EncoderNet encoder{nullptr};
  torch::Tensor beta, prior_mean, prior_variance;
  torch::nn::BatchNorm1d beta_batchnorm{nullptr};

 private:
  ProdLdaConfig cfg_;
};
TORCH_MODULE(ProdLdaNet);

}  // namespace ntm::topic
