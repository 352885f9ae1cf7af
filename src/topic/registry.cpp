// The model registry: one explicit table, name -> inputs + factory. Add a row to add a model.
#include <torch/torch.h>

#include <sstream>

#include "ntm/error.h"
#include "ntm/topic/model.h"
#include "ecrtm_model.h"
#include "etm_model.h"
#include "fastopic_model.h"
#include "lda_model.h"
#include "prodlda_model.h"

namespace ntm::topic {
namespace {

ProdLdaConfig prodlda_config(const TrainOptions& o, const ModelShape& s, EncoderInput input, const char* enc_name,
                             double temperature) {
  ProdLdaConfig c;
  c.vocab_size = s.vocab_size;
  c.context_size = s.hidden_size;
  c.num_topics = o.num_topics;
  c.hidden_sizes = o.hidden_sizes;
  c.activation = o.activation;
  c.dropout = o.dropout;
  c.encoder_dropout = o.encoder_dropout;
  c.temperature = temperature;
  c.learn_priors = o.learn_priors;
  c.batchnorm = o.batchnorm;
  c.input = input;
  c.encoder_name = enc_name;
  return c;
}

ModelInputs dsl_inputs(const TrainOptions&) {
  ModelInputs in;
  in.hidden = true;
  in.soft_label_target = true;
  return in;
}
ModelInputs bow_inputs(const TrainOptions&) {
  ModelInputs in;
  in.bow_input = true;
  in.bow_target = true;
  in.drop_empty_bow = true;
  return in;
}
ModelInputs dsl_embedding_inputs(const TrainOptions& o) {
  ModelInputs in = dsl_inputs(o);
  in.word_embeddings = true;
  return in;
}
ModelInputs bow_embedding_inputs(const TrainOptions& o) {
  ModelInputs in = bow_inputs(o);
  in.word_embeddings = true;
  return in;
}
ModelInputs dsl_fastopic_inputs(const TrainOptions& o) {
  ModelInputs in = dsl_inputs(o);
  in.fixed_topk = 20;  // method-spec §5.4: fixed top-20 target, not exposed on the reference's CLI
  return in;
}
ModelInputs lda_inputs(const TrainOptions&) {
  ModelInputs in;
  in.drop_empty_bow = true;  // the BoW CSR is always kept; no dense target
  in.bow_input = true;       // dense rows only for ntm infer's fold-in (fit() reads the CSR)
  return in;
}
ModelInputs ctx_bow_inputs(const TrainOptions&) {
  ModelInputs in;
  in.hidden = true;
  in.bow_target = true;
  in.drop_empty_bow = true;
  return in;
}
ModelInputs combined_inputs(const TrainOptions& o) {
  ModelInputs in = ctx_bow_inputs(o);
  in.bow_input = true;
  return in;
}

std::unique_ptr<TopicModel> make_dsl_prodlda(const TrainOptions& o, const ModelShape& s) {
  return std::make_unique<ProdLdaModel>(
      "dsl-prodlda", prodlda_config(o, s, EncoderInput::kContextual, "encoder", o.temperature), o.loss_weight);
}
std::unique_ptr<TopicModel> make_prodlda(const TrainOptions& o, const ModelShape& s) {
  return std::make_unique<ProdLdaModel>("prodlda", prodlda_config(o, s, EncoderInput::kBow, "inf_net", 1.0), 1.0);
}
std::unique_ptr<TopicModel> make_zeroshot(const TrainOptions& o, const ModelShape& s) {
  return std::make_unique<ProdLdaModel>("zeroshot", prodlda_config(o, s, EncoderInput::kContextual, "inf_net", 1.0),
                                        1.0);
}
std::unique_ptr<TopicModel> make_combined(const TrainOptions& o, const ModelShape& s) {
  return std::make_unique<ProdLdaModel>("combined", prodlda_config(o, s, EncoderInput::kCombined, "inf_net", 1.0),
                                        1.0);
}

EtmConfig etm_config(const TrainOptions& o, const ModelShape& s, bool dsl) {
  EtmConfig c;
  c.word_embeddings = s.word_embeddings;
  c.word_found = s.word_found;
  if (s.word_embeddings.defined()) c.embedding_size = s.word_embeddings.size(1);
  else if (s.embedding_size > 0) c.embedding_size = s.embedding_size;
  c.vocab_size = s.vocab_size;
  c.input_size = dsl ? s.hidden_size : s.vocab_size;
  c.num_topics = o.num_topics;
  c.hidden_sizes = o.hidden_sizes;
  c.activation = o.activation;
  c.encoder_dropout = o.encoder_dropout;
  c.topic_embedding_init = o.topic_embedding_init;
  c.bow_input = !dsl;
  c.train_embeddings = dsl;
  return c;
}
std::unique_ptr<TopicModel> make_etm(const TrainOptions& o, const ModelShape& s) {
  return std::make_unique<EtmModel>("etm", etm_config(o, s, false), 1.0);
}
std::unique_ptr<TopicModel> make_dsl_etm(const TrainOptions& o, const ModelShape& s) {
  return std::make_unique<EtmModel>("dsl-etm", etm_config(o, s, true), o.loss_weight);
}
EcrtmConfig ecrtm_config(const TrainOptions& o, const ModelShape& s, bool dsl) {
  EcrtmConfig c;
  c.vocab_size = s.vocab_size;
  c.input_size = dsl ? s.hidden_size : s.vocab_size;
  c.num_topics = o.num_topics;
  c.hidden_sizes = o.hidden_sizes;
  c.activation = o.activation;
  c.encoder_dropout = o.encoder_dropout;
  c.bow_input = !dsl;
  return c;
}
std::unique_ptr<TopicModel> make_ecrtm(const TrainOptions& o, const ModelShape& s) {
  return std::make_unique<EcrtmModel>("ecrtm", ecrtm_config(o, s, false), s, 1.0);
}
std::unique_ptr<TopicModel> make_dsl_ecrtm(const TrainOptions& o, const ModelShape& s) {
  return std::make_unique<EcrtmModel>("dsl-ecrtm", ecrtm_config(o, s, true), s, o.loss_weight);
}
FastopicConfig fastopic_config(const TrainOptions& o, const ModelShape& s, bool dsl) {
  FastopicConfig c;
  c.vocab_size = s.vocab_size;
  c.embed_size = s.hidden_size;
  c.num_topics = o.num_topics;
  c.dsl = dsl;
  c.theta_chunk = o.theta_chunk;
  return c;
}
std::unique_ptr<TopicModel> make_fastopic(const TrainOptions& o, const ModelShape& s) {
  return std::make_unique<FastopicModel>("fastopic", fastopic_config(o, s, false));
}
std::unique_ptr<TopicModel> make_dsl_fastopic(const TrainOptions& o, const ModelShape& s) {
  return std::make_unique<FastopicModel>("dsl-fastopic", fastopic_config(o, s, true));
}
std::unique_ptr<TopicModel> make_lda(const TrainOptions& o, const ModelShape& s) {
  return std::make_unique<LdaModel>(o.num_topics, s.vocab_size);
}

}  // namespace

const std::vector<ModelEntry>& model_registry() {
  static const std::vector<ModelEntry> table = {
      {"dsl-prodlda", "DSL-ProdLDA: the paper's model (LM hidden state in, LM soft labels as target)",
       dsl_inputs, make_dsl_prodlda, 2},
      {"prodlda", "ProdLDA baseline (OCTIS AVITM): BoW in, BoW reconstructed", bow_inputs, make_prodlda, 2},
      {"zeroshot", "ZeroShotTM baseline (OCTIS CTM): LM hidden state in, BoW reconstructed", ctx_bow_inputs,
       make_zeroshot, 2},
      {"combined", "CombinedTM baseline (OCTIS CTM): BoW + LM hidden state in, BoW reconstructed",
       combined_inputs, make_combined, 2},
      {"dsl-etm", "DSL-ETM: LM hidden state in, LM soft labels as target, softmax(theta beta) student",
       dsl_embedding_inputs, make_dsl_etm},
      {"etm", "ETM baseline (OCTIS ETM): normalised BoW in, BoW reconstructed; fixed word embeddings",
       bow_embedding_inputs, make_etm},
      {"dsl-ecrtm", "DSL-ECRTM: LM hidden state in, LM soft labels as target, embedding-clustering regulariser",
       dsl_embedding_inputs, make_dsl_ecrtm, 2},
      {"ecrtm", "ECRTM baseline (TopMost): BoW in, BoW reconstructed, embedding-clustering regulariser",
       bow_embedding_inputs, make_ecrtm, 2},
      {"dsl-fastopic", "DSL-FASTopic: LM hidden state as document embedding, top-20 soft labels as target",
       dsl_fastopic_inputs, make_dsl_fastopic},
      {"fastopic", "FASTopic baseline: normalised LM hidden state as document embedding, BoW reconstructed",
       ctx_bow_inputs, make_fastopic},
      {"lda", "LDA baseline by collapsed Gibbs sampling (multi-threaded AD-LDA): BoW counts", lda_inputs, make_lda},
  };
  return table;
}

const ModelEntry& find_model(const std::string& name) {
  std::ostringstream names;
  for (const auto& e : model_registry()) {
    if (name == e.name) return e;
    names << (names.tellp() > 0 ? ", " : "") << e.name;
  }
  usage_error("--model: unknown model '", name, "' (valid: ", names.str(), ")");
}

}  // namespace ntm::topic
