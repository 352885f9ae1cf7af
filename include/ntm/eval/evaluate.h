#pragma once
// `ntm eval`: scores every seed of a run (or loose topics/theta files) and writes
// <out>/metrics.json, <out>/meta.json and, with report = true, <out>/report.html.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "ntm/data/corpus.h"
#include "ntm/eval/inputs.h"

namespace ntm::eval {

struct EvalOptions : CorpusOptions {  // how --corpus (and a TSV/JSONL --reference-corpus) is read
  std::string run;                  // run directory (ntm train)
  std::string topics;               // or: topics file (text or JSON)
  std::string theta;                // with --topics: theta.safetensors
  std::string beta;                 // with --topics: beta.safetensors (report bar charts, topic map)
  std::string labels_file;          // gold labels, one per line (overrides theta's "labels")
  std::string corpus;               // corpus: gold labels (label column) and the default reference
  std::string reference_corpus;     // file or directory; default: --corpus, else the run's corpus
  std::string reference_format = "text";  // text | tokens
  int top_n = 15;
  std::string metrics = "all";      // all | comma list of: diversity, clustering, retrieval, coherence, c_v, c_npmi, c_uci, u_mass
  std::string coherence_flavour = "exact";  // exact | gensim | palmetto
  int64_t window_cv = 110;          // 0 = whole document
  int64_t window_pmi = 10;          // 0 = whole document
  double epsilon = 1e-12;
  double rbo_p = 0.9;
  int64_t retrieval_block = 0;      // query rows per block (0 = automatic)
  std::string out = "eval";
  bool report = false;
  std::string llm_rating;           // LLM rating (method-spec §7.6) with this model; "" = off
  std::string chat_format;          // with llm_rating: built-in chat format instead of the model's template
  std::string rating_dtype = "auto";   // with llm_rating: auto | float32 | bfloat16 | float16
  std::string rating_gguf_weights = "quantized";  // with a GGUF llm_rating model: quantized | float
  int64_t rating_batch_tokens = 0;  // with llm_rating: padded tokens per LM batch (0 = automatic)
  std::vector<std::string> allow_mismatch;  // corpus | rows | labels_file: accepted differences from the run
  void validate() const;
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(EvalOptions, run, topics, theta, beta, labels_file, corpus, format,
                                                text_column, label_column, quoting, on_bad_row, max_doc_bytes,
                                                reference_corpus, reference_format, top_n, metrics,
                                                coherence_flavour, window_cv, window_pmi, epsilon, rbo_p,
                                                retrieval_block, out, report,
                                                llm_rating, chat_format, rating_dtype, rating_gguf_weights, rating_batch_tokens, allow_mismatch)

// Computes everything; returns the metrics.json document (also written to disk).
// `force`: replace an existing evaluation in options.out (any other non-empty directory is refused).
nlohmann::json run_eval(const EvalOptions& options, const std::string& device_spec, bool force = false);

// The plain stdout table of a metrics.json document (one row per seed + mean ± std).
std::string metrics_table(const nlohmann::json& metrics);

// Mean and population standard deviation (ddof = 0, as numpy's np.std).
std::pair<double, double> mean_std(const std::vector<double>& v);

}  // namespace ntm::eval
