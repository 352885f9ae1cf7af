// ntm vocab: build the topic vocabulary of a corpus (see ntm/data/vocab_build.h).
#include <iostream>
#include <memory>

#include "commands.h"
#include "corpus_flags.h"
#include "ntm/data/vocab_build.h"
#include "ntm/util/output.h"

namespace ntm::cli {

void setup_vocab(CLI::App& sub, CommandContext& ctx) {
  auto opts = std::make_shared<VocabBuildOptions>();
  auto binder = std::make_shared<OptionBinder>(&sub);
  binder->add("corpus", opts->corpus, "corpus file: .tsv (header row), .jsonl or .txt (one document per line)");
  binder->add("size", opts->size, "number of most frequent words to keep");
  binder->add("out", opts->out, "vocab.json to write");
  add_corpus_flags(*binder, *opts);
  binder->add("vocab", opts->vocab, "adopt this word list (JSON array or ntm vocab.json) instead of building one");
  auto force = std::make_shared<bool>(false);
  sub.add_flag("--force", *force, "replace an existing --out file that is not a vocabulary written by ntm");
  ctx.run = [opts, binder, force] {
    if (!resolve_options(*binder, *opts)) return 0;
    check_output_file(opts->out, "ntm-vocab", {{"--corpus", opts->corpus}, {"--vocab", opts->vocab}}, *force);
    VocabBuildReport r = build_vocab(*opts);
    std::cout << opts->out << ": " << r.vocab.size() << " words, hash " << r.vocab.hash() << "\n"
              << "  documents " << r.num_docs << " (empty texts " << r.empty_texts << ", without vocabulary words "
              << r.empty_bow_docs << ", skipped rows " << r.skipped_rows << ")\n"
              << "  kept words " << r.kept_tokens << " (" << r.distinct_words << " distinct), "
              << r.seconds << " s\n";
    std::cout << "  top words:";
    for (size_t i = 0; i < std::min<size_t>(10, r.vocab.size()); ++i)
      std::cout << " " << r.vocab.word(i) << " (" << r.counts[i] << ")";
    std::cout << std::endl;
    return 0;
  };
}

}  // namespace ntm::cli
