#include "ntm/eval/evaluate.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <set>
#include <sstream>

#include "ntm/error.h"
#include "ntm/eval/clustering.h"
#include "ntm/eval/coherence.h"
#include "ntm/eval/diversity.h"
#include "ntm/eval/llm_rating.h"
#include "ntm/lm/model.h"
#include "ntm/eval/report.h"
#include "ntm/eval/retrieval.h"
#include "ntm/util/device.h"
#include "ntm/util/artifact.h"
#include "ntm/util/fs.h"
#include "ntm/util/hash.h"
#include "ntm/util/output.h"
#include "ntm/version.h"

namespace ntm::eval {

using nlohmann::json;

namespace {

constexpr const char* kEvalFormat = "ntm-eval";  // meta.json of an eval directory (metrics.json: "ntm-eval" too)
constexpr int kEvalFormatVersion = 1;

struct Selection {
  bool diversity = false, clustering = false, retrieval = false;
  std::vector<std::string> coherence;
  bool explicit_coherence = false;
};

Selection parse_metrics(const std::string& spec) {
  Selection s;
  std::stringstream ss(spec);
  std::string item;
  std::set<std::string> coh;
  while (std::getline(ss, item, ',')) {
    if (item == "all") {
      s.diversity = s.clustering = s.retrieval = true;
      for (const auto& m : coherence_measures()) coh.insert(m);
    } else if (item == "diversity") {
      s.diversity = true;
    } else if (item == "clustering") {
      s.clustering = true;
    } else if (item == "retrieval") {
      s.retrieval = true;
    } else if (item == "coherence") {
      for (const auto& m : coherence_measures()) coh.insert(m);
      s.explicit_coherence = true;
    } else if (std::find(coherence_measures().begin(), coherence_measures().end(), item) != coherence_measures().end()) {
      coh.insert(item);
      s.explicit_coherence = true;
    } else {
      usage_error("--metrics: unknown metric '", item,
                  "' (expected all or a comma list of diversity, clustering, retrieval, coherence, c_v, c_npmi, c_uci, u_mass)");
    }
  }
  for (const auto& m : coherence_measures())
    if (coh.count(m)) s.coherence.push_back(m);
  return s;
}

std::vector<int64_t> argmax_topics(const at::Tensor& theta) {
  auto a = theta.argmax(1).to(torch::kInt64).contiguous();
  return std::vector<int64_t>(a.data_ptr<int64_t>(), a.data_ptr<int64_t>() + a.numel());
}

// Topic words that never occur in the reference corpus: metrics.json lists them (all, and per
// topic), and one warning gives the count and what the flavour did with them.
void report_missing_words(const CoherenceResult& r, const CoherenceSettings& cs, const std::string& seed, json& js) {
  size_t words = 0, topics = 0;
  for (const auto& t : r.missing_per_topic) {
    words += t.size();
    topics += t.empty() ? 0 : 1;
  }
  js["missing_words"] = r.missing_words;
  js["missing_words_per_topic"] = r.missing_per_topic;
  spdlog::warn("{}: {} topic word(s) in {} topic(s) do not occur in the reference corpus ({}{}); {}", seed, words,
               topics, r.missing_words.front(), r.missing_words.size() > 1 ? ", ..." : "",
               cs.flavour == "gensim" ? "dropped from their topics, as gensim does"
                                      : "counted with 0 occurrences (their pairs score 0)");
}

CoherenceSettings coherence_settings(const EvalOptions& opt) {
  CoherenceSettings cs;
  cs.flavour = opt.coherence_flavour;
  cs.window_cv = opt.window_cv;
  cs.window_pmi = opt.window_pmi;
  cs.epsilon = opt.epsilon;
  cs.top_n = opt.top_n;
  return cs;
}

// Gold labels from --labels-file, else from --corpus's label column (else those theta holds).
void attach_gold_labels(const EvalOptions& opt, EvalInputs& in) {
  for (auto& s : in.seeds) {
    if (!opt.labels_file.empty()) attach_labels_file(opt.labels_file, s);
    else if (!opt.corpus.empty()) attach_corpus_labels(opt.corpus, opt, s);
  }
}

// Coherence reference: --reference-corpus, else --corpus, else the run's training corpus.
std::string reference_path(const EvalOptions& opt, const EvalInputs& in) {
  std::string ref_path = opt.reference_corpus;
  if (ref_path.empty()) ref_path = opt.corpus;
  if (ref_path.empty() && !in.corpus.empty() && path_exists(in.corpus)) ref_path = in.corpus;
  return ref_path;
}

// The coherence measures to compute: without a reference corpus none (a warning), or exit 2 when
// --metrics named coherence explicitly.
std::vector<std::string> coherence_measures_to_run(const Selection& sel, const std::string& ref_path) {
  if (sel.coherence.empty() || !ref_path.empty()) return sel.coherence;
  if (sel.explicit_coherence)
    usage_error("--metrics asks for coherence but there is no reference corpus: pass --reference-corpus FILE or --corpus data.tsv");
  spdlog::warn("no reference corpus (--reference-corpus / --corpus): coherence skipped");
  return {};
}

// LLM rating of every seed's topics (all in one batched LM pass); nothing when --llm-rating is off.
LlmRatingResult rate_all_seeds(const EvalOptions& opt, const EvalInputs& in, c10::Device device) {
  if (opt.llm_rating.empty()) return {};
  std::vector<std::vector<std::vector<std::string>>> topics;
  for (const auto& s : in.seeds) topics.push_back(s.topics);
  return rate_topics(topics, {opt.llm_rating, opt.chat_format, opt.rating_dtype, opt.rating_gguf_weights, opt.rating_batch_tokens, opt.top_n},
                     device);
}

// Counts of every seed's top-N topic words in the reference corpus (empty when no coherence runs).
ReferenceIndex index_reference_corpus(const EvalOptions& opt, const EvalInputs& in, const std::string& ref_path,
                                      const std::vector<std::string>& coherence) {
  if (coherence.empty()) return {};
  std::vector<std::string> words;
  for (const auto& s : in.seeds)
    for (const auto& t : s.topics)
      for (size_t r = 0; r < t.size() && static_cast<int>(r) < opt.top_n; ++r) words.push_back(t[r]);
  return build_reference_index(ReferenceSpec{ref_path, opt.reference_format, opt}, words);
}

// Scores one seed at a time into its metrics.json block; remembers the metric keys in first-seen order.
class SeedScorer {
 public:
  SeedScorer(const EvalOptions& opt, const Selection& sel, const std::vector<std::string>& coherence,
             const CoherenceSettings& cs, const ReferenceIndex& index, c10::Device device)
      : opt_(opt), sel_(sel), coherence_(coherence), cs_(cs), index_(index), device_(device) {}

  json score(const SeedInput& s, const std::vector<TopicRating>* ratings) {
    json js = {{"name", s.name}, {"num_topics", s.topics.size()}};
    if (s.seed >= 0) js["seed"] = s.seed;
    json m = json::object();
    if (sel_.diversity) score_diversity(s, m);
    if (s.theta.defined()) {
      score_theta(s, js, m);
    } else if (sel_.clustering || sel_.retrieval) {
      spdlog::warn("{}: no theta: clustering and retrieval skipped", s.name);
    }
    if (!coherence_.empty()) score_coherence(s, js, m);
    if (ratings) score_llm_rating(*ratings, js, m);
    if (!s.label_names.empty()) js["label_names"] = s.label_names;
    js["metrics"] = m;
    return js;
  }

  const std::vector<std::string>& keys() const { return keys_; }

 private:
  void put(json& m, const std::string& k, double v) {
    m[k] = v;
    if (std::find(keys_.begin(), keys_.end(), k) == keys_.end()) keys_.push_back(k);
  }

  void score_diversity(const SeedInput& s, json& m) {
    put(m, "topic_diversity", topic_diversity(s.topics, opt_.top_n));
    put(m, "inverted_rbo", inverted_rbo(s.topics, opt_.top_n, opt_.rbo_p));
  }

  // Topic sizes, and the label-based metrics (clustering, retrieval) of the argmax-theta assignment.
  void score_theta(const SeedInput& s, json& js, json& m) {
    const auto assign = argmax_topics(s.theta);
    std::vector<int64_t> sizes(s.topics.size(), 0);
    for (int64_t a : assign) ++sizes[a];
    js["num_documents"] = s.theta.size(0);
    js["topic_sizes"] = sizes;
    // Label-based metrics need at least one labelled document (-1 = none); without any they are
    // left out of metrics.json rather than scored 0.
    const bool has_labels = std::any_of(s.labels.begin(), s.labels.end(), [](int64_t l) { return l >= 0; });
    if (has_labels && sel_.clustering) {
      auto c = clustering_scores(assign, s.labels);
      put(m, "purity", c.purity);
      put(m, "inverse_purity", c.inverse_purity);
      put(m, "harmonic_purity", c.harmonic_purity);
      put(m, "nmi", c.nmi);
      put(m, "ari", c.ari);
      js["num_labelled_documents"] = c.num_documents;
    }
    if (has_labels && sel_.retrieval) {
      RetrievalOptions ro;
      ro.block_rows = opt_.retrieval_block;
      ro.device = device_;
      auto r = retrieval_precision(s.theta, s.labels, ro);
      for (size_t i = 0; i < r.ks.size(); ++i) put(m, "precision@" + std::to_string(r.ks[i]), r.precision[i]);
    }
    if (!has_labels && (sel_.clustering || sel_.retrieval))
      spdlog::warn("{}: no labelled documents (theta has no gold labels; pass --corpus data.tsv or --labels-file): "
                   "purity, NMI, ARI and precision@k are left out", s.name);
  }

  void score_coherence(const SeedInput& s, json& js, json& m) {
    json per_topic = json::object();
    const auto results = compute_coherence(index_, s.topics, coherence_, cs_);
    for (const auto& r : results) {
      put(m, r.measure, r.mean);
      per_topic[r.measure] = r.per_topic;
    }
    js["coherence_per_topic"] = per_topic;
    if (!results.empty() && !results.front().missing_words.empty()) report_missing_words(results.front(), cs_, s.name, js);
  }

  void score_llm_rating(const std::vector<TopicRating>& rs, json& js, json& m) {
    double a = 0, b = 0;
    for (const auto& r : rs) a += r.rating, b += r.expected;
    put(m, "llm_rating", rs.empty() ? 0.0 : a / double(rs.size()));
    put(m, "llm_rating_expected", rs.empty() ? 0.0 : b / double(rs.size()));
    js["llm_rating_per_topic"] = ratings_json(rs);
  }

  const EvalOptions& opt_;
  const Selection& sel_;
  const std::vector<std::string>& coherence_;
  const CoherenceSettings& cs_;
  const ReferenceIndex& index_;
  const c10::Device device_;
  std::vector<std::string> keys_;  // metric keys in first-seen order
};

// Mean, std and count of each metric over the seeds that have it.
json aggregate_over_seeds(const std::vector<std::string>& keys, const json& seeds) {
  json aggregate = json::object();
  for (const auto& k : keys) {
    std::vector<double> v;
    for (const auto& js : seeds)
      if (js["metrics"].contains(k)) v.push_back(js["metrics"][k].get<double>());
    auto [mean, sd] = mean_std(v);
    aggregate[k] = {{"mean", mean}, {"std", sd}, {"n", v.size()}};
  }
  return aggregate;
}

// metrics.json "metric_settings": what each coherence measure was computed with (ntm compare checks them).
json coherence_metric_settings(const std::vector<std::string>& coherence, const CoherenceSettings& cs,
                               const ReferenceIndex& index) {
  json metric_settings = json::object();
  for (const auto& m : coherence) {
    const int64_t w = m == "c_v" ? cs.window_cv : (m == "u_mass" ? 0 : cs.window_pmi);
    metric_settings[m] = {{"flavour", cs.flavour},
                          {"window", w == 0 ? json("document") : json(w)},
                          {"epsilon", cs.epsilon},
                          {"top_n", cs.top_n},
                          {"gamma", cs.flavour == "palmetto" && m == "c_v" ? 2 : 1},
                          {"min_count", cs.flavour == "palmetto" && w > 0 ? json(cs.palmetto_min_frequency * w) : json(0)},
                          {"reference_sha256", index.hash}};
  }
  return metric_settings;
}

// metrics.json "settings": how every metric family was computed.
json eval_settings(const EvalOptions& opt, const CoherenceSettings& cs, bool coherence, const std::string& ref_path,
                   const ReferenceIndex& index, c10::Device device, const LlmRatingResult& rating) {
  json settings = {
      {"top_n", opt.top_n},
      {"metrics", opt.metrics},
      {"diversity", {{"td", "|union of top-N words| / (N K)"}, {"rbo_p", opt.rbo_p}, {"rbo", "extrapolated (RBO_ext)"}}},
      {"clustering", {{"assignment", "argmax theta"}, {"nmi_average", "arithmetic"}}},
      {"retrieval",
       {{"divergence", "KL(query || doc), +1e-12, float32"}, {"ties", "lower document index first"},
        {"self", "excluded"}, {"device", device.str()}}},
      {"std", "population (ddof = 0)"}};
  if (coherence)
    settings["coherence"] = {{"flavour", cs.flavour},       {"window_c_v", cs.window_cv},
                             {"window_pmi", cs.window_pmi}, {"epsilon", cs.epsilon},
                             {"reference", {{"path", ref_path},
                                            {"format", opt.reference_format},
                                            {"sha256", index.hash},
                                            {"documents", index.num_docs()},
                                            {"tokens", index.num_tokens}}}};
  if (!rating.seeds.empty()) settings["llm_rating"] = rating.settings;
  return settings;
}

// meta.json "inputs": sha256 identities of what was evaluated against.
json eval_input_identities(const EvalOptions& opt, bool coherence, const ReferenceIndex& index) {
  json inputs = json::object();
  if (!opt.run.empty() && path_exists(path_join(opt.run, "meta.json")))
    inputs["run_meta"] = sha256_file(path_join(opt.run, "meta.json"));
  if (!opt.topics.empty()) inputs["topics"] = sha256_file(opt.topics);
  if (!opt.corpus.empty()) inputs["corpus"] = sha256_file(opt.corpus);
  if (!opt.labels_file.empty()) inputs["labels_file"] = sha256_file(opt.labels_file);
  if (coherence) inputs["reference"] = index.hash;
  return inputs;
}

}  // namespace

void EvalOptions::validate() const {
  validate_corpus_options(*this);
  if (run.empty() == topics.empty()) usage_error("give exactly one of --run DIR or --topics FILE");
  if (!run.empty() && (!theta.empty() || !beta.empty()))
    usage_error("--theta/--beta go with --topics; a --run directory holds its own theta and beta");
  if (top_n < 1) usage_error("--top-n must be >= 1 (got ", top_n, ")");
  if (reference_format != "text" && reference_format != "tokens")
    usage_error("--reference-format ", reference_format, ": expected text or tokens");
  if (!(rbo_p > 0 && rbo_p < 1)) usage_error("--rbo-p must be in (0, 1)");
  if (out.empty()) usage_error("--out must name a directory");
  CoherenceSettings cs = coherence_settings(*this);
  cs.top_n = std::max(top_n, 2);
  ntm::eval::validate(cs);
  parse_metrics(metrics);
  if (llm_rating.empty() && !chat_format.empty()) usage_error("--chat-format goes with --llm-rating MODEL");
  lm::check_gguf_weights(rating_gguf_weights, "--rating-gguf-weights");
  if (rating_batch_tokens < 0) usage_error("--rating-batch-tokens must be >= 0 (0 = automatic)");
  check_allow_mismatch(allow_mismatch, {"corpus", "rows", "labels_file"});
}

std::pair<double, double> mean_std(const std::vector<double>& v) {
  if (v.empty()) return {0.0, 0.0};
  double m = 0;
  for (double x : v) m += x;
  m /= static_cast<double>(v.size());
  double var = 0;
  for (double x : v) var += (x - m) * (x - m);
  return {m, std::sqrt(var / static_cast<double>(v.size()))};
}

json run_eval(const EvalOptions& opt, const std::string& device_spec, bool force) {
  opt.validate();
  const auto t0 = std::chrono::steady_clock::now();
  const Selection sel = parse_metrics(opt.metrics);
  const c10::Device device = resolve_device(device_spec);
  EvalInputs in = opt.run.empty() ? load_loose_files(opt.topics, opt.theta, opt.beta) : load_run_dir(opt.run);
  check_eval_inputs(opt, in);
  attach_gold_labels(opt, in);
  const std::string ref_path = reference_path(opt, in);
  const std::vector<std::string> coherence = coherence_measures_to_run(sel, ref_path);
  ensure_top_n(in, opt.top_n);
  // The LLM rating runs before any output is written.
  const LlmRatingResult rating = rate_all_seeds(opt, in, device);
  const OutputLock lock = claim_output_dir(opt.out, kEvalFormat, force,
                                           "pass --force to replace it, or choose another --out directory");

  const CoherenceSettings cs = coherence_settings(opt);
  const ReferenceIndex index = index_reference_corpus(opt, in, ref_path, coherence);
  SeedScorer scorer(opt, sel, coherence, cs, index, device);
  json seeds = json::array();
  for (size_t i = 0; i < in.seeds.size(); ++i)
    seeds.push_back(scorer.score(in.seeds[i], rating.seeds.empty() ? nullptr : &rating.seeds[i]));

  json doc = {{"format", "ntm-eval"},
              {"version", 1},
              {"source", in.source},
              {"model", in.model},
              {"settings", eval_settings(opt, cs, !coherence.empty(), ref_path, index, device, rating)},
              {"metric_settings", coherence_metric_settings(coherence, cs, index)},
              {"metric_keys", scorer.keys()},
              {"seeds", seeds},
              {"aggregate", aggregate_over_seeds(scorer.keys(), seeds)}};
  write_file_atomic(path_join(opt.out, "metrics.json"), doc.dump(2) + "\n");
  if (opt.report) write_report(path_join(opt.out, "report.html"), doc, in);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  write_meta(opt.out, kEvalFormat, kEvalFormatVersion, json(opt), eval_input_identities(opt, !coherence.empty(), index),
             {{"created_by", "ntm eval"}, {"source", in.source}, {"seconds", secs}});
  return doc;
}

std::string metrics_table(const json& doc) {
  // One row per metric; one column per seed, then mean ± std when there are several seeds.
  const std::vector<std::string> keys = doc.at("metric_keys").get<std::vector<std::string>>();
  const auto& seeds = doc.at("seeds");
  const bool agg = seeds.size() > 1;
  auto fmt = [](double v) {
    std::ostringstream f;
    f << std::fixed << std::setprecision(4) << v;
    return f.str();
  };
  size_t key_w = 6;
  for (const auto& k : keys) key_w = std::max(key_w, k.size());
  std::vector<size_t> col_w;
  for (const auto& s : seeds) col_w.push_back(std::max<size_t>(s.at("name").get<std::string>().size(), 8));
  std::ostringstream os;
  os << std::left << std::setw(static_cast<int>(key_w)) << "metric";
  for (size_t i = 0; i < seeds.size(); ++i)
    os << "  " << std::right << std::setw(static_cast<int>(col_w[i])) << seeds[i].at("name").get<std::string>();
  if (agg) os << "  " << std::right << std::setw(18) << "mean ± std";  // "±" is 2 bytes, 1 column
  os << "\n";
  for (const auto& k : keys) {
    os << std::left << std::setw(static_cast<int>(key_w)) << k;
    for (size_t i = 0; i < seeds.size(); ++i) {
      const auto& m = seeds[i].at("metrics");
      os << "  " << std::right << std::setw(static_cast<int>(col_w[i])) << (m.contains(k) ? fmt(m[k].get<double>()) : "-");
    }
    if (agg) {
      const auto& a = doc.at("aggregate").at(k);
      os << "  " << std::right << std::setw(18) << fmt(a.at("mean").get<double>()) + " ± " + fmt(a.at("std").get<double>());
    }
    os << "\n";
  }
  if (doc.at("settings").contains("coherence")) {
    const auto& c = doc["settings"]["coherence"];
    os << "coherence: flavour " << c["flavour"].get<std::string>() << ", windows c_v " << c["window_c_v"]
       << " / pmi " << c["window_pmi"] << ", epsilon " << c["epsilon"].get<double>() << ", top-n "
       << doc["settings"]["top_n"] << ", reference " << c["reference"]["path"].get<std::string>() << " (sha256 "
       << c["reference"]["sha256"].get<std::string>().substr(0, 12) << ")\n";
  }
  return os.str();
}

}  // namespace ntm::eval
