// `ntm vocab` (see ntm/data/vocab_build.h).
#include "ntm/data/vocab_build.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "ntm/data/words.h"
#include "ntm/error.h"
#include "ntm/util/hash.h"

namespace ntm {

void VocabBuildOptions::validate() const {
  if (corpus.empty()) usage_error("--corpus is required (a .tsv, .jsonl or .txt file)");
  if (out.empty()) usage_error("--out is required (the vocab.json to write)");
  if (size < 1) usage_error("--size must be at least 1, got ", size);
  validate_corpus_options(corpus_options());
}

VocabBuildReport build_vocab(const VocabBuildOptions& opts) {
  auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<Vocab> given;
  if (!opts.vocab.empty()) given = std::make_unique<Vocab>(Vocab::load(opts.vocab));

  auto reader = CorpusReader::open(opts.corpus, opts.corpus_options());
  WordCounter counter;
  // Distinct word ids of every document, to count empty-BoW documents once the vocabulary is known.
  std::vector<int32_t> doc_ids, ids;
  std::vector<int64_t> doc_ptr = {0};
  VocabBuildReport r;
  Document doc;
  while (reader->next(doc)) {
    if (is_blank_text(doc.text)) ++r.empty_texts;
    ids.clear();
    counter.add_text(doc.text, &ids);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    doc_ids.insert(doc_ids.end(), ids.begin(), ids.end());
    doc_ptr.push_back(static_cast<int64_t>(doc_ids.size()));
  }
  r.num_docs = counter.num_docs();
  r.kept_tokens = counter.num_tokens();
  r.distinct_words = static_cast<int64_t>(counter.num_distinct());
  r.skipped_rows = reader->skipped_rows();
  if (r.num_docs == 0) input_error(opts.corpus, ": the corpus has no documents");

  std::vector<char> in_vocab(counter.num_distinct(), 0);
  std::string source;
  if (given) {
    r.vocab = *given;
    int64_t unseen = 0;
    for (const auto& w : r.vocab.words()) {
      int64_t c = counter.count(w);
      r.counts.push_back(c);
      unseen += c == 0;
    }
    for (size_t id = 0; id < counter.num_distinct(); ++id)
      in_vocab[id] = r.vocab.find(counter.word(static_cast<int32_t>(id))) >= 0;
    if (unseen > 0) spdlog::warn("{}: {} of its {} words never occur in {}", opts.vocab, unseen, r.vocab.size(), opts.corpus);
    source = "given";
  } else {
    std::vector<int32_t> top = counter.most_frequent(static_cast<size_t>(opts.size));
    if (top.empty()) input_error(opts.corpus, ": no document has a word that passes the word filter; cannot build a vocabulary");
    if (static_cast<int64_t>(top.size()) < opts.size)
      spdlog::warn("{}: only {} distinct words pass the filter; the vocabulary has {} words, not {}", opts.corpus,
                   top.size(), top.size(), opts.size);
    std::vector<std::string> words;
    for (int32_t id : top) {
      words.push_back(counter.word(id));
      r.counts.push_back(counter.count(id));
      in_vocab[static_cast<size_t>(id)] = 1;
    }
    r.vocab = Vocab(std::move(words));
    source = "most_frequent";
  }
  for (size_t d = 0; d + 1 < doc_ptr.size(); ++d) {
    bool any = false;
    for (int64_t k = doc_ptr[d]; k < doc_ptr[d + 1] && !any; ++k) any = in_vocab[static_cast<size_t>(doc_ids[k])];
    r.empty_bow_docs += !any;
  }

  json extra = json::object();
  extra["counts"] = r.counts;
  extra["num_docs"] = r.num_docs;
  extra["empty_texts"] = r.empty_texts;
  extra["empty_bow_docs"] = r.empty_bow_docs;
  extra["kept_tokens"] = r.kept_tokens;
  extra["distinct_words"] = r.distinct_words;
  extra["requested_size"] = opts.size;
  extra["source"] = given ? json{{"given", opts.vocab}} : json(source);
  extra["corpus"] = {{"path", opts.corpus},
                     {"sha256", sha256_file(opts.corpus)},
                     {"format", reader->format()},
                     {"quoting", reader->quoting()},
                     {"text_column", opts.text_column},
                     {"label_column", opts.label_column},
                     {"skipped_rows", r.skipped_rows}};
  extra["preprocessing"] = {{"rules", kWordRulesVersion},
                            {"unicode", unicode_version()},
                            {"stop_words", "spaCy 3 English (326 entries)"}};
  extra["config"] = json(opts);
  r.vocab.save(opts.out, extra.dump());
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace ntm
