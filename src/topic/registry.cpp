// The model registry: one explicit table, name -> inputs + factory. Add a row to add a model.
#include <torch/torch.h>

#include <sstream>

#include "ntm/error.h"
#include "ntm/topic/model.h"
#include "etm_model.h"
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
ModelInputs lda_inputs(const TrainOptions&) {
  ModelInputs in;
  in.drop_empty_bow = true;  // the BoW CSR is always kept; no dense target or input
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
  c.vocab_size = s.vocab_size;
  c.input_size = dsl ? s.hidden_size : s.vocab_size;
  c.num_topics = o.num_topics;
  c.hidden_sizes = o.hidden_sizes;
  c.activation = o.activation;
  c.encoder_dropout = o.encoder_dropout;
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
std::unique_ptr<TopicModel> make_lda(const TrainOptions& o, const ModelShape& s) {
  return std::make_unique<LdaModel>(o.num_topics, s.vocab_size);
}

}  // namespace

const std::vector<ModelEntry>& model_registry() {
  static const std::vector<ModelEntry> table = {
      {"dsl-prodlda", "DSL-ProdLDA: the paper's model (LM hidden state in, LM soft labels as target)",
       dsl_inputs, make_dsl_prodlda},
      {"prodlda", "ProdLDA baseline (OCTIS AVITM): BoW in, BoW reconstructed", bow_inputs, make_prodlda},
      {"zeroshot", "ZeroShotTM baseline (OCTIS CTM): LM hidden state in, BoW reconstructed", ctx_bow_inputs,
       make_zeroshot},
      {"combined", "CombinedTM baseline (OCTIS CTM): BoW + LM hidden state in, BoW reconstructed",
       combined_inputs, make_combined},
      {"dsl-etm", "DSL-ETM: LM hidden state in, LM soft labels as target, softmax(theta beta) student",
       dsl_inputs, make_dsl_etm},
      {"etm", "ETM baseline (OCTIS ETM): normalised BoW in, BoW reconstructed; random fixed word embeddings",
       bow_inputs, make_etm},
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
