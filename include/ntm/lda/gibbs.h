#pragma once
// Latent Dirichlet Allocation by collapsed Gibbs sampling (Griffiths & Steyvers 2004), the
// classic baseline. Two samplers of the same conditional (src/lda/sweep.h): a vectorised dense draw
// over all K topics (the default up to kDenseMaxTopics) and SparseLDA's bucketed draw, whose cost
// follows the number of topics a word and a document use (the default above). Multi-threaded with
// the AD-LDA scheme (Newman et al. 2009): each thread
// samples a fixed, contiguous block of documents against its own copy of the word-topic counts,
// and the copies are reconciled after every sweep. Deterministic for a given seed and thread
// count. Optional symmetric-or-asymmetric alpha optimisation by Minka's fixed-point iteration.
#include <cstdint>
#include <functional>
#include <vector>

namespace ntm::lda {

enum class Sampler { Auto, Dense, Sparse };
// Auto picks Dense up to this many topics (on a CPU with AVX2) and Sparse above. On 20 Newsgroups
// dense draws 1.9x as many tokens/s at K=50 over 60 sweeps and is still ahead at K=400
// (scripts/bench-lda-samplers.sh);
// sparse gains as topics concentrate and vocabularies grow, hence the switch below that.
constexpr int kDenseMaxTopics = 256;

struct GibbsOptions {
  int num_topics = 50;        // K
  int iterations = 500;       // Gibbs sweeps over the corpus
  double alpha = -1;          // symmetric document-topic prior per topic; < 0 means 50 / K
  double beta = 0.01;         // symmetric topic-word prior
  int threads = 0;            // 0 = hardware concurrency
  uint64_t seed = 0;
  int optimize_every = 0;     // optimise alpha every N sweeps after burn_in (0 = never)
  int burn_in = 100;          // sweeps before the first alpha optimisation
  Sampler sampler = Sampler::Auto;
  bool check_invariants = false;  // tests only: verify the sampler's running state after every token
};

// Whether train_gibbs samples with the dense sampler for these options (Auto: K <= kDenseMaxTopics
// and a CPU with AVX2; the dense sampler's portable copy is slower than the sparse one).
bool uses_dense_sampler(const GibbsOptions& o);

// A sparse bag-of-words corpus: row d holds indices[indptr[d]..indptr[d+1]) with counts.
struct SparseCorpus {
  const int64_t* indptr = nullptr;   // [D+1]
  const int32_t* indices = nullptr;  // [nnz] word ids in [0, V)
  const float* counts = nullptr;     // [nnz] (rounded to integers; fractional counts are an error)
  int64_t num_docs = 0;              // D
  int64_t vocab_size = 0;            // V
};

struct GibbsResult {
  std::vector<float> theta;  // [D, K] row-major, rows sum to 1 ((n_dk + α_k) / (n_d + Σα))
  std::vector<float> phi;    // [K, V] row-major, rows sum to 1 ((n_kw + β) / (n_k + Vβ))
  std::vector<double> alpha; // [K] final alpha
  double log_likelihood = 0; // log p(w | z) at the end (Griffiths & Steyvers eq. 2)
  int64_t num_tokens = 0;
};

// Called after every sweep with the 1-based sweep number; return false to stop early.
using SweepCallback = std::function<bool(int sweep)>;

GibbsResult train_gibbs(const SparseCorpus& corpus, const GibbsOptions& options, const SweepCallback& on_sweep = {});

// log p(w | z) for the current counts (exposed for tests).
// n_wk is word-major [V, stride], stride >= K (rows padded as the samplers keep them).
double log_likelihood_words(const std::vector<int32_t>& n_wk, const std::vector<int32_t>& n_k, int64_t K, int64_t V,
                            double beta, int64_t stride);

double digamma(double x);

}  // namespace ntm::lda
