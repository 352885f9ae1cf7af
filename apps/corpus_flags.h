#pragma once
// The corpus flags shared by every command that reads a corpus (vocab, build-labels, eval): one
// definition of their names and help, bound to the CorpusOptions base of the command's options.
#include "cli.h"
#include "ntm/data/corpus.h"

namespace ntm::cli {

// --format, --text-column, --label-column, --quoting, --on-bad-row, --max-doc-bytes.
void add_corpus_flags(OptionBinder& binder, CorpusOptions& opts);

}  // namespace ntm::cli
