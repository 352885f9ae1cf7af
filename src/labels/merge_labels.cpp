#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>

#include "ntm/error.h"
#include "ntm/labels/build_labels.h"
#include "ntm/labels/label_store.h"
#include "ntm/util/artifact.h"
#include "store_meta.h"

namespace ntm {

void MergeLabelsOptions::validate() const {
  if (out.empty()) usage_error("--out is required (the merged label store directory)");
}

void merge_label_stores(const std::vector<std::string>& shards, const std::string& out) {
  using nlohmann::json;
  if (shards.empty()) usage_error("merge-labels: give the shard directories to merge");
  std::vector<std::unique_ptr<labels::LabelStoreReader>> readers;
  for (const auto& dir : shards) readers.push_back(std::make_unique<labels::LabelStoreReader>(dir));
  auto shard_of = [](const labels::LabelStoreReader& r) -> json {
    const json& e = r.meta().extra;
    if (!e.contains("shard")) input_error(r.dir(), ": not written by `ntm build-labels --shard` (no shard record in meta.json)");
    return e["shard"];
  };
  std::sort(readers.begin(), readers.end(), [&](const std::unique_ptr<labels::LabelStoreReader>& a,
                                             const std::unique_ptr<labels::LabelStoreReader>& b) {
    return shard_of(*a)["first_doc"].get<int64_t>() < shard_of(*b)["first_doc"].get<int64_t>();
  });
  const labels::StoreMeta& m0 = readers.front()->meta();
  const int64_t count = shard_of(*readers.front())["count"].get<int64_t>();
  if (static_cast<int64_t>(readers.size()) != count)
    input_error("merge-labels: the shards were built with --shard i/", count, " but ", readers.size(),
                " director", readers.size() == 1 ? "y was" : "ies were", " given; pass all ", count);
  int64_t expect_first = 0;
  for (size_t i = 0; i < readers.size(); ++i) {
    const auto& r = *readers[i];
    const auto& m = r.meta();
    json s = shard_of(r);
    auto differs = [&](const std::string& what, const json& a, const json& b) {
      if (a != b)
        input_error("merge-labels: ", r.dir(), " and ", readers.front()->dir(), " differ in ", what,
                    "; all shards must come from one build-labels configuration");
    };
    // The LM, prompt and corpus by content (sha256), not by the path each shard was given.
    auto differs_in = [&](const std::string& what, const std::string& key) {
      if (key.empty()) return;
      input_error("merge-labels: ", r.dir(), " and ", readers.front()->dir(), " differ in the ", what, " (", key,
                  "); all shards must come from one build-labels configuration");
    };
    differs("vocabulary", m.vocab_hash, m0.vocab_hash);
    differs_in("LM", identity_difference(m.lm, m0.lm));
    differs_in("prompt", first_difference(labels::prompt_identity(m.prompt), labels::prompt_identity(m0.prompt)));
    differs_in("corpus", identity_difference(m.corpus, m0.corpus));
    differs("label names", m.label_names, m0.label_names);
    differs("hidden dtype", m.hidden_dtype, m0.hidden_dtype);
    differs("stored layers (--layers)", m.layers, m0.layers);
    differs("shard count", s["count"], count);
    differs("chunk size", m.extra.value("chunk_size", json()), m0.extra.value("chunk_size", json()));
    // The LM word embeddings depend only on the LM and the vocabulary: every shard holds the same file.
    auto we_sha = [](const labels::StoreMeta& x) { return x.word_embeddings.is_null() ? json() : x.word_embeddings["sha256"]; };
    differs("word embeddings (word_embeddings.safetensors sha256)", we_sha(m), we_sha(m0));
    if (s["first_doc"].get<int64_t>() != expect_first)
      input_error("merge-labels: ", r.dir(), " starts at corpus row ", s["first_doc"], " but row ", expect_first,
                  " was expected next (a shard is missing or given twice)");
    if (s["end_doc"].get<int64_t>() - s["first_doc"].get<int64_t>() != m.num_docs)
      input_error("merge-labels: ", r.dir(), " is incomplete; finish it with `ntm build-labels --resume --shard ",
                  s["index"], "/", count, "`");
    expect_first = s["end_doc"].get<int64_t>();
  }
  const int64_t total = m0.corpus.value("num_docs", expect_first);
  if (expect_first != total)
    input_error("merge-labels: the shards cover rows 0..", expect_first - 1, " of ", total, "; a shard is missing");

  labels::StoreMeta meta = m0;
  meta.extra["shard"] = {{"index", 0}, {"count", 1}, {"first_doc", 0}, {"end_doc", total}};
  meta.extra["merged_from"] = shards;
  int64_t truncated = 0;  // build-labels' count of truncated prompts, summed over the shards
  for (const auto& r : readers) truncated += labels::truncated_docs(r->meta(), r->dir());
  meta.extra["truncated_docs"] = truncated;
  meta.word_embeddings = nullptr;  // rewritten (and re-listed) from the first shard below
  labels::LabelStoreWriter writer(out, meta);
  if (readers.front()->has_word_embeddings())
    writer.set_word_embeddings(readers.front()->read_word_embeddings(), m0.word_embeddings.value("source", json()));
  for (const auto& r : readers) {
    const int64_t offset = shard_of(*r)["first_doc"].get<int64_t>();
    for (size_t i = 0; i < r->num_chunks(); ++i) {
      labels::Chunk c = r->read_chunk(i);
      c.doc_index = c.doc_index + offset;
      writer.append(c);
    }
  }
  writer.finish();
  spdlog::info("merge-labels: {} documents from {} shards -> {}", total, readers.size(), out);
}

}  // namespace ntm
