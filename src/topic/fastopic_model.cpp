#include "fastopic_model.h"

#include <spdlog/spdlog.h>

#include "embedding_init.h"
#include "module_state.h"
#include "ntm/error.h"
#include "ntm/topic/trainer.h"

namespace ntm::topic {

FastopicNetImpl::FastopicNetImpl(const FastopicConfig& c) : cfg(c) {
  NTM_CHECK(c.embed_size > 0, "FASTopic needs document embeddings (the LM hidden state)");
  const int64_t K = c.num_topics, V = c.vocab_size, H = c.embed_size;
  namespace F = torch::nn::functional;
  word_embeddings = register_parameter("word_embeddings", F::normalize(trunc_normal({V, H})));
  topic_embeddings = register_parameter("topic_embeddings", F::normalize(trunc_normal({K, H})));
  word_weights = register_parameter("word_weights", torch::full({V, 1}, 1.0 / static_cast<double>(V)));
  topic_weights = register_parameter("topic_weights", torch::full({K, 1}, 1.0 / static_cast<double>(K)));
  train_exp_dist_sum = register_buffer("train_exp_dist_sum", torch::ones({K}));
}

SinkhornResult FastopicNetImpl::dt_plan(const torch::Tensor& docs) {
  const int64_t n = docs.size(0);
  auto a = torch::full({n}, 1.0 / static_cast<double>(n), docs.options());  // [n]
  auto b = torch::softmax(topic_weights, 0).reshape({-1});                   // [K]
  return sinkhorn_log(pairwise_sq_dist(docs, topic_embeddings), a, b, cfg.dt);
}

SinkhornResult FastopicNetImpl::tw_plan() {
  const int64_t K = cfg.num_topics;
  auto a = torch::full({K}, 1.0 / static_cast<double>(K), topic_embeddings.options());  // [K]
  auto b = torch::softmax(word_weights, 0).reshape({-1});                                // [V]
  return sinkhorn_log(pairwise_sq_dist(topic_embeddings, word_embeddings), a, b, cfg.tw);
}

FastopicModel::FastopicModel(std::string name, const FastopicConfig& cfg)
    : name_(std::move(name)), net_(FastopicNet(cfg)) {}

torch::Tensor FastopicModel::docs_of(const Batch& batch) const {
  NTM_CHECK(batch.x.defined(), "FASTopic needs the LM hidden state as document embedding");
  return net_->cfg.dsl ? batch.x : torch::nn::functional::normalize(batch.x);  // [B, H]
}

at::Tensor FastopicModel::loss(const Batch& batch, at::Generator&) {
  auto docs = docs_of(batch);
  last_dt = net_->dt_plan(docs);
  last_tw = net_->tw_plan();
  auto theta = last_dt.plan * static_cast<double>(docs.size(0));        // [N, K]
  auto beta = last_tw.plan * static_cast<double>(net_->cfg.num_topics);  // [K, V]
  auto recon = torch::matmul(theta, beta);                               // [N, V]
  auto dsr = -(batch.weight * torch::log(recon + 1e-12)).sum(1).mean();
  auto loss = dsr + last_dt.cost + last_tw.cost;
  spdlog::debug("{}: Sinkhorn DT {} iterations ({} in the log domain, error {:.2e}), TW {} iterations ({}, {:.2e})",
                name_, last_dt.iterations, last_dt.log_domain_iterations, last_dt.err, last_tw.iterations,
                last_tw.log_domain_iterations, last_tw.err);
  for (auto* r : {&last_dt, &last_tw}) {  // keep only what tests read, not the graph
    r->plan = r->plan.detach();
    r->cost = r->cost.detach();
  }
  return loss;
}

void FastopicModel::after_training(const TrainData& data, c10::Device device) {
  if (net_->cfg.dsl) return;
  torch::NoGradGuard no_grad;
  auto sum = torch::zeros({net_->cfg.num_topics}, torch::kFloat64);  // [K]
  const int64_t D = data.num_docs, step = 4096;
  for (int64_t b = 0; b < D; b += step) {
    auto rows = torch::arange(b, std::min(D, b + step), torch::kInt64);
    Batch batch = make_batch(data, rows, device);
    auto dist = pairwise_sq_dist(docs_of(batch), net_->topic_embeddings);                      // [B, K]
    sum += torch::exp(-dist / net_->cfg.theta_temp).sum(0).to(torch::kCPU, torch::kFloat64);  // [K]
  }
  net_->train_exp_dist_sum.copy_(sum.to(torch::kFloat32));
}

at::Tensor FastopicModel::theta(const Batch& batch, ThetaMode, at::Generator&) {
  torch::NoGradGuard no_grad;
  auto docs = docs_of(batch);
  if (net_->cfg.dsl) {
    auto plan = net_->dt_plan(docs).plan;             // [B, K]
    return plan / plan.sum(1, /*keepdim=*/true);
  }
  auto dist = pairwise_sq_dist(docs, net_->topic_embeddings);                      // [B, K]
  auto theta = torch::exp(-dist / net_->cfg.theta_temp) / net_->train_exp_dist_sum;  // [B, K]
  return theta / theta.sum(1, /*keepdim=*/true);
}

at::Tensor FastopicModel::topic_word() {
  torch::NoGradGuard no_grad;
  return (net_->tw_plan().plan * static_cast<double>(net_->cfg.num_topics)).detach();
}

NamedTensors FastopicModel::named_parameters() { return trainable_parameters(*net_); }
NamedTensors FastopicModel::named_state() { return module_state(*net_); }
void FastopicModel::load_state(const NamedTensors& state, const std::string& where) {
  load_module_state(*net_, state, where, name_);
}

}  // namespace ntm::topic
