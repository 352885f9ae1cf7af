#pragma once
// Options of `ntm train` (also the configuration recorded in each run's meta.json).
// Defaults are the paper's DSL-ProdLDA settings (method-spec §0, §5.1); configs/*.json hold one
// file per model. Every key is also a flag (num_topics -> --num-topics).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ntm::topic {

struct TrainOptions {
  std::string model = "dsl-prodlda";  // a name from the model registry (ntm train --model list)
  std::string labels;                 // label store directory (ntm build-labels --out)
  std::string out;                    // run directory; one seed-S/ folder per seed
  int64_t num_topics = 50;            // K
  std::vector<int64_t> seeds{0};      // --seeds 0,1,2,3,4
  int64_t epochs = 100;
  int64_t batch_size = 64;
  double lr = 2e-3;
  double beta1 = 0.99;  // Adam betas: (0.99, 0.99) for the ProdLDA family (OCTIS "momentum")
  double beta2 = 0.99;
  double adam_eps = 1e-8;
  std::vector<int64_t> hidden_sizes{200, 200};
  std::string activation = "softplus";  // softplus | relu
  double dropout = 0.2;                 // dropout on theta before the decoder
  double encoder_dropout = 0.2;         // dropout on the encoder output (the reference hard-codes 0.2)
  bool learn_priors = true;
  // ProdLDA family BatchNorms (mu, log-variance, decoder): octis = OCTIS/CTM (no scale or shift,
  // eps 1e-5, momentum 0.1); avitm = original AVITM and TopMost (scale frozen at 1, trained shift,
  // eps 1e-3, momentum 1e-3).
  std::string batchnorm = "octis";
  double temperature = 3.0;     // T: teacher and (DSL-ProdLDA) student softmax temperature
  double loss_weight = 1000.0;  // lambda on the reconstruction term (DSL models)
  std::string loss_type = "KL"; // KL | CE
  double sparsity_ratio = 1.0;  // k = ceil(ratio * V) when topk = 0
  int64_t topk = 0;             // > 0: keep the top-k logits (overrides sparsity_ratio)
  std::string mask_mode = "neg_inf";  // neg_inf | multiplicative
  int64_t top_n = 15;           // words per topic in topics.json
  std::string theta = "sample"; // sample: mean of theta_samples eval-mode samples (reference); mean: softmax(mu)
  int64_t theta_samples = 10;
  int64_t eval_batch_size = 64;
  bool shuffle = true;          // shuffle the documents every epoch (OCTIS ETM: false)
  double weight_decay = 0.0;    // Adam L2 weight decay as torch.optim.Adam (OCTIS ETM: 1.2e-6)
  // Word embeddings of ETM / ECRTM: auto = --word-vectors FILE when given, else the LM's input
  // embeddings stored in the label store, else random (with a warning); lm | random | file force one.
  std::string word_embeddings = "auto";
  std::string word_vectors;     // word2vec/GloVe text file (optional "N D" header line)
  // ETM / DSL-ETM topic embeddings α [K, E]: linear = nn.Linear's init U(±1/√E) (OCTIS, Dieng's
  // code); randn = N(0, 1) (TopMost).
  std::string topic_embedding_init = "linear";
  // FASTopic θ at evaluation: documents per transport-plan chunk (reference: 256); 0 = whole corpus.
  int64_t theta_chunk = 256;
  // LDA (Gibbs sampling) only.
  int64_t iterations = 1000;   // Gibbs sweeps
  double alpha = -1;           // symmetric document-topic prior; < 0 means 50 / K
  double beta = 0.01;          // symmetric topic-word prior
  int64_t optimize_every = 0;  // optimise alpha every N sweeps after 100 burn-in sweeps (0 = never)
  std::string lda_sampler = "auto";  // auto (dense up to 256 topics with AVX2, else sparse) | dense | sparse

  void validate() const;
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TrainOptions, model, labels, out, num_topics, seeds, epochs,
                                                batch_size, lr, beta1, beta2, adam_eps, hidden_sizes, activation,
                                                dropout, encoder_dropout, learn_priors, batchnorm, temperature,
                                                loss_weight, loss_type, sparsity_ratio, topk, mask_mode, top_n, theta,
                                                theta_samples, eval_batch_size, shuffle, weight_decay,
                                                word_embeddings, word_vectors, topic_embedding_init, theta_chunk,
                                                iterations, alpha, beta, optimize_every, lda_sampler)

}  // namespace ntm::topic
