#include "ntm/topic/run.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <csignal>
#include <filesystem>
#include <set>

#include "ntm/error.h"
#include "ntm/io/safetensors.h"
#include "ntm/labels/label_store.h"
#include "ntm/topic/model.h"
#include "ntm/topic/trainer.h"
#include "ntm/topic/word_vectors.h"
#include "ntm/util/config.h"
#include "ntm/util/device.h"
#include "ntm/util/fs.h"
#include "ntm/util/hash.h"
#include "ntm/util/artifact.h"
#include "ntm/util/output.h"
#include "ntm/util/signals.h"
#include "ntm/version.h"
#include "run_outputs.h"

namespace ntm::topic {

void TrainOptions::validate() const {
  const ModelEntry& entry = find_model(model);
  if (labels.empty()) usage_error("--labels is required (a label store written by ntm build-labels)");
  if (out.empty()) usage_error("--out is required (the run directory to write)");
  if (num_topics < 1) usage_error("--num-topics (num_topics) must be >= 1 (got ", num_topics, ")");
  if (num_topics < entry.min_topics)
    usage_error("--num-topics (num_topics) ", num_topics, ": ", model, " needs at least ", entry.min_topics,
                " topics (its Laplace-approximated Dirichlet prior has variance 1 - 1/K, which is 0 at K = 1)");
  if (seeds.empty()) usage_error("--seeds must list at least one seed, e.g. --seeds 0,1,2,3,4");
  std::set<int64_t> unique(seeds.begin(), seeds.end());
  if (unique.size() != seeds.size()) usage_error("--seeds lists a seed twice");
  for (auto s : seeds)
    if (s < 0) usage_error("--seeds: seeds must be >= 0 (got ", s, ")");
  if (epochs < 0) usage_error("--epochs must be >= 0 (got ", epochs, ")");
  if (batch_size < 1) usage_error("--batch-size must be >= 1 (got ", batch_size, ")");
  if (!(lr > 0)) usage_error("--lr must be > 0 (got ", lr, ")");
  if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) usage_error("--beta1/--beta2 must be in [0, 1)");
  if (!(adam_eps > 0)) usage_error("--adam-eps must be > 0");
  if (hidden_sizes.empty()) usage_error("--hidden-sizes must list at least one layer size");
  for (auto h : hidden_sizes)
    if (h < 1) usage_error("--hidden-sizes: sizes must be >= 1 (got ", h, ")");
  if (activation != "softplus" && activation != "relu")
    usage_error("--activation: unknown activation '", activation, "' (use softplus or relu)");
  if (!(dropout >= 0 && dropout < 1)) usage_error("--dropout must be in [0, 1) (got ", dropout, ")");
  if (!(encoder_dropout >= 0 && encoder_dropout < 1))
    usage_error("--encoder-dropout must be in [0, 1) (got ", encoder_dropout, ")");
  if (batchnorm != "octis" && batchnorm != "avitm")
    usage_error("--batchnorm: unknown style '", batchnorm, "' (use octis or avitm)");
  if (!(temperature > 0)) usage_error("--temperature must be > 0 (got ", temperature, ")");
  if (!(loss_weight > 0)) usage_error("--loss-weight must be > 0 (got ", loss_weight, ")");
  parse_loss_type(loss_type, "--loss-type");
  parse_mask_mode(mask_mode, "--mask-mode");
  if (!(sparsity_ratio > 0 && sparsity_ratio <= 1)) usage_error("--sparsity-ratio must be in (0, 1]");
  if (topk < 0) usage_error("--topk must be >= 0 (0 = use --sparsity-ratio)");
  if (top_n < 1) usage_error("--top-n must be >= 1");
  if (theta != "sample" && theta != "mean") usage_error("--theta: use sample (reference) or mean (softmax(mu))");
  if (theta_samples < 1 || theta_samples > 10000) usage_error("--theta-samples must be in [1, 10000] (got ", theta_samples, ")");
  if (eval_batch_size < 1) usage_error("--eval-batch-size must be >= 1");
  if (!(weight_decay >= 0)) usage_error("--weight-decay must be >= 0 (got ", weight_decay, ")");
  if (theta_chunk < 0) usage_error("--theta-chunk must be >= 0 (0 = the whole corpus in one transport plan)");
  if (word_embeddings != "auto" && word_embeddings != "lm" && word_embeddings != "random" && word_embeddings != "file")
    usage_error("--word-embeddings: unknown source '", word_embeddings, "' (use auto, lm, random or file)");
  if (word_embeddings == "file" && word_vectors.empty())
    usage_error("--word-embeddings file needs --word-vectors FILE (word2vec/GloVe text format)");
  if (!word_vectors.empty() && (word_embeddings == "lm" || word_embeddings == "random"))
    usage_error("--word-vectors ", word_vectors, " conflicts with --word-embeddings ", word_embeddings,
                "; use --word-embeddings file (or auto)");
  if (topic_embedding_init != "linear" && topic_embedding_init != "randn")
    usage_error("--topic-embedding-init: unknown init '", topic_embedding_init, "' (use linear or randn)");
  if (iterations < 1) usage_error("--iterations must be >= 1 (got ", iterations, ")");
  if (!(alpha < 0 || alpha > 0)) usage_error("--alpha must be > 0 (or < 0 for 50 / K; got ", alpha, ")");
  if (!(beta > 0)) usage_error("--beta must be > 0 (got ", beta, ")");
  if (optimize_every < 0) usage_error("--optimize-every must be >= 0 (got ", optimize_every, ")");
  if (lda_sampler != "auto" && lda_sampler != "dense" && lda_sampler != "sparse")
    usage_error("--lda-sampler: unknown sampler '", lda_sampler, "' (use auto, dense or sparse)");
}

void InferOptions::validate() const {
  if (run.empty()) usage_error("--run is required (a seed directory such as runs/x/seed-0)");
  if (labels.empty()) usage_error("--labels is required (a label store with the documents)");
  if (out.empty()) usage_error("--out is required (the theta.safetensors file to write)");
  if (!theta.empty() && theta != "sample" && theta != "mean") usage_error("--theta: use sample or mean");
  check_allow_mismatch(allow_mismatch, {"lm", "prompt", "hidden_dtype"});
}

namespace {

TeacherSpec teacher_spec(const TrainOptions& o, const ModelInputs& inputs) {
  TeacherSpec t;
  t.topk = o.topk;
  t.sparsity_ratio = o.sparsity_ratio;
  t.mask_mode = parse_mask_mode(o.mask_mode, "--mask-mode");
  t.temperature = o.temperature;
  t.loss_type = parse_loss_type(o.loss_type, "--loss-type");
  if (inputs.fixed_topk > 0) {  // the model's own target: unclamped probabilities of the top-k
    t.topk = inputs.fixed_topk;
    t.mask_mode = MaskMode::kNegInf;
    t.loss_type = LossType::kCE;
  }
  return t;
}

// What must not change between a killed run and its --resume.
std::string config_identity(const TrainOptions& o, const labels::StoreMeta& meta) {
  json j = o;
  for (const char* k : {"out", "labels", "seeds", "epochs"}) j.erase(k);
  j["vocab_hash"] = meta.vocab_hash;
  j["num_docs"] = meta.num_docs;
  j["hidden_size"] = meta.hidden_size;
  return sha256_hex(j.dump());
}

// The training options recorded in a run's meta.json, checked like a --config file (types, then
// validate()); keys this version does not know are ignored.
TrainOptions recorded_options(const json& config, const std::string& where) {
  if (!config.is_object()) input_error(where, ": must be a JSON object, got ", json_type_name(config));
  json base = json(TrainOptions{});
  json known = json::object();
  for (auto it = config.begin(); it != config.end(); ++it)
    if (base.contains(it.key())) known[it.key()] = it.value();
  merge_config(base, known, where);
  TrainOptions o = base.get<TrainOptions>();
  o.validate();
  return o;
}

// The model is built from the recorded config before its weights are checked against it; refuse a
// config whose layers could not possibly be stored in model.safetensors, so a corrupted or hostile
// meta.json cannot make ntm allocate terabytes. Every model stores a [K, H_last] (or [K, V]) and an
// [H_i, H_i+1] weight, so each product is bounded by the number of stored values.
void check_model_fits(const TrainOptions& o, int64_t V, int64_t H, const st::File& f) {
  int64_t stored = 0;
  for (const auto& t : f.tensors()) stored += t.numel();
  auto fits = [&](int64_t a, int64_t b) { return a <= stored && b <= stored && a * b <= stored; };
  bool ok = fits(o.num_topics, 1) && fits(V, 1) && fits(H, 1);
  const bool fastopic = o.model == "fastopic" || o.model == "dsl-fastopic";
  if (o.model == "lda") {
    ok = ok && fits(o.num_topics, V);
  } else if (fastopic) {  // no encoder layers (hidden_sizes unused): [V, H] word and [K, H] topic embeddings
    ok = ok && fits(V, H) && fits(o.num_topics, H);
  } else {
    int64_t prev = 1;
    for (auto h : o.hidden_sizes) ok = ok && fits(prev, h), prev = h;
    ok = ok && fits(prev, o.num_topics);
  }
  if (!ok)
    input_error(f.path(), ": holds ", stored, " values, too few for the model its meta.json describes (num_topics ",
                o.num_topics, ", hidden_sizes ", json(o.hidden_sizes).dump(), ", V ", V,
                "); the run directory is damaged or from another run");
}

uint64_t noise_seed(int64_t seed) { return static_cast<uint64_t>(seed) ^ 0x5DEECE66DULL; }

// A seed finished with the requested number of epochs (a model fitted without epochs, LDA, is
// finished when complete). One finished with fewer continues from its checkpoint (`--epochs 200
// --resume` after a 100-epoch run); more is refused by the checkpoint.
bool seed_complete(const std::string& dir, int64_t epochs, bool gradient_trained) {
  const std::string m = path_join(dir, "meta.json");
  if (!path_exists(m)) return false;
  json j = load_json_file(m);
  return json_get_or<bool>(j, "complete", false, m) &&
         (!gradient_trained || json_get_or<int64_t>(j, "epochs", -1, m) == epochs);
}

// What --resume compares with the run set's and every seed's meta.json: the resolved config
// without what a resume may change (where the output and the label store lie, the seed list, the
// epoch count) and the label store's identity without locations.
json resume_identity(const json& config, const json& labels) {
  json c = config.is_object() ? config : json::object();
  for (const char* k : {"out", "labels", "seeds", "epochs"}) c.erase(k);
  json l = labels.is_object() ? labels : json::object();
  l.erase("dir");
  if (l.contains("lm") && l["lm"].is_object()) {
    l["lm"].erase("path");
    if (l["lm"].contains("config") && l["lm"]["config"].is_object()) l["lm"]["config"].erase("file");
  }
  return {{"config", c}, {"labels", l}};
}

// Refuses --resume over a run made with another configuration or label store, naming the first
// differing key, before anything is written.
void check_resumable(const std::string& meta_path, const json& now) {
  if (!path_exists(meta_path)) return;
  const json m = load_json_file(meta_path);
  const json recorded = resume_identity(json_get_or<json>(m, "config", json::object(), meta_path),
                                        json_get_or<json>(m, "labels", json::object(), meta_path));
  const std::string d = first_difference(recorded, now);
  if (d.empty()) return;
  input_error(meta_path, ": cannot resume: ", describe_difference(recorded, now, d, "the run"),
              "; resume with the run's settings and label store, pass --force to retrain, or choose a new --out");
}

// The label store given to infer against the one the run was trained on: the LM (by content), the
// prompt and the hidden dtype, when the model reads soft labels or hidden states (a BoW model does
// not depend on them). The documents and corpus may differ: that is what infer is for.
void check_infer_store(const json& trained, const json& now, const ModelInputs& inputs, const InferOptions& o,
                       const std::string& meta_path) {
  if (!inputs.hidden && !inputs.soft_label_target) return;
  const std::string where = o.labels + " (run " + meta_path + ")";
  auto check = [&](const std::string& field, const std::string& key) {
    if (key.empty()) return;
    json a = {{field, trained[field]}}, b = {{field, now[field]}};
    report_mismatch(where, field, describe_difference(a, b, field + "." + key, "the run's store"), o.allow_mismatch);
  };
  if (trained.contains("lm") && now.contains("lm")) check("lm", identity_difference(trained["lm"], now["lm"]));
  if (trained.contains("prompt") && now.contains("prompt"))
    check("prompt", first_difference(trained["prompt"], now["prompt"]));
  if (trained.contains("hidden_dtype") && trained["hidden_dtype"] != now["hidden_dtype"])
    report_mismatch(where, "hidden_dtype",
                    describe_difference(trained, now, "hidden_dtype", "the run's store"), o.allow_mismatch);
}

// Gibbs sampling keeps no checkpoint: a stop loses the seed in progress (it starts over on
// --resume) while finished seeds are kept and skipped.
void fit_or_explain_stop(TopicModel& model, const TrainData& data, const TrainOptions& opts, at::Generator& noise,
                         int64_t seed) {
  try {
    model.fit(data, opts, noise);
  } catch (const Interrupted& e) {
    const int sig = e.signal();
    throw Interrupted(sig, std::string("train: stopped by ") + (sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal") +
                               " in seed " + std::to_string(seed) + " " + e.what() +
                               "; " + opts.model + " keeps no checkpoint, so this seed starts over on --resume; "
                               "finished seeds are kept: rerun the same command with --resume to skip them");
  }
}

}  // namespace

int run_train(const TrainOptions& opts, const std::string& device_spec, bool resume, bool force,
              double checkpoint_every) {
  if (resume && force) usage_error("--resume and --force exclude each other (continue the run, or retrain it)");
  const ModelEntry& entry = find_model(opts.model);
  const c10::Device device = resolve_device(device_spec);
  labels::LabelStoreReader reader(opts.labels);
  const labels::StoreMeta& meta = reader.meta();
  const ModelInputs inputs = entry.inputs(opts);
  TrainData data = make_train_data(reader.read_all(inputs.columns()), inputs, teacher_spec(opts, inputs), opts.labels);
  if (data.vocab_size == 0) data.vocab_size = meta.vocab_size();
  if (data.vocab_size < 1)
    input_error(opts.labels, ": the label store has an empty vocabulary (V = 0); rebuild it with ntm build-labels "
                "--vocab-size N (N > 0) or a non-empty --vocab");
  if (opts.top_n > data.vocab_size)
    usage_error("--top-n ", opts.top_n, " is larger than the vocabulary (", data.vocab_size, " words)");
  if (opts.num_topics > data.num_docs)
    spdlog::warn("--num-topics {} is larger than the number of documents ({}{}) in {}: it trains, but at least {} "
                 "topics cannot be the main topic of any document",
                 opts.num_topics, data.num_docs, data.dropped_empty ? " after dropping documents with an empty BoW" : "",
                 opts.labels, opts.num_topics - data.num_docs);
  ModelShape shape{data.vocab_size, meta.hidden_size};
  json word_embeddings;  // null for models without word embeddings
  if (inputs.word_embeddings) word_embeddings = resolve_word_embeddings(opts, reader, shape);
  const std::string identity = config_identity(opts, meta);
  spdlog::info("training {} on {} documents (V={}, H={}, K={}) on {}, seeds {}", opts.model, data.num_docs,
               data.vocab_size, meta.hidden_size, opts.num_topics, device.str(), json(opts.seeds).dump());

  OutputLock lock = claim_output_dir(opts.out, "ntm-run-set", resume || force,
                                     "pass --resume to continue it, --force to retrain it, or choose a new --out");
  if (resume) {
    const json now = resume_identity(json(opts), labels_identity(opts.labels, meta));
    check_resumable(path_join(opts.out, "meta.json"), now);
    for (int64_t seed : opts.seeds)
      check_resumable(path_join(path_join(opts.out, "seed-" + std::to_string(seed)), "meta.json"), now);
  }
  RunInfo info{opts, meta, data, device, identity, word_embeddings};
  const bool gradient_trained = entry.make(opts, shape)->gradient_trained();
  write_run_set_meta(info, /*complete=*/false);
  for (int64_t seed : opts.seeds) {
    const std::string dir = path_join(opts.out, "seed-" + std::to_string(seed));
    make_dirs(dir);
    if (resume && seed_complete(dir, opts.epochs, gradient_trained)) {
      spdlog::info("seed {}: already complete in {}, skipped", seed, dir);
      continue;
    }
    if (!resume) {
      std::error_code ec;
      std::filesystem::remove(path_join(dir, "checkpoint.safetensors"), ec);
      std::filesystem::remove(path_join(dir, "meta.json"), ec);
    }
    torch::manual_seed(static_cast<uint64_t>(seed));  // parameter initialisation
    auto model = entry.make(opts, shape);
    model->to(device);
    at::Generator noise = make_noise_generator(device, noise_seed(seed));
    SeedTraining run{seed, device, dir, identity, resume, checkpoint_every};
    TrainOutcome outcome;
    if (model->gradient_trained()) {
      outcome = train_seed(*model, data, opts, run, noise);
    } else {
      fit_or_explain_stop(*model, data, opts, noise, seed);
      outcome.metrics = model->fit_metrics();
      outcome.final_loss = model->fit_loss();
      std::string text;
      for (const auto& m : outcome.metrics) text += m.dump() + "\n";
      write_file_atomic(path_join(dir, "metrics.jsonl"), text);
    }
    const ThetaMode mode = opts.theta == "mean" ? ThetaMode::kMean : ThetaMode::kSample;
    if (model->gradient_trained()) model->after_training(data, device);
    at::Tensor theta = model->gradient_trained() ? compute_theta(*model, data, mode, opts.theta_samples,
                                                                 model->theta_batch_size(opts), device, noise)
                                                 : model->fitted_theta();
    write_seed_outputs(info, seed, dir, *model, theta, outcome);
    spdlog::info("seed {}: wrote {}", seed, dir);
  }
  write_run_set_meta(info, /*complete=*/true);
  return static_cast<int>(opts.seeds.size());
}

void run_infer(const InferOptions& opts, const std::string& device_spec, uint64_t seed) {
  check_output_file(opts.out, "ntm-theta", {}, opts.force);
  const std::string meta_path = path_join(opts.run, "meta.json");
  json run_meta = load_json_file(meta_path);
  if (json_get_or<std::string>(run_meta, "format", "", meta_path) != "ntm-run")
    input_error(meta_path, ": not the meta.json of an ntm training seed (format \"ntm-run\"); pass --run runs/x/seed-S");
  if (!json_get_or<bool>(run_meta, "complete", false, meta_path))
    input_error(meta_path, ": this seed did not finish training; finish it with ntm train --resume");
  TrainOptions topts = recorded_options(json_get<json>(run_meta, "config", meta_path), meta_path + ": config");
  const ModelEntry& entry = find_model(topts.model);
  const json trained = json_get<json>(run_meta, "labels", meta_path);
  const c10::Device device = resolve_device(device_spec);

  labels::LabelStoreReader reader(opts.labels);
  const labels::StoreMeta& meta = reader.meta();
  const std::string want_vocab = json_get<std::string>(trained, "vocab_hash", meta_path);
  if (meta.vocab_hash != want_vocab)
    input_error(opts.labels, ": vocabulary hash ", meta.vocab_hash, " differs from the run's ", want_vocab,
                " (", opts.run, "); build the label store with the run's vocabulary (ntm build-labels --vocab)");
  const int64_t want_hidden = json_get<int64_t>(trained, "hidden_size", meta_path);
  ModelInputs inputs = entry.inputs(topts);
  if ((inputs.hidden) && meta.hidden_size != want_hidden)
    input_error(opts.labels, ": hidden size ", meta.hidden_size, " differs from the run's ", want_hidden,
                "; use a label store made with the same LM");
  check_infer_store(trained, labels_identity(opts.labels, meta), inputs, opts, meta_path);
  TrainData data =
      make_train_data(reader.read_all(inputs.columns()), inputs, teacher_spec(topts, inputs), opts.labels);
  if (data.vocab_size == 0) data.vocab_size = meta.vocab_size();
  const std::string model_path = path_join(opts.run, "model.safetensors");
  auto f = st::File::open(model_path);
  check_model_fits(topts, data.vocab_size, want_hidden, *f);
  ModelShape shape{data.vocab_size, want_hidden};
  // The word embeddings are part of the saved state; only their width is needed to build the model.
  if (run_meta.contains("word_embeddings") && run_meta["word_embeddings"].is_object())
    shape.embedding_size = run_meta["word_embeddings"].value("size", int64_t{0});
  auto model = entry.make(topts, shape);
  NamedTensors state;
  for (const auto& name : f->names()) state.emplace_back(name, f->tensor(name));
  model->load_state(state, model_path);
  model->to(device);
  at::Generator noise = make_noise_generator(device, noise_seed(static_cast<int64_t>(seed)));
  const std::string mode_s = opts.theta.empty() ? topts.theta : opts.theta;
  const ThetaMode mode = mode_s == "mean" ? ThetaMode::kMean : ThetaMode::kSample;
  at::Tensor theta =
      compute_theta(*model, data, mode, topts.theta_samples, model->theta_batch_size(topts), device, noise);
  write_theta(opts.out, theta, data, {{"format", "ntm-theta"}, {"model", topts.model}, {"run", opts.run},
                                      {"theta", mode_s}, {"vocab_hash", meta.vocab_hash}});
  spdlog::info("wrote θ [{}, {}] for {} documents of {} to {}", theta.size(0), theta.size(1), data.num_docs,
               opts.labels, opts.out);
}

}  // namespace ntm::topic
