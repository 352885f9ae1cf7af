#pragma once
// Internal to build_labels.cpp: the chunk pipeline of `ntm build-labels`. Documents go through it
// chunk by chunk: read and tokenised into prompts (ChunkPreparer), run through the LM, written to
// the label store, each stage on its own thread.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ntm/data/bow.h"
#include "ntm/data/corpus.h"
#include "ntm/data/vocab.h"
#include "ntm/labels/build_labels.h"
#include "ntm/labels/label_store.h"
#include "ntm/labels/prompt.h"
#include "ntm/lm/context.h"
#include "ntm/lm/model.h"
#include "ntm/text/tokenizer.h"

namespace ntm::labels {

// One chunk's documents after tokenisation, ready for the LM.
struct Prepared {
  int64_t first_doc = 0;
  std::vector<std::vector<int64_t>> ids;  // prompt token ids per document
  std::vector<int64_t> labels;
  CsrBow bow;
  int64_t truncated = 0;
  int64_t tokens = 0;
};

// How long a prompt may be: --max-tokens and the model's context, the smaller applies.
struct PromptLimit {
  int64_t tokens = 0;  // 0 = unlimited
  lm::ContextLength context;

  PromptLimit(const BuildLabelsOptions& o, const lm::ContextLength& ctx) : tokens(o.max_tokens), context(ctx) {
    if (ctx.tokens > 0 && (tokens <= 0 || ctx.tokens < tokens)) tokens = ctx.tokens;
  }
  std::string describe() const {
    return context.tokens > 0 && tokens == context.tokens
               ? "the model's context of " + std::to_string(tokens) + " tokens (" + context.source + ")"
               : "--max-tokens " + std::to_string(tokens);
  }
};

// --on-long-prompt error: refuses the first document of [begin, end) whose prompt is longer than
// the model's context, before anything is written (one extra tokenisation pass).
void refuse_long_prompts(const BuildLabelsOptions& o, const text::Tokenizer& tok, const PromptTemplate& tmpl,
                         const PromptLimit& limit, int64_t begin, int64_t end);

class ChunkPreparer {
 public:
  ChunkPreparer(const BuildLabelsOptions& o, const Vocab& vocab, const text::Tokenizer& tok,
                const PromptTemplate& tmpl, const std::map<std::string, int64_t>& label_index,
                const PromptLimit& limit, int64_t shard_begin, int64_t lm_vocab)
      : o_(o), vocab_(vocab), tok_(tok), tmpl_(tmpl), label_index_(label_index), limit_(limit),
        shard_begin_(shard_begin), lm_vocab_(lm_vocab) {}

  // Tokenises the documents (rows first_doc.. of the shard) into prompts and builds their BoW and labels.
  Prepared prepare(std::vector<Document> docs, int64_t first_doc) const;

 private:
  // The prompt's token ids; a prompt longer than the limit has its document text cut (counted in truncated).
  std::vector<int32_t> encode(const std::string& text, int64_t& truncated) const;

  const BuildLabelsOptions& o_;
  const Vocab& vocab_;
  const text::Tokenizer& tok_;
  const PromptTemplate& tmpl_;
  const std::map<std::string, int64_t>& label_index_;
  const PromptLimit& limit_;
  const int64_t shard_begin_;
  const int64_t lm_vocab_;
};
// --shard i/n as corpus rows: a contiguous range of whole chunks, so shards merge into exactly the
// unsharded store.
// --shard i/n as corpus rows: a contiguous range of whole chunks, so shards merge into exactly the
// unsharded store.
struct ShardRange {
  int64_t index = 0, count = 1;  // i, n
  int64_t begin = 0, end = 0;    // corpus rows [begin, end)
};

// Runs the shard's rows from shard.begin + committed (the documents already in the store, which
// always end on a chunk boundary) to shard.end through the LM into `writer`, storing the hidden
// states of `layers`. Fills report's documents, tokens and truncated prompts; returns how many of
// this run's documents hold no vocabulary word. SIGINT/SIGTERM: Interrupted once the store is
// consistent (resumable). prefix: the prompt head's cached keys/values (CausalLM::prefix_cache), or
// null to run every prompt in full.
int64_t run_chunk_pipeline(const BuildLabelsOptions& o, const ShardRange& shard, int64_t committed,
                           const ChunkPreparer& preparer, const lm::CausalLM& model, const at::Tensor& word_ids,
                           const std::vector<int64_t>& layers, LabelStoreWriter& writer, BuildLabelsReport& report,
                           std::shared_ptr<const lm::PrefixCache> prefix);

}  // namespace ntm::labels
