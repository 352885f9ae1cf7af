#include "prodlda_net.h"

#include "ntm/error.h"

namespace ntm::topic {

torch::Tensor dropout_with(const torch::Tensor& x, double p, bool training, at::Generator& gen) {
  if (!training || p <= 0.0) return x;
  if (p >= 1.0) return torch::zeros_like(x);
  auto noise = torch::empty_like(x).bernoulli_(1.0 - p, gen);  // [B, *] of {0, 1}
  noise.div_(1.0 - p);
  return x * noise;
}

torch::nn::BatchNorm1d prodlda_batchnorm(int64_t n, const std::string& style) {
  if (style == "octis") return torch::nn::BatchNorm1d(torch::nn::BatchNorm1dOptions(n).affine(false));
  NTM_CHECK(style == "avitm", "unknown batchnorm style '", style, "'");
  // tf.contrib.layers.batch_norm's defaults, as AVITM and TopMost: center (shift), no scale.
  torch::nn::BatchNorm1d bn(torch::nn::BatchNorm1dOptions(n).eps(1e-3).momentum(1e-3).affine(true));
  bn->weight.set_requires_grad(false);  // stays 1
  return bn;
}

EncoderNetImpl::EncoderNetImpl(const ProdLdaConfig& cfg) : cfg_(cfg) {
  NTM_CHECK(!cfg.hidden_sizes.empty(), "hidden_sizes must not be empty");
  const int64_t h0 = cfg.hidden_sizes.front();
  switch (cfg.input) {
    case EncoderInput::kContextual:
      input = register_module("input_projection", torch::nn::Linear(cfg.context_size, h0));
      break;
    case EncoderInput::kBow:
      input = register_module("input_layer", torch::nn::Linear(cfg.vocab_size, h0));
      break;
    case EncoderInput::kCombined:
      // The reference registers input_layer before adapt_bert.
      input = register_module("input_layer", torch::nn::Linear(2 * cfg.vocab_size, h0));
      adapt_bert = register_module("adapt_bert", torch::nn::Linear(cfg.context_size, cfg.vocab_size));
      break;
  }
  auto hiddens = std::make_shared<torch::nn::Module>();
  for (size_t i = 0; i + 1 < cfg.hidden_sizes.size(); ++i) {
    auto block = std::make_shared<torch::nn::Module>();
    auto lin = block->register_module("0", torch::nn::Linear(cfg.hidden_sizes[i], cfg.hidden_sizes[i + 1]));
    hiddens->register_module("l_" + std::to_string(i), block);
    hidden.push_back(lin);
  }
  register_module("hiddens", hiddens);
  const int64_t hl = cfg.hidden_sizes.back();
  f_mu = register_module("f_mu", torch::nn::Linear(hl, cfg.num_topics));
  f_mu_batchnorm = register_module("f_mu_batchnorm", prodlda_batchnorm(cfg.num_topics, cfg.batchnorm));
  f_sigma = register_module("f_sigma", torch::nn::Linear(hl, cfg.num_topics));
  f_sigma_batchnorm = register_module("f_sigma_batchnorm", prodlda_batchnorm(cfg.num_topics, cfg.batchnorm));
}

torch::Tensor EncoderNetImpl::act(const torch::Tensor& x) const {
  return cfg_.activation == "relu" ? torch::relu(x) : torch::softplus(x);
}

std::pair<torch::Tensor, torch::Tensor> EncoderNetImpl::forward(const torch::Tensor& x_ctx,
                                                                const torch::Tensor& x_bow, at::Generator& gen) {
  torch::Tensor h;
  switch (cfg_.input) {
    case EncoderInput::kContextual: h = input->forward(x_ctx); break;
    case EncoderInput::kBow: h = input->forward(x_bow); break;
    case EncoderInput::kCombined: h = input->forward(torch::cat({x_bow, adapt_bert->forward(x_ctx)}, 1)); break;
  }
  h = act(h);  // [B, h0]
  for (auto& lin : hidden) h = act(lin->forward(h));
  h = dropout_with(h, cfg_.encoder_dropout, is_training(), gen);
  auto mu = f_mu_batchnorm->forward(f_mu->forward(h));              // [B, K]
  auto logvar = f_sigma_batchnorm->forward(f_sigma->forward(h));    // [B, K]
  return {mu, logvar};
}

ProdLdaNetImpl::ProdLdaNetImpl(const ProdLdaConfig& cfg) : cfg_(cfg) {
  const int64_t K = cfg.num_topics;
  encoder = register_module(cfg.encoder_name, EncoderNet(cfg));
  auto pm = torch::zeros({K});
  auto pv = torch::full({K}, 1.0 - 1.0 / static_cast<double>(K));
  if (cfg.learn_priors) {
    prior_mean = register_parameter("prior_mean", pm);
    prior_variance = register_parameter("prior_variance", pv);
  } else {
    prior_mean = register_buffer("prior_mean", pm);
    prior_variance = register_buffer("prior_variance", pv);
  }
  auto b = torch::empty({K, cfg.vocab_size});
  torch::nn::init::xavier_uniform_(b);
  beta = register_parameter("beta", b);
  beta_batchnorm = register_module("beta_batchnorm", prodlda_batchnorm(cfg.vocab_size, cfg.batchnorm));
}

ProdLdaForward ProdLdaNetImpl::forward(const torch::Tensor& x_ctx, const torch::Tensor& x_bow, at::Generator& gen,
                                       const std::optional<torch::Tensor>& eps) {
  ProdLdaForward out;
  std::tie(out.mu, out.logvar) = encoder->forward(x_ctx, x_bow, gen);
  auto std_dev = torch::exp(0.5 * out.logvar);                                              // [B, K]
  auto noise = eps ? *eps : torch::empty_like(std_dev).normal_(0.0, 1.0, gen);              // [B, K]
  out.theta = torch::softmax(noise * std_dev + out.mu, 1);                                  // [B, K]
  auto theta_d = dropout_with(out.theta, cfg_.dropout, is_training(), gen);                 // [B, K]
  auto logits = beta_batchnorm->forward(torch::matmul(theta_d, beta));                      // [B, V]
  if (cfg_.temperature != 1.0) logits = logits / cfg_.temperature;
  out.word_dist = torch::softmax(logits, 1);
  return out;
}

torch::Tensor ProdLdaNetImpl::sample_theta(const torch::Tensor& x_ctx, const torch::Tensor& x_bow,
                                           at::Generator& gen, const std::optional<torch::Tensor>& eps) {
  auto [mu, logvar] = encoder->forward(x_ctx, x_bow, gen);
  auto std_dev = torch::exp(0.5 * logvar);
  auto noise = eps ? *eps : torch::empty_like(std_dev).normal_(0.0, 1.0, gen);
  return torch::softmax(noise * std_dev + mu, 1);
}

torch::Tensor ProdLdaNetImpl::mean_theta(const torch::Tensor& x_ctx, const torch::Tensor& x_bow, at::Generator& gen) {
  return torch::softmax(encoder->forward(x_ctx, x_bow, gen).first, 1);
}

}  // namespace ntm::topic
