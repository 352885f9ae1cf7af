// ntm eval: coherence, diversity, clustering and retrieval metrics of a run (or loose files).
#include <iostream>

#include "commands.h"
#include "corpus_flags.h"
#include "ntm/eval/evaluate.h"

namespace ntm::cli {

void setup_eval(CLI::App& sub, CommandContext& ctx) {
  auto opts = std::make_shared<eval::EvalOptions>();
  auto binder = std::make_shared<OptionBinder>(&sub);
  binder->add("run", opts->run, "run directory written by ntm train (meta.json, seed-S/...)");
  binder->add("topics", opts->topics, "instead of --run: topics file (one topic per line, or JSON)");
  binder->add("theta", opts->theta, "with --topics: theta.safetensors (\"theta\" [D,K], optional \"labels\", \"doc_index\")");
  binder->add("beta", opts->beta, "with --topics: beta.safetensors (\"beta\" [K,V]) for the report");
  binder->add("labels_file", opts->labels_file, "gold labels, one per line, aligned with theta rows (or doc_index)");
  binder->add("corpus", opts->corpus, "corpus (TSV, JSONL or txt): gold labels and the default reference corpus");
  add_corpus_flags(*binder, *opts);
  binder->add("reference_corpus", opts->reference_corpus, "coherence reference: file or directory (default: --corpus)");
  binder->add("reference_format", opts->reference_format, "text (ntm word filter) | tokens (pre-tokenised, one document per line)");
  binder->add("top_n", opts->top_n, "words per topic for every metric");
  binder->add("metrics", opts->metrics, "all | comma list of diversity, clustering, retrieval, coherence, c_v, c_npmi, c_uci, u_mass");
  binder->add("coherence_flavour", opts->coherence_flavour, "exact | gensim (gensim 4.x CoherenceModel) | palmetto (Palmetto 0.1.0 C_V)");
  binder->add("window_cv", opts->window_cv, "C_V sliding window (0 = whole documents)");
  binder->add("window_pmi", opts->window_pmi, "NPMI / UCI sliding window (0 = whole documents)");
  binder->add("epsilon", opts->epsilon, "epsilon inside the coherence logarithms");
  binder->add("rbo_p", opts->rbo_p, "RBO persistence p for inverted RBO");
  binder->add("retrieval_block", opts->retrieval_block, "query rows per retrieval block (0 = automatic)");
  binder->add("out", opts->out, "output directory (metrics.json, meta.json, report.html)");
  binder->add("report", opts->report, "also write a self-contained report.html");
  binder->add("llm_rating", opts->llm_rating, "also rate every topic 1-3 with this local instruct model (docs/method.md §8, docs/llm-rating.md)");
  binder->add("chat_format", opts->chat_format, "with --llm-rating: built-in chat format (chatml, llama3, llama2, gemma, mistral, phi3, plain) instead of the model's template");
  binder->add("rating_dtype", opts->rating_dtype, "with --llm-rating: auto | float32 | bfloat16 | float16");
  binder->add("rating_gguf_weights", opts->rating_gguf_weights, "with a GGUF --llm-rating model: quantized | float (see build-labels --gguf-weights)");
  binder->add("rating_batch_tokens", opts->rating_batch_tokens, "with --llm-rating: padded tokens per LM batch (0 = automatic)");
  binder->add("allow_mismatch", opts->allow_mismatch,
              "corpus | rows | labels_file: accept inputs that differ from the run's training corpus (comma list)")
      ->delimiter(',');
  auto force = std::make_shared<bool>(false);
  sub.add_flag("--force", *force, "replace an existing evaluation in --out");
  const GlobalOptions* global = ctx.global;
  ctx.run = [opts, binder, force, global] {
    if (!resolve_options(*binder, *opts)) return 0;
    auto doc = eval::run_eval(*opts, global->device, *force);
    std::cout << eval::metrics_table(doc);
    std::cout << "wrote " << opts->out << "/metrics.json" << (opts->report ? " and report.html" : "") << std::endl;
    return 0;
  };
}

}  // namespace ntm::cli
