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

namespace {

void check_gibbs_options(const GibbsOptions& o, int64_t V) {
  if (o.num_topics <= 0) usage_error("--num-topics must be > 0 (got ", o.num_topics, ")");
  if (V <= 0) input_error("LDA: the vocabulary is empty");
  if (o.beta <= 0) usage_error("lda beta must be > 0 (got ", o.beta, ")");
  if (o.iterations < 0) usage_error("lda iterations must be >= 0");
}

// The sampler's whole state: one entry per token, and the count tables the conditional reads.
struct GibbsState {
  int64_t K = 0, V = 0, D = 0, N = 0;
  int64_t S = 0;                 // row stride of n_wk (topic_stride(K))
  std::vector<int32_t> words;    // [N] word id per token
  std::vector<int64_t> doc_tok;  // [D+1] token range per document
  std::vector<int32_t> z;        // [N] topic per token
  std::vector<int32_t> n_dk;     // [D, K]
  std::vector<int32_t> n_wk;     // [V, S] word-major, rows padded (see WordTopicCounts)
  std::vector<int32_t> n_k;      // [K]
  std::vector<double> alpha;     // [K]
  double alpha_sum = 0;
};

// Expands the bag-of-words counts into one entry per token (word id, and each document's token range).
void expand_tokens(const SparseCorpus& c, GibbsState& st) {
  st.doc_tok.assign(st.D + 1, 0);
  for (int64_t d = 0; d < st.D; ++d) {
    for (int64_t j = c.indptr[d]; j < c.indptr[d + 1]; ++j) {
      float cnt = c.counts[j];
      int32_t w = c.indices[j];
      if (w < 0 || w >= st.V) input_error("LDA: word index ", w, " out of range in document ", d);
      if (cnt < 0 || cnt != std::floor(cnt)) input_error("LDA: document ", d, " has a non-integer count ", cnt);
      for (int64_t r = 0; r < static_cast<int64_t>(cnt); ++r) st.words.push_back(w);
    }
    st.doc_tok[d + 1] = static_cast<int64_t>(st.words.size());
  }
  st.N = static_cast<int64_t>(st.words.size());
}

// Gives every token a uniformly random topic (from the seed) and counts the assignment.
void assign_random_topics(GibbsState& st, uint64_t seed) {
  const int64_t K = st.K, S = st.S;
  st.z.assign(st.N, 0);
  st.n_dk.assign(st.D * K, 0);
  st.n_wk.assign(st.V * S, 0);
  st.n_k.assign(K, 0);
  Rng rng(seed ^ 0x5EEDULL);
  for (int64_t d = 0; d < st.D; ++d)
    for (int64_t i = st.doc_tok[d]; i < st.doc_tok[d + 1]; ++i) {
      int32_t k = static_cast<int32_t>(rng.below(static_cast<uint32_t>(K)));
      st.z[i] = k;
      ++st.n_dk[d * K + k];
      ++st.n_wk[st.words[i] * S + k];
      ++st.n_k[k];
    }
}

// Splits the documents into `threads` contiguous blocks with about N / threads tokens each.
std::vector<Block> split_into_blocks(const std::vector<int64_t>& doc_tok, int64_t D, int64_t N, int threads) {
  std::vector<Block> blocks;
  int64_t d = 0;
  for (int t = 0; t < threads; ++t) {
    Block b{d, d, doc_tok[d], doc_tok[d]};
    int64_t target = N * (t + 1) / threads;
    while (b.doc_end < D && (doc_tok[b.doc_end] < target || t == threads - 1)) ++b.doc_end;
    b.tok_end = doc_tok[b.doc_end];
    blocks.push_back(b);
    d = b.doc_end;
  }
  return blocks;
}

// One AD-LDA sweep: each thread samples its block against its own copy of the word-topic counts,
// then the copies are reconciled into the global counts (global += sum over threads of local - global).
class ParallelSweeper {
 public:
  ParallelSweeper(const GibbsOptions& o, std::vector<Block> blocks)
      : o_(o), dense_(uses_dense_sampler(o)), blocks_(std::move(blocks)), local_wk_(blocks_.size()),
        local_k_(blocks_.size()) {}

  void sweep(GibbsState& st, int sweep) {
    const int threads = static_cast<int>(blocks_.size());
    if (threads == 1) {
      sample_block(st, sweep, 0);
      st.n_wk.swap(local_wk_[0].count);
      st.n_k.swap(local_k_[0]);
      return;
    }
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back([&, t] { sample_block(st, sweep, t); });
    for (auto& th : pool) th.join();
    std::vector<int32_t> wk = st.n_wk, nk = st.n_k;
    for (int t = 0; t < threads; ++t) {
      for (size_t i = 0; i < wk.size(); ++i) wk[i] += local_wk_[t].count[i] - st.n_wk[i];
      for (size_t i = 0; i < nk.size(); ++i) nk[i] += local_k_[t][i] - st.n_k[i];
    }
    st.n_wk.swap(wk);
    st.n_k.swap(nk);
  }

 private:
  void sample_block(GibbsState& st, int sweep, int t) {
    const Block& b = blocks_[t];
    WordTopicCounts& wk = local_wk_[t];
    std::vector<int32_t>& nk = local_k_[t];
    wk.K = st.K;
    wk.stride = st.S;
    wk.count = st.n_wk;
    if (!dense_) wk.rebuild(st.V);
    nk = st.n_k;
    Rng rng(o_.seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(sweep) * 1000003ULL + static_cast<uint64_t>(t));
    SweepInput in{st.words.data(), st.doc_tok.data(), st.z.data(), st.n_dk.data(), st.alpha.data(), o_.beta, st.K, st.V,
                  b.doc_begin, b.doc_end, o_.check_invariants};
    (dense_ ? dense_sweep : sparse_sweep)(in, wk, nk, rng);
  }

  const GibbsOptions& o_;
  const bool dense_;
  const std::vector<Block> blocks_;
  std::vector<WordTopicCounts> local_wk_;
  std::vector<std::vector<int32_t>> local_k_;
};

// Minka's fixed point for the Dirichlet-multinomial (asymmetric alpha), a few rounds.
void optimize_alpha(GibbsState& st) {
  for (int round = 0; round < 5; ++round) {
    double denom = 0;
    for (int64_t d = 0; d < st.D; ++d) {
      int64_t nd = st.doc_tok[d + 1] - st.doc_tok[d];
      denom += digamma(nd + st.alpha_sum) - digamma(st.alpha_sum);
    }
    if (denom <= 0) break;
    double new_sum = 0;
    for (int64_t k = 0; k < st.K; ++k) {
      double num = 0;
      for (int64_t d = 0; d < st.D; ++d) num += digamma(st.n_dk[d * st.K + k] + st.alpha[k]) - digamma(st.alpha[k]);
      st.alpha[k] = std::max(1e-6, st.alpha[k] * num / denom);
      new_sum += st.alpha[k];
    }
    st.alpha_sum = new_sum;
  }
}

// θ, φ and the log-likelihood from the final counts.
GibbsResult point_estimates(const GibbsState& st, double beta) {
  const int64_t K = st.K, V = st.V, S = st.S;
  const double vbeta = V * beta;
  GibbsResult r;
  r.num_tokens = st.N;
  r.alpha = st.alpha;
  r.theta.resize(st.D * K);
  for (int64_t d = 0; d < st.D; ++d) {
    double nd = static_cast<double>(st.doc_tok[d + 1] - st.doc_tok[d]);
    for (int64_t k = 0; k < K; ++k)
      r.theta[d * K + k] = static_cast<float>((st.n_dk[d * K + k] + st.alpha[k]) / (nd + st.alpha_sum));
  }
  r.phi.resize(K * V);
  for (int64_t k = 0; k < K; ++k)
    for (int64_t w = 0; w < V; ++w) r.phi[k * V + w] = static_cast<float>((st.n_wk[w * S + k] + beta) / (st.n_k[k] + vbeta));
  r.log_likelihood = log_likelihood_words(st.n_wk, st.n_k, K, V, beta, S);
  return r;
}

}  // namespace

GibbsResult train_gibbs(const SparseCorpus& c, const GibbsOptions& o, const SweepCallback& on_sweep) {
  check_gibbs_options(o, c.vocab_size);
  GibbsState st;
  st.K = o.num_topics;
  st.V = c.vocab_size;
  st.D = c.num_docs;
  st.S = topic_stride(st.K);
  expand_tokens(c, st);
  st.alpha.assign(st.K, o.alpha < 0 ? 50.0 / st.K : o.alpha);
  for (double a : st.alpha) st.alpha_sum += a;
  assign_random_topics(st, o.seed);

  int threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads, st.D)));
  ParallelSweeper sweeper(o, split_into_blocks(st.doc_tok, st.D, st.N, threads));
  for (int sweep = 1; sweep <= o.iterations; ++sweep) {
    fault_sweep_delay();
    // The caller (train) names the seed and what --resume will do; no checkpoint is kept here.
    if (stop_requested())
      throw Interrupted(stop_signal(), "at Gibbs sweep " + std::to_string(sweep) + " of " + std::to_string(o.iterations));
    sweeper.sweep(st, sweep);
    if (o.optimize_every > 0 && sweep > o.burn_in && sweep % o.optimize_every == 0) optimize_alpha(st);
    if (on_sweep && !on_sweep(sweep)) break;
  }
  return point_estimates(st, o.beta);
}

}  // namespace ntm::lda
