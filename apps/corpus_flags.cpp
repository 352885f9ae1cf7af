#include "corpus_flags.h"

namespace ntm::cli {

void add_corpus_flags(OptionBinder& binder, CorpusOptions& opts) {
  binder.add("format", opts.format, "corpus format: auto (by extension: .tsv/.csv, .jsonl/.json, else txt) | tsv | jsonl | txt");
  binder.add("text_column", opts.text_column, "TSV column / JSONL key holding the text");
  binder.add("label_column", opts.label_column, "TSV column / JSONL key holding the gold label (\"\" = none)");
  binder.add("quoting", opts.quoting, "TSV quoting: auto | csv (pandas rules) | none ('\"' is data)");
  binder.add("on_bad_row", opts.on_bad_row, "error | skip (count and log) rows that cannot be read or are not UTF-8");
  binder.add("max_doc_bytes", opts.max_doc_bytes, "refuse a document longer than N bytes (default 64 MiB)");
}

}  // namespace ntm::cli
