#pragma once
// What `ntm eval` scores: one entry per seed of a run directory written by `ntm train`
// (meta.json + seed-S/{topics.json, theta.safetensors, beta.safetensors}), or one entry built from
// loose files (--topics, --theta, --labels-file) produced by other tools.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ntm/data/corpus.h"

namespace ntm::eval {

struct SeedInput {
  std::string name;                               // "seed-0" or the topics file name
  int64_t seed = -1;                              // -1 when unknown
  std::vector<std::vector<std::string>> topics;   // [K][words]
  at::Tensor theta;                               // [D, K] float32, undefined when absent
  at::Tensor beta;                                // [K, V] float32, undefined when absent
  std::vector<int64_t> doc_index;                 // [D] corpus rows (empty: rows 0..D-1)
  std::vector<int64_t> labels;                    // [D] gold ids, -1 = none (empty: no labels)
  std::vector<std::string> label_names;           // id -> name (may be empty: ids shown)
};

struct EvalInputs {
  std::string source;        // run directory or topics file
  std::string model;         // from meta.json ("" if unknown)
  std::string corpus;        // training corpus named by meta.json (may be "")
  nlohmann::json trained;    // the run's record of its label store (meta.json "labels"); null if unknown
  std::string labels_dir;    // label store named by meta.json (may be ""): the vocabulary of beta
  std::string vocab_hash;    // its vocab_hash as meta.json records it (may be "")
  std::vector<SeedInput> seeds;
};

// The inputs given to eval against the run's record (EvalInputs::trained): the --corpus file's
// sha256 and row count, the --labels-file's line count. A mismatch is exit 2 naming the field
// (corpus, rows, labels_file) unless options.allow_mismatch lists it. No record: nothing to check.
struct EvalOptions;
void check_eval_inputs(const EvalOptions& options, const EvalInputs& in);

// Topics: JSON {"format":"ntm-topics","topics":[[...]]} or [[...]] (by content), else a text file
// with one topic per line, words separated by whitespace.
std::vector<std::vector<std::string>> load_topics_file(const std::string& path);

// theta.safetensors: "theta" [D, K] (required), optional "doc_index" [D] and "labels" [D].
void load_theta_file(const std::string& path, SeedInput& seed);

EvalInputs load_run_dir(const std::string& run_dir);
EvalInputs load_loose_files(const std::string& topics, const std::string& theta, const std::string& beta);

// Makes every topic of every seed hold at least top_n words, the extra words taken from the seed's
// beta with the run's vocabulary (label store); usage_error when top_n exceeds the vocabulary or
// the lists are short and beta or the vocabulary is missing (src/eval/top_n.cpp).
void ensure_top_n(EvalInputs& in, int top_n);

// Gold labels from a file with one label per line (strings; "" = none) or from the label column
// of a TSV corpus (header row; text<TAB>label as in ../shared/data). Rows are picked by the seed's
// doc_index when present. Label names map to ids in order of first appearance in the file.
void attach_labels_file(const std::string& path, SeedInput& seed);
void attach_corpus_labels(const std::string& path, const CorpusOptions& options, SeedInput& seed);

}  // namespace ntm::eval
