// ntm train: trains a topic model (DSL-ProdLDA or a baseline) from a label store, one run per seed.
//   ntm train --config configs/dsl-prodlda.json --labels labels/ --out runs/x [--num-topics K]
//             [--seeds 0,1,2,3,4] [--epochs N] [--device cpu] [--resume]
// Every key of the options struct (include/ntm/topic/train_options.h) is a flag.
#include <iostream>
#include <memory>

#include "commands.h"
#include "ntm/error.h"
#include "ntm/topic/model.h"
#include "ntm/topic/model_defaults.h"
#include "ntm/topic/run.h"

namespace ntm::cli {

void setup_train(CLI::App& sub, CommandContext& ctx) {
  auto opts = std::make_shared<topic::TrainOptions>();
  auto binder = std::make_shared<OptionBinder>(&sub);
  auto resume = std::make_shared<bool>(false);
  auto force = std::make_shared<bool>(false);
  auto checkpoint_every = std::make_shared<double>(10.0);
  auto list = std::make_shared<bool>(false);
  auto& o = *opts;
  binder->add("model", o.model,
              "model to train (--list-models shows them); the defaults shown are this model's, each model has "
              "its own (configs/<model>.json; see them with --model M --dump-config)");
  binder->add("labels", o.labels, "label store directory (ntm build-labels --out)");
  binder->add("out", o.out, "run directory; one seed-S/ folder per seed");
  binder->add("num_topics", o.num_topics, "number of topics K");
  binder->add("seeds", o.seeds, "seeds, one run each (e.g. 0,1,2,3,4)")->delimiter(',');
  binder->add("epochs", o.epochs, "training epochs");
  binder->add("batch_size", o.batch_size, "documents per batch (shuffled)");
  binder->add("lr", o.lr, "Adam learning rate");
  binder->add("beta1", o.beta1, "Adam beta1");
  binder->add("beta2", o.beta2, "Adam beta2");
  binder->add("adam_eps", o.adam_eps, "Adam epsilon");
  binder->add("hidden_sizes", o.hidden_sizes, "encoder hidden layer sizes (e.g. 200,200)")->delimiter(',');
  binder->add("activation", o.activation, "encoder activation: softplus | relu");
  binder->add("dropout", o.dropout, "dropout on theta before the decoder");
  binder->add("encoder_dropout", o.encoder_dropout, "dropout on the encoder output");
  binder->add("learn_priors", o.learn_priors, "learn the logistic-normal prior's mean and variance");
  binder->add("batchnorm", o.batchnorm,
              "prodlda family BatchNorms: octis (no scale/shift, eps 1e-5, momentum 0.1) | avitm (TopMost, "
              "original AVITM: scale frozen at 1, trained shift, eps 1e-3, momentum 1e-3)");
  binder->add("temperature", o.temperature, "DSL temperature T (teacher and student)");
  binder->add("loss_weight", o.loss_weight, "lambda: weight of the reconstruction term (DSL models)");
  binder->add("loss_type", o.loss_type, "DSL reconstruction loss: KL | CE");
  binder->add("sparsity_ratio", o.sparsity_ratio, "keep the top ceil(ratio*V) teacher logits");
  binder->add("topk", o.topk, "keep the top-k teacher logits (0: use --sparsity-ratio)");
  binder->add("mask_mode", o.mask_mode, "masking of logits outside the top-k: neg_inf | multiplicative");
  binder->add("top_n", o.top_n, "words per topic in topics.json");
  binder->add("theta", o.theta, "theta.safetensors: sample (mean of --theta-samples eval samples) | mean (softmax(mu))");
  binder->add("theta_samples", o.theta_samples, "samples averaged for --theta sample");
  binder->add("eval_batch_size", o.eval_batch_size, "documents per batch when computing theta");
  binder->add("shuffle", o.shuffle, "shuffle the documents every epoch (false: corpus order, as OCTIS ETM)");
  binder->add("weight_decay", o.weight_decay, "Adam L2 weight decay (torch.optim.Adam's weight_decay)");
  binder->add("word_embeddings", o.word_embeddings,
              "etm/ecrtm word embeddings: auto (--word-vectors, else the label store's LM embeddings, else random) "
              "| lm | random | file");
  binder->add("word_vectors", o.word_vectors, "word2vec/GloVe text file of word vectors (optional \"N D\" header)");
  binder->add("topic_embedding_init", o.topic_embedding_init,
              "etm/dsl-etm topic embeddings: linear (nn.Linear init U(+-1/sqrt(E)), OCTIS) | randn (N(0, 1), "
              "TopMost)");
  binder->add("theta_chunk", o.theta_chunk, "fastopic: documents per transport plan for theta (0: whole corpus)");
  binder->add("iterations", o.iterations, "lda: Gibbs sweeps");
  binder->add("alpha", o.alpha, "lda: symmetric document-topic prior (< 0: 50 / K)");
  binder->add("beta", o.beta, "lda: symmetric topic-word prior");
  binder->add("optimize_every", o.optimize_every, "lda: optimise alpha every N sweeps (0 = never)");
  binder->add("lda_sampler", o.lda_sampler,
              "lda: auto (dense up to 256 topics on AVX2 CPUs, else sparse) | dense (all topics, vectorised) | sparse (SparseLDA)");
  // `--model X` alone trains with X's paper defaults (configs/X.json, built in).
  binder->set_defaults_layer([](const json& r) { return topic::model_defaults(r.value("model", std::string())); });
  binder->show_defaults(topic::model_defaults(o.model));  // --help: the default model's values, not the struct's
  sub.add_flag("--resume", *resume, "continue a killed run from its checkpoints; finished seeds are skipped");
  sub.add_option("--checkpoint-every", *checkpoint_every,
                 "seconds between training checkpoints (also written after the last epoch and on SIGINT/SIGTERM "
                 "between epochs); 0: after every epoch")
      ->capture_default_str();
  sub.add_flag("--force", *force, "retrain every seed of an existing run in --out (replaces it)");
  sub.add_flag("--list-models", *list, "print the model registry and exit");
  ctx.run = [opts, binder, resume, force, checkpoint_every, list, g = ctx.global] {
    if (*list) {
      for (const auto& e : topic::model_registry()) std::cout << e.name << "\t" << e.summary << "\n";
      return 0;
    }
    if (!resolve_options(*binder, *opts)) return 0;
    if (!(*checkpoint_every >= 0)) usage_error("--checkpoint-every must be >= 0 seconds (got ", *checkpoint_every, ")");
    topic::run_train(*opts, g->device, *resume, *force, *checkpoint_every);
    std::cout << opts->out << std::endl;
    return 0;
  };
}

}  // namespace ntm::cli
