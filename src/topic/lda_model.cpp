#include "lda_model.h"

#include <ATen/Parallel.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <cmath>

#include "ntm/error.h"
#include "ntm/lda/fold_in.h"
#include "ntm/lda/gibbs.h"

namespace ntm::topic {

LdaModel::LdaModel(int64_t num_topics, int64_t vocab_size)
    : K_(num_topics),
      V_(vocab_size),
      phi_(torch::full({num_topics, vocab_size}, 1.0 / static_cast<double>(vocab_size), torch::kFloat32)),
      alpha_(torch::zeros({num_topics}, torch::kFloat64)) {}

void LdaModel::fit(const TrainData& data, const TrainOptions& opts, at::Generator& gen) {
  lda::SparseCorpus corpus;
  auto indptr = data.bow_indptr.contiguous();
  auto indices = data.bow_indices.contiguous();
  auto counts = data.bow_counts.contiguous();
  corpus.indptr = indptr.data_ptr<int64_t>();
  corpus.indices = indices.data_ptr<int32_t>();
  corpus.counts = counts.data_ptr<float>();
  corpus.num_docs = data.num_docs;
  corpus.vocab_size = V_;

  lda::GibbsOptions g;
  g.num_topics = static_cast<int>(K_);
  g.iterations = static_cast<int>(opts.iterations);
  g.alpha = opts.alpha;
  g.beta = opts.beta;
  g.optimize_every = static_cast<int>(opts.optimize_every);
  g.sampler = opts.lda_sampler == "dense"    ? lda::Sampler::Dense
              : opts.lda_sampler == "sparse" ? lda::Sampler::Sparse
                                             : lda::Sampler::Auto;
  g.threads = at::get_num_threads();  // the global --threads (configure_runtime)
  g.seed = gen.current_seed();        // derived from the run's seed
  spdlog::info("lda: {} sweeps of collapsed Gibbs sampling ({} sampler), K={}, alpha={}, beta={}, {} thread(s)",
               g.iterations, lda::uses_dense_sampler(g) ? "dense" : "sparse", K_,
               g.alpha < 0 ? 50.0 / static_cast<double>(K_) : g.alpha, g.beta, g.threads);

  metrics_.clear();
  const auto t0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();  // CPU time of the process (all threads): the fair clock on a busy machine
  const int report = std::max(1, g.iterations / 10);
  auto on_sweep = [&](int sweep) {
    if (sweep % report == 0 || sweep == g.iterations) {
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      metrics_.push_back({{"sweep", sweep}, {"seconds", secs}});
      spdlog::info("lda sweep {}/{} ({:.1f} s)", sweep, g.iterations, secs);
    }
    return true;
  };
  lda::GibbsResult r = lda::train_gibbs(corpus, g, on_sweep);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu_secs = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;

  theta_ = torch::from_blob(r.theta.data(), {data.num_docs, K_}, torch::kFloat32).clone();  // [D, K]
  phi_ = torch::from_blob(r.phi.data(), {K_, V_}, torch::kFloat32).clone();                  // [K, V]
  alpha_ = torch::from_blob(r.alpha.data(), {K_}, torch::kFloat64).clone();                   // [K]
  loss_ = r.num_tokens > 0 ? -r.log_likelihood / static_cast<double>(r.num_tokens) : 0.0;
  const double tok_s = secs > 0 ? static_cast<double>(r.num_tokens) * g.iterations / secs : 0.0;
  metrics_.push_back({{"sweep", g.iterations},
                      {"seconds", secs},
                      {"cpu_seconds", cpu_secs},
                      {"log_likelihood", r.log_likelihood},
                      {"tokens", r.num_tokens},
                      {"tokens_per_s", tok_s}});
  spdlog::info("lda: {} tokens, log p(w|z) = {:.1f} ({:.4f} per token), {:.3g} tokens/s", r.num_tokens,
               r.log_likelihood, -loss_, tok_s);
}

at::Tensor LdaModel::loss(const Batch&, at::Generator&) {
  internal_error("lda is trained by Gibbs sampling (fit), not by gradient steps");
}

at::Tensor LdaModel::theta(const Batch& batch, ThetaMode, at::Generator& gen) {
  // ntm infer: fold-in Gibbs sampling with φ frozen (src/lda/fold_in.cpp).
  NTM_CHECK(batch.bow.defined(), "lda theta needs the documents' BoW");
  auto bow = batch.bow.to(torch::kCPU, torch::kFloat32).contiguous();  // [B, V]
  const int64_t B = bow.size(0);
  std::vector<int64_t> indptr{0};
  std::vector<int32_t> indices;
  std::vector<float> counts;
  const float* bp = bow.data_ptr<float>();
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t v = 0; v < V_; ++v)
      if (bp[b * V_ + v] != 0.0f) {
        indices.push_back(static_cast<int32_t>(v));
        counts.push_back(bp[b * V_ + v]);
      }
    indptr.push_back(static_cast<int64_t>(indices.size()));
  }
  lda::SparseCorpus corpus{indptr.data(), indices.data(), counts.data(), B, V_};
  auto phi = phi_.to(torch::kFloat32).contiguous();
  std::vector<float> phi_v(phi.data_ptr<float>(), phi.data_ptr<float>() + K_ * V_);
  auto alpha = alpha_.to(torch::kFloat64).contiguous();
  std::vector<double> alpha_v(alpha.data_ptr<double>(), alpha.data_ptr<double>() + K_);
  lda::FoldInOptions o;
  o.seed = gen.current_seed();
  o.first_doc = docs_folded_;
  o.threads = at::get_num_threads();
  docs_folded_ += B;
  auto theta = lda::fold_in(corpus, phi_v, alpha_v, o);
  return torch::from_blob(theta.data(), {B, K_}, torch::kFloat32).clone();  // [B, K]
}

void LdaModel::load_state(const NamedTensors& state, const std::string& where) {
  bool have_phi = false;
  for (const auto& [n, t] : state) {
    if (n == "phi") {
      if (t.dim() != 2 || t.size(0) != K_ || t.size(1) != V_)
        input_error(where, ": tensor phi must be [", K_, ", ", V_, "]");
      phi_ = t.to(torch::kFloat32).contiguous().clone();
      have_phi = true;
    } else if (n == "alpha") {
      if (t.numel() != K_) input_error(where, ": tensor alpha must have ", K_, " values");
      alpha_ = t.to(torch::kFloat64).contiguous().clone();
    }
  }
  if (!have_phi) input_error(where, ": missing tensor phi (not an lda model file)");
}

}  // namespace ntm::topic
