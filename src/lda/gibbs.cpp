#include "ntm/lda/gibbs.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cmath>
#include <thread>

#include "ntm/error.h"
#include "rng.h"
#include "sweep.h"
#include "ntm/util/signals.h"

namespace ntm::lda {
namespace {

struct Block {
  int64_t doc_begin, doc_end;  // documents [begin, end)
  int64_t tok_begin, tok_end;  // tokens [begin, end)
};

// Test hook: NTM_FAULT_SWEEP_DELAY_MS=N sleeps N ms before each sweep, so that a test can signal
// a real LDA training in the middle of a seed. Returns early on a stop request.
void fault_sweep_delay() {
  static const long ms = [] {
    const char* e = std::getenv("NTM_FAULT_SWEEP_DELAY_MS");
    return e ? std::strtol(e, nullptr, 10) : 0L;
  }();
  for (long t = 0; t < ms && !stop_requested(); t += 5) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

}  // namespace

bool uses_dense_sampler(const GibbsOptions& o) {
  return o.sampler == Sampler::Dense ||
         (o.sampler == Sampler::Auto && o.num_topics <= kDenseMaxTopics && dense_sweep_is_vectorised());
}

double digamma(double x) {
  double r = 0;
  while (x < 10) { r -= 1 / x; x += 1; }
  double f = 1 / (x * x);
  return r + std::log(x) - 0.5 / x -
         f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))));
}

double log_likelihood_words(const std::vector<int32_t>& n_wk, const std::vector<int32_t>& n_k, int64_t K, int64_t V,
                            double beta, int64_t stride) {
  double ll = K * (std::lgamma(V * beta) - V * std::lgamma(beta));
  for (int64_t k = 0; k < K; ++k) {
    for (int64_t w = 0; w < V; ++w) ll += std::lgamma(n_wk[w * stride + k] + beta);
    ll -= std::lgamma(n_k[k] + V * beta);
  }
  return ll;
}

GibbsResult train_gibbs(const SparseCorpus& c, const GibbsOptions& o, const SweepCallback& on_sweep) {
  const int64_t K = o.num_topics, V = c.vocab_size, D = c.num_docs;
  if (K <= 0) usage_error("--num-topics must be > 0 (got ", K, ")");
  if (V <= 0) input_error("LDA: the vocabulary is empty");
  if (o.beta <= 0) usage_error("lda beta must be > 0 (got ", o.beta, ")");
  if (o.iterations < 0) usage_error("lda iterations must be >= 0");

  // Expand the counts into token arrays (word id and document per token).
  std::vector<int32_t> words;
  std::vector<int64_t> doc_tok(D + 1, 0);
  for (int64_t d = 0; d < D; ++d) {
    for (int64_t j = c.indptr[d]; j < c.indptr[d + 1]; ++j) {
      float cnt = c.counts[j];
      int32_t w = c.indices[j];
      if (w < 0 || w >= V) input_error("LDA: word index ", w, " out of range in document ", d);
      if (cnt < 0 || cnt != std::floor(cnt)) input_error("LDA: document ", d, " has a non-integer count ", cnt);
      for (int64_t r = 0; r < static_cast<int64_t>(cnt); ++r) words.push_back(w);
    }
    doc_tok[d + 1] = static_cast<int64_t>(words.size());
  }
  const int64_t N = static_cast<int64_t>(words.size());

  std::vector<double> alpha(K, o.alpha < 0 ? 50.0 / K : o.alpha);
  double alpha_sum = 0;
  for (double a : alpha) alpha_sum += a;
  const double vbeta = V * o.beta;

  // Counts: n_dk [D, K], n_kw stored word-major [V, S] (rows padded to S, see WordTopicCounts), n_k [K].
  const int64_t S = topic_stride(K);
  const bool dense = uses_dense_sampler(o);
  std::vector<int32_t> z(N), n_dk(D * K, 0), n_wk(V * S, 0), n_k(K, 0);
  {
    Rng rng(o.seed ^ 0x5EEDULL);
    for (int64_t d = 0; d < D; ++d)
      for (int64_t i = doc_tok[d]; i < doc_tok[d + 1]; ++i) {
        int32_t k = static_cast<int32_t>(rng.below(static_cast<uint32_t>(K)));
        z[i] = k;
        ++n_dk[d * K + k];
        ++n_wk[words[i] * S + k];
        ++n_k[k];
      }
  }

  int threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads, D)));
  // Contiguous blocks with about N / threads tokens each.
  std::vector<Block> blocks;
  {
    int64_t d = 0;
    for (int t = 0; t < threads; ++t) {
      Block b{d, d, doc_tok[d], doc_tok[d]};
      int64_t target = N * (t + 1) / threads;
      while (b.doc_end < D && (doc_tok[b.doc_end] < target || t == threads - 1)) ++b.doc_end;
      b.tok_end = doc_tok[b.doc_end];
      blocks.push_back(b);
      d = b.doc_end;
    }
  }

  std::vector<WordTopicCounts> local_wk(threads);
  std::vector<std::vector<int32_t>> local_k(threads);
  for (int sweep = 1; sweep <= o.iterations; ++sweep) {
    fault_sweep_delay();
    // The caller (train) names the seed and what --resume will do; no checkpoint is kept here.
    if (stop_requested())
      throw Interrupted(stop_signal(), "at Gibbs sweep " + std::to_string(sweep) + " of " + std::to_string(o.iterations));
    auto work = [&](int t) {
      const Block& b = blocks[t];
      WordTopicCounts& wk = local_wk[t];
      std::vector<int32_t>& nk = local_k[t];
      wk.K = K;
      wk.stride = S;
      wk.count = n_wk;
      if (!dense) wk.rebuild(V);
      nk = n_k;
      Rng rng(o.seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(sweep) * 1000003ULL + static_cast<uint64_t>(t));
      SweepInput in{words.data(), doc_tok.data(), z.data(), n_dk.data(), alpha.data(), o.beta, K, V,
                    b.doc_begin, b.doc_end, o.check_invariants};
      (dense ? dense_sweep : sparse_sweep)(in, wk, nk, rng);
    };
    if (threads == 1) {
      work(0);
      n_wk.swap(local_wk[0].count);
      n_k.swap(local_k[0]);
    } else {
      std::vector<std::thread> pool;
      for (int t = 0; t < threads; ++t) pool.emplace_back(work, t);
      for (auto& th : pool) th.join();
      // Reconcile: global += Σ_t (local_t − global).
      std::vector<int32_t> wk = n_wk, nk = n_k;
      for (int t = 0; t < threads; ++t) {
        for (size_t i = 0; i < wk.size(); ++i) wk[i] += local_wk[t].count[i] - n_wk[i];
        for (size_t i = 0; i < nk.size(); ++i) nk[i] += local_k[t][i] - n_k[i];
      }
      n_wk.swap(wk);
      n_k.swap(nk);
    }

    if (o.optimize_every > 0 && sweep > o.burn_in && sweep % o.optimize_every == 0) {
      // Minka's fixed point for the Dirichlet-multinomial (asymmetric alpha), a few rounds.
      for (int round = 0; round < 5; ++round) {
        double denom = 0;
        for (int64_t d = 0; d < D; ++d) {
          int64_t nd = doc_tok[d + 1] - doc_tok[d];
          denom += digamma(nd + alpha_sum) - digamma(alpha_sum);
        }
        if (denom <= 0) break;
        double new_sum = 0;
        for (int64_t k = 0; k < K; ++k) {
          double num = 0;
          for (int64_t d = 0; d < D; ++d) num += digamma(n_dk[d * K + k] + alpha[k]) - digamma(alpha[k]);
          alpha[k] = std::max(1e-6, alpha[k] * num / denom);
          new_sum += alpha[k];
        }
        alpha_sum = new_sum;
      }
    }
    if (on_sweep && !on_sweep(sweep)) break;
  }

  GibbsResult r;
  r.num_tokens = N;
  r.alpha = alpha;
  r.theta.resize(D * K);
  for (int64_t d = 0; d < D; ++d) {
    double nd = static_cast<double>(doc_tok[d + 1] - doc_tok[d]);
    for (int64_t k = 0; k < K; ++k) r.theta[d * K + k] = static_cast<float>((n_dk[d * K + k] + alpha[k]) / (nd + alpha_sum));
  }
  r.phi.resize(K * V);
  for (int64_t k = 0; k < K; ++k)
    for (int64_t w = 0; w < V; ++w)
      r.phi[k * V + w] = static_cast<float>((n_wk[w * S + k] + o.beta) / (n_k[k] + vbeta));
  r.log_likelihood = log_likelihood_words(n_wk, n_k, K, V, o.beta, S);
  return r;
}

}  // namespace ntm::lda
