#include "chunk_pipeline.h"

#include <memory>

#include <spdlog/spdlog.h>
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <optional>
#include <thread>

#include "ntm/data/words.h"
#include "ntm/error.h"
#include "ntm/util/signals.h"

namespace ntm::labels {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Test hooks, after each LM batch: NTM_FAULT_LM_BATCH_DELAY_MS=N sleeps N ms (returning early on a
// stop request), so that a test can signal a real build-labels process in the middle of a chunk;
// NTM_FAULT_SIGINT_AFTER_LM_BATCHES=N raises SIGINT in this process after the N-th LM batch, which
// goes through the real handler at a known point whatever the machine's load.
void fault_lm_batch_delay() {
  static const long ms = [] {
    const char* e = std::getenv("NTM_FAULT_LM_BATCH_DELAY_MS");
    return e ? std::strtol(e, nullptr, 10) : 0L;
  }();
  static const long sigint_after = [] {
    const char* e = std::getenv("NTM_FAULT_SIGINT_AFTER_LM_BATCHES");
    return e ? std::strtol(e, nullptr, 10) : 0L;
  }();
  static long batches = 0;
  if (sigint_after > 0 && ++batches == sigint_after) ::raise(SIGINT);
  for (long t = 0; t < ms && !stop_requested(); t += 5) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

// The chunk through the LM's batcher (CausalLM::run: length-sorted token-budget batches, results
// in chunk order). layers: indices into the LM's [L+1] hidden states stored as layer_hidden.
// Returns nothing when SIGINT/SIGTERM arrives between two LM batches (the chunk is abandoned).
std::optional<labels::Chunk> run_lm(const lm::CausalLM& model, const Prepared& p, const at::Tensor& word_ids,
                     const std::vector<int64_t>& layers, const BuildLabelsOptions& o,
                     const std::shared_ptr<const lm::PrefixCache>& prefix) {
  const int64_t n = static_cast<int64_t>(p.ids.size());
  const int64_t V = word_ids.size(0);
  const int64_t S = static_cast<int64_t>(layers.size());
  lm::ForwardOptions fo;
  fo.all_layers = S > 0;
  fo.layers = layers;
  fo.token_ids.assign(word_ids.data_ptr<int64_t>(), word_ids.data_ptr<int64_t>() + V);  // soft labels only
  fo.argmax = true;                                                                    // next_token
  fo.prefix = prefix;
  if (stop_requested()) return std::nullopt;
  fo.after_batch = [] {  // between two LM batches: the test hook's delay, then a stop request ends the chunk
    fault_lm_batch_delay();
    return !stop_requested();
  };
  lm::ForwardResult r = model.run(p.ids, fo, o.batch_tokens);
  if (r.stopped) return std::nullopt;
  at::Tensor soft = r.last_logits;   // [n, V]
  at::Tensor hidden = r.last_hidden;  // [n, H]
  at::Tensor next = r.argmax;        // [n]
  at::Tensor layer_hidden = S ? r.all_layers_last_hidden.permute({1, 0, 2}).contiguous() : at::Tensor();  // [n, S, H]
  labels::Chunk c;
  c.soft_labels = soft;
  c.hidden = o.hidden_dtype == "bfloat16" ? hidden.to(torch::kBFloat16) : hidden;
  if (S > 0) c.layer_hidden = o.hidden_dtype == "bfloat16" ? layer_hidden.to(torch::kBFloat16) : layer_hidden;
  c.bow_indptr = torch::tensor(p.bow.indptr, torch::kLong);
  c.bow_indices = torch::tensor(p.bow.indices, torch::kInt);
  c.bow_counts = torch::tensor(p.bow.counts, torch::kFloat);
  c.labels = torch::tensor(p.labels, torch::kLong);
  c.doc_index = torch::arange(p.first_doc, p.first_doc + n, torch::kLong);
  std::vector<int32_t> lens;
  for (const auto& s : p.ids) lens.push_back(static_cast<int32_t>(s.size()));
  c.prompt_tokens = torch::tensor(lens, torch::kInt);
  c.next_token = next;
  return c;
}

class Progress {
 public:
  Progress(int64_t total, int64_t done) : total_(total), done_(done), start_done_(done), tty_(::isatty(2)) {}
  void update(int64_t docs, int64_t tokens) {
    done_ += docs;
    tokens_ += tokens;
    double s = seconds_since(start_);
    double rate = s > 0 ? (done_ - start_done_) / s : 0;
    double eta = rate > 0 ? (total_ - done_) / rate : 0;
    if (tty_) {
      int width = 30, filled = total_ ? static_cast<int>(width * done_ / total_) : width;
      std::fprintf(stderr, "\r[%s%s] %lld/%lld docs  %.1f docs/s  %.0f tok/s  ETA %.0fs ",
                   std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(),
                   static_cast<long long>(done_), static_cast<long long>(total_), rate, s > 0 ? tokens_ / s : 0, eta);
      if (done_ >= total_) std::fprintf(stderr, "\n");
    } else {
      spdlog::info("build-labels: {}/{} docs, {:.1f} docs/s, {:.0f} tokens/s, ETA {:.0f} s", done_, total_, rate,
                   s > 0 ? tokens_ / s : 0, eta);
    }
  }

 private:
  int64_t total_, done_, start_done_, tokens_ = 0;
  bool tty_;
  Clock::time_point start_ = Clock::now();
};

// Fault injection for tests: NTM_FAULT_KILL_AFTER_CHUNKS=N raises NTM_FAULT_KILL_SIGNAL (default 9,
// e.g. 15 to test the SIGTERM handler) once N chunks of this run are committed.
struct KillAfterChunks {
  int64_t after = 0, done = 0;
  int signal = SIGKILL;
  KillAfterChunks() {
    const char* kill_env = std::getenv("NTM_FAULT_KILL_AFTER_CHUNKS");
    after = kill_env ? std::atoll(kill_env) : 0;
    const char* sig_env = std::getenv("NTM_FAULT_KILL_SIGNAL");
    signal = sig_env ? std::atoi(sig_env) : SIGKILL;
  }
  void chunk_committed() {
    if (after > 0 && ++done == after) ::raise(signal);
  }
};

// Runs the shard's remaining documents chunk by chunk. The next chunk is read, tokenised and
// bag-of-worded while the LM runs the current one; the finished chunk is written (serialised,
// hashed, committed) on another thread while the LM runs the next one; at most one chunk is in
// flight. Counters and the fault hook move on only once a chunk is committed.
class ChunkPipeline {
 public:
  // Documents are stored relative to the shard (doc_index 0 = corpus row shard.begin); a resumed
  // run continues after the `committed` documents, which always end on a chunk boundary.
  ChunkPipeline(const BuildLabelsOptions& o, const ShardRange& shard, int64_t committed, const ChunkPreparer& preparer,
                const lm::CausalLM& model, const at::Tensor& word_ids, const std::vector<int64_t>& layers,
                labels::LabelStoreWriter& writer, std::shared_ptr<const lm::PrefixCache> prefix)
      : o_(o), shard_(shard), committed_(committed), start_(shard.begin + committed), preparer_(preparer),
        model_(model), word_ids_(word_ids), layers_(layers), writer_(writer), prefix_(std::move(prefix)),
        reader_(CorpusReader::open(o.corpus, static_cast<const CorpusOptions&>(o))) {
    int64_t row = 0;
    while (row < start_ && reader_->next(doc_)) ++row;
    truncated_total_ = labels::truncated_docs(writer.meta(), o.out);  // of earlier runs (--resume)
  }

  // Fills report's documents, tokens and truncated prompts; returns how many documents of this run
  // hold no vocabulary word.
  int64_t run(BuildLabelsReport& report) {
    Progress progress(shard_.end - shard_.begin, committed_);
    progress_ = &progress;
    int64_t pos = start_, empty_bow = 0;
    if (pos < shard_.end) launch(pos);
    while (pos < shard_.end) {
      Prepared p = next_.get();
      const int64_t n = static_cast<int64_t>(p.ids.size());
      for (int64_t d = 0; d < n; ++d) empty_bow += p.bow.indptr[d + 1] == p.bow.indptr[d] ? 1 : 0;
      pos += n;
      if (pos < shard_.end) launch(pos);
      std::optional<labels::Chunk> c = run_lm(model_, p, word_ids_, layers_, o_, prefix_);
      commit_pending(report);
      if (!c) stop_now(report);
      report.truncated += p.truncated;
      truncated_total_ += p.truncated;
      if (p.truncated > 0) writer_.set_extra("truncated_docs", truncated_total_);  // saved with the next chunk
      pending_docs_ = n;
      pending_tokens_ = p.tokens;
      writing_ = std::async(std::launch::async, [this, c = std::move(*c)] { writer_.append(c); });
      if (stop_requested()) stop_now(report);
    }
    commit_pending(report);
    progress_ = nullptr;
    return empty_bow;
  }

 private:
  std::vector<Document> read_chunk(int64_t first) {
    std::vector<Document> docs;
    const int64_t n = std::min(o_.chunk_size, shard_.end - first);
    docs.reserve(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      if (!reader_->next(doc_)) input_error(o_.corpus, ": ended after ", first + i, " documents; it changed since pass 1?");
      docs.push_back(std::move(doc_));
    }
    return docs;
  }

  // Prepares the chunk starting at corpus row `first` on another thread.
  void launch(int64_t first) {
    next_ = std::async(std::launch::async, [this, first, docs = read_chunk(first)]() mutable {
      return preparer_.prepare(std::move(docs), first - shard_.begin);
    });
  }

  // Waits for the chunk being written (rethrowing a failed write: disk full, ...) and counts it.
  void commit_pending(BuildLabelsReport& report) {
    if (!writing_.valid()) return;
    writing_.get();
    kill_.chunk_committed();
    report.num_docs += pending_docs_;
    report.tokens += pending_tokens_;
    progress_->update(pending_docs_, pending_tokens_);
  }

  // SIGINT/SIGTERM: stop at once (between LM batches), or once the chunk being written is
  // committed; the store stays resumable and the exit status is 128 + signal.
  void stop_now(BuildLabelsReport& report) {
    commit_pending(report);
    if (next_.valid()) next_.wait();
    throw_if_stop_requested("build-labels '" + o_.out + "' after " + std::to_string(committed_ + report.num_docs) +
                            " documents");
  }

  const BuildLabelsOptions& o_;
  const ShardRange& shard_;
  const int64_t committed_, start_;
  const ChunkPreparer& preparer_;
  const lm::CausalLM& model_;
  const at::Tensor& word_ids_;
  const std::vector<int64_t>& layers_;
  labels::LabelStoreWriter& writer_;
  std::shared_ptr<const lm::PrefixCache> prefix_;  // the prompt head's keys/values (null: every prompt in full)
  std::unique_ptr<CorpusReader> reader_;
  Document doc_;
  int64_t truncated_total_ = 0;
  KillAfterChunks kill_;
  Progress* progress_ = nullptr;
  std::future<Prepared> next_;
  std::future<void> writing_;
  int64_t pending_docs_ = 0, pending_tokens_ = 0;
};

}  // namespace

void refuse_long_prompts(const BuildLabelsOptions& o, const text::Tokenizer& tok, const PromptTemplate& tmpl,
                         const PromptLimit& limit, int64_t begin, int64_t end) {
  if (o.on_long_prompt != "error" || limit.context.tokens <= 0) return;
  auto reader = CorpusReader::open(o.corpus, static_cast<const CorpusOptions&>(o));
  Document d;
  for (int64_t row = 0; row < end && reader->next(d); ++row) {
    if (row < begin) continue;
    const size_t n = tok.encode(render_prompt(tmpl, d.text), /*add_special_tokens=*/true).size();
    if (static_cast<int64_t>(n) > limit.context.tokens)
      input_error(o.corpus, ": document ", row + 1, ": its prompt has ", n, " tokens, more than the model's context of ",
                  limit.context.tokens, " (", limit.context.source, "); shorten the document, or use "
                  "--on-long-prompt truncate to cut its text (the instruction and \"Topic:\" are kept)");
  }
}

Prepared ChunkPreparer::prepare(std::vector<Document> docs, int64_t first_doc) const {
  Prepared p;
  p.first_doc = first_doc;
  BowBuilder bow(vocab_);
  for (const auto& d : docs) {
    bow.add_words(extract_words(d.text));
    auto it = label_index_.find(d.label);
    p.labels.push_back(d.has_label && it != label_index_.end() ? it->second : -1);
    const int64_t doc_number = shard_begin_ + first_doc + static_cast<int64_t>(p.ids.size()) + 1;
    std::vector<int32_t> ids = encode(d.text, p.truncated);
    for (int32_t id : ids)  // the tokenizer's special or added tokens may lie beyond the LM's embedding
      if (id < 0 || id >= lm_vocab_)
        input_error(o_.model, ": the tokenizer gives token id ", id, " for document ", doc_number,
                    ", outside the LM's vocabulary of ", lm_vocab_, " (config.json vocab_size); the tokenizer "
                    "files do not match the checkpoint");
    p.tokens += static_cast<int64_t>(ids.size());
    p.ids.emplace_back(ids.begin(), ids.end());
  }
  p.bow = bow.finish();
  return p;
}

std::vector<int32_t> ChunkPreparer::encode(const std::string& text, int64_t& truncated) const {
  std::vector<int32_t> ids = tok_.encode(render_prompt(tmpl_, text), /*add_special_tokens=*/true);
  if (ids.empty()) input_error("the tokenizer produced no tokens for a prompt; check the checkpoint's tokenizer");
  const int64_t max = limit_.tokens;
  if (max <= 0 || static_cast<int64_t>(ids.size()) <= max) return ids;
  // Keep the instruction and the "Topic:" suffix: shorten the document to the longest
  // prefix (on a UTF-8 boundary) whose prompt fits, by binary search on its byte length.
  ++truncated;
  size_t lo = 0, hi = text.size();
  std::vector<int32_t> best = tok_.encode(render_prompt(tmpl_, ""), true);
  if (static_cast<int64_t>(best.size()) > max)
    usage_error(limit_.describe(), " is smaller than the prompt without a document (", best.size(), " tokens)");
  while (lo < hi) {
    size_t mid = (lo + hi + 1) / 2;
    while (mid > lo && (static_cast<unsigned char>(text[mid]) & 0xC0) == 0x80) --mid;  // code-point start
    if (mid == lo) break;
    auto cand = tok_.encode(render_prompt(tmpl_, std::string_view(text).substr(0, mid)), true);
    if (static_cast<int64_t>(cand.size()) <= max) {
      lo = mid;
      best = std::move(cand);
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

int64_t run_chunk_pipeline(const BuildLabelsOptions& o, const ShardRange& shard, int64_t committed,
                           const ChunkPreparer& preparer, const lm::CausalLM& model, const at::Tensor& word_ids,
                           const std::vector<int64_t>& layers, LabelStoreWriter& writer, BuildLabelsReport& report,
                           std::shared_ptr<const lm::PrefixCache> prefix) {
  ChunkPipeline pipeline(o, shard, committed, preparer, model, word_ids, layers, writer, std::move(prefix));
  return pipeline.run(report);
}

}  // namespace ntm::labels
