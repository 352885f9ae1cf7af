#include "ntm/eval/inputs.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "ntm/data/corpus.h"
#include "ntm/error.h"
#include "ntm/io/safetensors.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"

namespace ntm::eval {

namespace {

std::vector<int64_t> to_int_vector(const at::Tensor& t, const std::string& where) {
  if (t.dim() != 1) input_error(where, ": expected a 1-D tensor");
  auto c = t.to(torch::kInt64).contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

std::vector<std::vector<std::string>> topics_from_json(const json& j, const std::string& path) {
  const json* arr = &j;
  if (j.is_object()) {
    if (!j.contains("topics")) input_error(path, ": JSON topics file needs a \"topics\" key");
    arr = &j.at("topics");
  }
  if (!arr->is_array()) input_error(path, ": \"topics\" must be an array of arrays of words");
  std::vector<std::vector<std::string>> topics;
  for (size_t k = 0; k < arr->size(); ++k) {
    const json& t = (*arr)[k];
    if (!t.is_array()) input_error(path, ": topic ", k, " is not an array of words");
    std::vector<std::string> words;
    for (const auto& w : t) {
      if (!w.is_string()) input_error(path, ": topic ", k, " holds a non-string word");
      if (!w.get<std::string>().empty()) words.push_back(w.get<std::string>());
    }
    topics.push_back(std::move(words));
  }
  return topics;
}

// Reads the label of every corpus row with ntm's CorpusReader (row numbering = doc_index);
// returns names per row ("" = none), or nothing for a corpus without labels (plain text).
std::optional<std::vector<std::string>> read_corpus_labels(const std::string& path, const CorpusOptions& co) {
  auto reader = CorpusReader::open(path, co);
  if (!reader->has_labels()) {
    // A plain-text corpus has no label column: it still serves as the coherence reference.
    spdlog::warn("--corpus {}: no gold labels (plain text); purity, NMI, ARI and precision@k are left out", path);
    return std::nullopt;
  }
  std::vector<std::string> values;
  Document doc;
  while (reader->next(doc)) values.push_back(doc.has_label ? doc.label : std::string());
  return values;
}

void set_labels_from_names(const std::vector<std::string>& names_per_row, const std::string& where, SeedInput& seed) {
  const int64_t D = seed.theta.defined() ? seed.theta.size(0) : static_cast<int64_t>(names_per_row.size());
  std::map<std::string, int64_t> ids;
  std::vector<std::string> id_names;
  for (const auto& n : names_per_row)
    if (!n.empty() && ids.emplace(n, static_cast<int64_t>(id_names.size())).second) id_names.push_back(n);
  seed.labels.assign(D, -1);
  for (int64_t d = 0; d < D; ++d) {
    const int64_t row = seed.doc_index.empty() ? d : seed.doc_index[d];
    if (row < 0 || row >= static_cast<int64_t>(names_per_row.size()))
      input_error(where, ": has ", names_per_row.size(), " rows but document ", d, " refers to row ", row,
                  " (doc_index); is this the corpus the run was trained on?");
    const auto& n = names_per_row[row];
    seed.labels[d] = n.empty() ? -1 : ids.at(n);
  }
  seed.label_names = id_names;
}

}  // namespace

std::vector<std::vector<std::string>> load_topics_file(const std::string& path) {
  const std::string text = read_file(path);
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (text[first] == '{' || text[first] == '[')) {
    json j;
    try {
      j = json::parse(text);
    } catch (const std::exception& e) {
      input_error(path, ": invalid JSON (", e.what(), ")");
    }
    return topics_from_json(j, path);
  }
  std::vector<std::vector<std::string>> topics;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::vector<std::string> words;
    std::string w;
    while (ls >> w) words.push_back(w);
    if (!words.empty()) topics.push_back(std::move(words));
  }
  if (topics.empty()) input_error(path, ": no topics (expected one topic per line, words separated by spaces)");
  return topics;
}

void load_theta_file(const std::string& path, SeedInput& seed) {
  auto f = st::File::open(path);
  if (!f->contains("theta")) input_error(path, ": no tensor \"theta\" (expected [documents, topics])");
  auto theta = f->tensor("theta");
  if (theta.dim() != 2) input_error(path, ": \"theta\" must be 2-D [documents, topics]");
  seed.theta = theta.to(torch::kFloat32).clone();
  if (seed.theta.size(0) == 0 || seed.theta.size(1) == 0)
    input_error(path, ": \"theta\" is empty ([", seed.theta.size(0), ", ", seed.theta.size(1), "]); K and D must be > 0");
  {
    auto bad = torch::nonzero((~torch::isfinite(seed.theta)).any(1));  // [#bad, 1]
    if (bad.size(0) > 0)
      input_error(path, ": \"theta\" row (document) ", bad[0][0].item<int64_t>(), " holds NaN or Inf; the run is broken — retrain it");
  }
  if (f->contains("doc_index")) seed.doc_index = to_int_vector(f->tensor("doc_index"), path + ": doc_index");
  if (f->contains("labels")) seed.labels = to_int_vector(f->tensor("labels"), path + ": labels");
  const int64_t D = seed.theta.size(0);
  if (!seed.doc_index.empty() && static_cast<int64_t>(seed.doc_index.size()) != D)
    input_error(path, ": doc_index has ", seed.doc_index.size(), " entries, theta has ", D, " rows");
  if (!seed.labels.empty() && static_cast<int64_t>(seed.labels.size()) != D)
    input_error(path, ": labels has ", seed.labels.size(), " entries, theta has ", D, " rows");
}

static void load_beta(const std::string& path, SeedInput& seed) {
  auto f = st::File::open(path);
  if (!f->contains("beta")) input_error(path, ": no tensor \"beta\" (expected [topics, vocabulary])");
  seed.beta = f->tensor("beta").to(torch::kFloat32).clone();
  if (seed.beta.dim() != 2) input_error(path, ": \"beta\" must be 2-D [topics, vocabulary]");
  {
    auto bad = torch::nonzero((~torch::isfinite(seed.beta)).any(1));  // [#bad, 1]
    if (bad.size(0) > 0)
      input_error(path, ": \"beta\" row (topic) ", bad[0][0].item<int64_t>(), " holds NaN or Inf; the run is broken — retrain it");
  }
}

// A seed as meta.json lists it: a non-negative integer naming the directory seed-<S>. Anything
// else (a string such as "abc", a float, a negative number) is refused naming that directory.
static int64_t seed_number(const json& v, const std::string& meta_path, const std::string& run_dir, bool in_set) {
  if (v.is_number_integer() && v.get<int64_t>() >= 0) return v.get<int64_t>();
  std::string name = v.is_string() ? v.get<std::string>() : v.dump();
  if (name.rfind("seed-", 0) != 0) name = "seed-" + name;
  input_error(meta_path, ": seed ", v.dump(), " is not a non-negative integer: the seed directory ",
              in_set ? path_join(run_dir, name) : run_dir,
              " must be named seed-<integer> (e.g. seed-0), as ntm train writes it");
}

static void check_shapes(const SeedInput& s, const std::string& where) {
  const int64_t K = static_cast<int64_t>(s.topics.size());
  if (s.theta.defined() && s.theta.size(1) != K)
    input_error(where, ": theta has ", s.theta.size(1), " topic columns but the topics file has ", K, " topics");
  if (s.beta.defined() && s.beta.size(0) != K)
    input_error(where, ": beta has ", s.beta.size(0), " rows but the topics file has ", K, " topics");
}

// meta.json "labels": {"dir", "vocab_hash", ...} as ntm train writes it (absent: left empty).
static void read_labels_identity(const json& meta, const std::string& meta_path, EvalInputs& in) {
  if (!meta.contains("labels") || !meta["labels"].is_object()) return;
  in.labels_dir = json_get_or<std::string>(meta["labels"], "dir", "", meta_path + ": labels");
  in.vocab_hash = json_get_or<std::string>(meta["labels"], "vocab_hash", "", meta_path + ": labels");
}

EvalInputs load_run_dir(const std::string& run_dir) {
  const std::string meta_path = path_join(run_dir, "meta.json");
  if (!path_exists(meta_path)) input_error("--run ", run_dir, ": no meta.json (not a directory written by ntm train)");
  json meta = load_json_file(meta_path);
  const std::string format = json_get_or<std::string>(meta, "format", "", meta_path);
  if (format != "ntm-run-set" && format != "ntm-run")
    input_error(meta_path, ": \"format\" is \"", format, "\", expected \"ntm-run-set\" (runs/x) or \"ntm-run\" (runs/x/seed-S)");
  if (format == "ntm-run" && !meta.contains("seeds")) {
    // A single seed directory (runs/x/seed-S): evaluate just that seed.
    EvalInputs in;
    in.source = run_dir;
    in.model = json_get_or<std::string>(meta, "model", "", meta_path);
    if (meta.contains("labels") && meta["labels"].is_object()) in.trained = meta["labels"];
    read_labels_identity(meta, meta_path, in);
    SeedInput seed;
    seed.seed = meta.contains("seed") ? seed_number(meta["seed"], meta_path, run_dir, false) : 0;
    seed.name = "seed-" + std::to_string(seed.seed);
    const std::string topics = path_join(run_dir, "topics.json");
    if (!path_exists(topics)) input_error(run_dir, ": no topics.json");
    seed.topics = load_topics_file(topics);
    const std::string theta = path_join(run_dir, "theta.safetensors");
    if (path_exists(theta)) load_theta_file(theta, seed);
    const std::string beta = path_join(run_dir, "beta.safetensors");
    if (path_exists(beta)) load_beta(beta, seed);
    check_shapes(seed, run_dir);
    in.seeds.push_back(std::move(seed));
    return in;
  }
  EvalInputs in;
  in.source = run_dir;
  in.model = json_get_or<std::string>(meta, "model", "", meta_path);
  if (meta.contains("labels") && meta["labels"].is_object()) in.trained = meta["labels"];
  if (meta.contains("corpus") && meta["corpus"].is_string()) in.corpus = meta["corpus"].get<std::string>();
  read_labels_identity(meta, meta_path, in);
  std::vector<int64_t> seeds;
  if (meta.contains("seeds") && meta["seeds"].is_array()) {
    for (const auto& s : meta["seeds"]) seeds.push_back(seed_number(s, meta_path, run_dir, true));
  } else {
    input_error(meta_path, ": missing \"seeds\" array");
  }
  for (int64_t s : seeds) {
    SeedInput seed;
    seed.seed = s;
    seed.name = "seed-" + std::to_string(s);
    const std::string dir = path_join(run_dir, seed.name);
    const std::string topics = path_join(dir, "topics.json");
    if (!path_exists(topics)) input_error(dir, ": no topics.json (meta.json lists seed ", s, ")");
    seed.topics = load_topics_file(topics);
    const std::string theta = path_join(dir, "theta.safetensors");
    if (path_exists(theta)) load_theta_file(theta, seed);
    const std::string beta = path_join(dir, "beta.safetensors");
    if (path_exists(beta)) load_beta(beta, seed);
    check_shapes(seed, dir);
    in.seeds.push_back(std::move(seed));
  }
  if (in.seeds.empty()) input_error(meta_path, ": \"seeds\" is empty");
  return in;
}

EvalInputs load_loose_files(const std::string& topics, const std::string& theta, const std::string& beta) {
  EvalInputs in;
  in.source = topics;
  SeedInput seed;
  seed.name = std::filesystem::path(topics).filename().string();
  seed.topics = load_topics_file(topics);
  if (!theta.empty()) load_theta_file(theta, seed);
  if (!beta.empty()) load_beta(beta, seed);
  check_shapes(seed, topics);
  in.seeds.push_back(std::move(seed));
  return in;
}

void attach_labels_file(const std::string& path, SeedInput& seed) {
  std::ifstream in(path, std::ios::binary);
  if (!in) input_error("--labels-file ", path, ": cannot be read");
  std::vector<std::string> names;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    names.push_back(line);
  }
  set_labels_from_names(names, "--labels-file " + path, seed);
}

void attach_corpus_labels(const std::string& path, const CorpusOptions& options, SeedInput& seed) {
  const auto names = read_corpus_labels(path, options);
  if (!names) {
    seed.labels.clear();  // theta's "labels" of a plain-text corpus are all -1 as well
    return;
  }
  set_labels_from_names(*names, "--corpus " + path, seed);
}

}  // namespace ntm::eval
