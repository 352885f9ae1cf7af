#include "ntm/labels/build_labels.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <map>
#include <numeric>
#include <optional>
#include <thread>

#include "ntm/data/bow.h"
#include "ntm/data/corpus.h"
#include "ntm/data/vocab.h"
#include "ntm/data/vocab_build.h"
#include "ntm/data/words.h"
#include "ntm/error.h"
#include "ntm/labels/label_store.h"
#include "ntm/labels/prompt.h"
#include "ntm/labels/word_embeddings.h"
#include "ntm/lm/context.h"
#include "ntm/lm/model.h"
#include "ntm/text/tokenizer.h"
#include "ntm/text/word_tokens.h"
#include "ntm/util/device.h"
#include "ntm/util/fs.h"
#include "ntm/util/signals.h"
#include "ntm/util/hash.h"
#include "ntm/version.h"

namespace ntm {
namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

std::string trim_ascii(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\n\r"), b = s.find_last_not_of(" \t\n\r");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// "i/n" -> (i, n)
std::pair<int64_t, int64_t> parse_shard(const std::string& s) {
  if (s.empty()) return {0, 1};
  size_t slash = s.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    size_t a = 0, b = 0;
    int64_t i = std::stoll(s.substr(0, slash), &a), n = std::stoll(s.substr(slash + 1), &b);
    if (a != slash || b != s.size() - slash - 1 || n < 1 || i < 0 || i >= n) throw std::invalid_argument("range");
    return {i, n};
  } catch (const std::exception&) {
    usage_error("--shard '", s, "': expected i/n with 0 <= i < n (e.g. --shard 0/4)");
  }
}

// --layers: "last" -> {} (only `hidden`), "all" -> 0..L, "a,b,c" -> those indices (negative
// counts from the end: -1 = L, the last layer after the final norm). num_layers < 0: syntax only.
std::vector<int64_t> parse_layers(const std::string& spec, int64_t num_layers) {
  if (spec == "last") return {};
  std::vector<int64_t> out;
  if (spec == "all") {
    for (int64_t l = 0; l <= num_layers; ++l) out.push_back(l);
    return out;
  }
  size_t pos = 0;
  while (pos <= spec.size()) {
    size_t comma = spec.find(',', pos);
    std::string item = spec.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    int64_t v = 0;
    try {
      size_t used = 0;
      v = std::stoll(item, &used);
      if (used != item.size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      usage_error("--layers '", spec, "': '", item, "' is not a layer index; use last, all or a comma-separated list "
                  "such as 0,8,16 or -1 (0 = embeddings, -1 = last layer)");
    }
    if (num_layers >= 0) {
      if (v < -(num_layers + 1) || v > num_layers)
        usage_error("--layers '", spec, "': layer ", v, " does not exist; the model has ", num_layers,
                    " layers (valid: 0..", num_layers, " or -1..-", num_layers + 1, ")");
      if (v < 0) v += num_layers + 1;
      if (std::find(out.begin(), out.end(), v) != out.end())
        usage_error("--layers '", spec, "': layer ", v, " is listed twice");
    }
    out.push_back(v);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

// Label names in a shard-independent order: numeric when every label is an integer, else sorted.
std::vector<std::string> order_labels(const std::map<std::string, int64_t>& seen) {
  std::vector<std::string> names;
  bool numeric = true;
  for (const auto& [name, count] : seen) {
    names.push_back(name);
    char* end = nullptr;
    std::strtoll(name.c_str(), &end, 10);
    if (name.empty() || *end != '\0') numeric = false;
  }
  if (numeric)
    std::sort(names.begin(), names.end(),
              [](const std::string& a, const std::string& b) { return std::stoll(a) < std::stoll(b); });
  return names;
}

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

class ChunkPreparer {
 public:
  ChunkPreparer(const BuildLabelsOptions& o, const Vocab& vocab, const text::Tokenizer& tok,
                const PromptTemplate& tmpl, const std::map<std::string, int64_t>& label_index,
                const PromptLimit& limit, int64_t shard_begin, int64_t lm_vocab)
      : o_(o), vocab_(vocab), tok_(tok), tmpl_(tmpl), label_index_(label_index), limit_(limit),
        shard_begin_(shard_begin), lm_vocab_(lm_vocab) {}

  Prepared prepare(std::vector<Document> docs, int64_t first_doc) const {
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

 private:
  std::vector<int32_t> encode(const std::string& text, int64_t& truncated) const {
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

  const BuildLabelsOptions& o_;
  const Vocab& vocab_;
  const text::Tokenizer& tok_;
  const PromptTemplate& tmpl_;
  const std::map<std::string, int64_t>& label_index_;
  const PromptLimit& limit_;
  const int64_t shard_begin_;
  const int64_t lm_vocab_;
};

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

// Most documents without a vocabulary word: BoW models drop them, and the soft labels cover
// words the corpus hardly uses. Usually a --vocab built from another corpus.
void warn_if_vocab_fits_badly(const BuildLabelsOptions& o, int64_t empty_bow, int64_t docs) {
  if (docs == 0 || empty_bow * 2 <= docs) return;
  spdlog::warn("build-labels: {} of {} documents hold no word of the vocabulary{} (empty BoW; BoW models drop them): "
               "{}", empty_bow, docs, o.vocab.empty() ? "" : " " + o.vocab,
               o.vocab.empty() ? "raise --vocab-size" : "build the vocabulary from this corpus (ntm vocab --corpus " + o.corpus + ")");
}

// The chunk through the LM's batcher (CausalLM::run: length-sorted token-budget batches, results
// in chunk order). layers: indices into the LM's [L+1] hidden states stored as layer_hidden.
// Returns nothing when SIGINT/SIGTERM arrives between two LM batches (the chunk is abandoned).
std::optional<labels::Chunk> run_lm(const lm::CausalLM& model, const Prepared& p, const at::Tensor& word_ids,
                     const std::vector<int64_t>& layers, const BuildLabelsOptions& o) {
  const int64_t n = static_cast<int64_t>(p.ids.size());
  const int64_t V = word_ids.size(0);
  const int64_t S = static_cast<int64_t>(layers.size());
  lm::ForwardOptions fo;
  fo.all_layers = S > 0;
  fo.layers = layers;
  fo.token_ids.assign(word_ids.data_ptr<int64_t>(), word_ids.data_ptr<int64_t>() + V);  // soft labels only
  fo.argmax = true;                                                                    // next_token
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

json file_identity(const std::string& path) {
  return path_exists(path) ? json{{"file", path}, {"sha256", sha256_file(path)}} : json(nullptr);
}

// The LM by content, not by where it lies (`tiny-lm`, `tiny-lm/` and an absolute path are one LM):
// the sha256 of its config, tokenizer and weight files, and one sha256 over them all.
json lm_content_identity(const std::string& model) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::error_code ec;
  if (fs::is_directory(model, ec)) {
    for (const auto& e : fs::directory_iterator(model, ec)) {
      const std::string name = e.path().filename().string();
      const std::string ext = e.path().extension().string();
      if (e.is_regular_file(ec) && (name == "config.json" || name == "tokenizer.json" || name == "tokenizer.model" ||
                                    name == "tokenizer_config.json" || name == "model.safetensors.index.json" ||
                                    ext == ".safetensors" || ext == ".gguf"))
        files.push_back(name);
    }
  } else {
    files.push_back("");
  }
  std::sort(files.begin(), files.end());
  json list = json::array();
  std::string all;
  for (const auto& f : files) {
    const std::string sha = sha256_file(f.empty() ? model : path_join(model, f));
    list.push_back({{"file", f.empty() ? fs::path(model).filename().string() : f}, {"sha256", sha}});
    all += f + " " + sha + "\n";
  }
  return {{"files", list}, {"sha256", sha256_hex(all)}};
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

}  // namespace

void BuildLabelsOptions::validate() const {
  if (corpus.empty()) usage_error("--corpus is required");
  if (model.empty()) usage_error("--model is required (a Hugging Face checkpoint folder or a .gguf file)");
  if (out.empty()) usage_error("--out is required");
  if (vocab.empty() && vocab_size <= 0) usage_error("--vocab-size must be > 0 (got ", vocab_size, ")");
  if (batch_tokens <= 0) usage_error("--batch-tokens must be > 0 (got ", batch_tokens, ")");
  if (max_tokens < 0) usage_error("--max-tokens must be >= 0 (got ", max_tokens, ")");
  if (on_long_prompt != "truncate" && on_long_prompt != "error")
    usage_error("--on-long-prompt must be truncate or error (got '", on_long_prompt, "')");
  if (chunk_size <= 0) usage_error("--chunk-size must be > 0 (got ", chunk_size, ")");
  validate_corpus_options(*this);
  if (hidden_dtype != "float32" && hidden_dtype != "bfloat16")
    usage_error("--hidden-dtype must be float32 or bfloat16 (got '", hidden_dtype, "')");
  parse_layers(layers, -1);
  parse_shard(shard);
}

BuildLabelsReport build_labels(const BuildLabelsOptions& o, const std::string& device_spec) {
  const auto t0 = Clock::now();
  o.validate();
  const bool gguf_model = lm::is_gguf_model(o.model);
  if (!gguf_model && !is_directory(o.model))
    input_error("--model ", o.model, ": not a directory or a .gguf file (expected a Hugging Face checkpoint folder)");
  if (!gguf_model && !path_exists(path_join(o.model, "config.json")))
    input_error("--model ", o.model, ": no config.json in the folder (expected a Hugging Face checkpoint: config.json, "
                "model.safetensors or model.safetensors.index.json, tokenizer.json or tokenizer.model)");
  const auto [shard_i, shard_n] = parse_shard(o.shard);

  // Pass 1: count documents and collect label names (cheap next to the LM).
  std::map<std::string, int64_t> label_counts;
  int64_t num_docs = 0;
  bool has_labels = false;
  {
    auto reader = CorpusReader::open(o.corpus, static_cast<const CorpusOptions&>(o));
    has_labels = reader->has_labels();
    Document d;
    while (reader->next(d)) {
      ++num_docs;
      if (d.has_label) ++label_counts[d.label];
    }
  }
  if (num_docs == 0) input_error(o.corpus, ": the corpus holds no documents");
  std::vector<std::string> label_names = order_labels(label_counts);
  std::map<std::string, int64_t> label_index;
  for (size_t i = 0; i < label_names.size(); ++i) label_index[label_names[i]] = static_cast<int64_t>(i);

  // Vocabulary.
  Vocab vocab;
  if (!o.vocab.empty()) {
    vocab = Vocab::load(o.vocab);
  } else {
    VocabBuildOptions vo;
    static_cast<CorpusOptions&>(vo) = o;
    vo.corpus = o.corpus;
    vo.size = o.vocab_size;
    // build_vocab writes a vocab.json; keep it out of --out until the store exists (saved there below).
    vo.out = (std::filesystem::temp_directory_path() / ("ntm-vocab-" + std::to_string(::getpid()) + ".json")).string();
    vocab = build_vocab(vo).vocab;
    std::remove(vo.out.c_str());
    spdlog::info("build-labels: built a vocabulary of {} words from {}", vocab.size(), o.corpus);
  }

  // Tokenizer, word -> token mapping, prompt.
  auto tok = text::load_tokenizer(o.model);
  text::WordTokens wt = text::map_words_to_tokens(*tok, vocab.words());
  PromptTemplate tmpl = load_prompt_template(o.prompt);

  // The LM.
  lm::LoadOptions lo;
  lo.dtype = o.dtype;
  lo.device = resolve_device(device_spec);
  auto model = lm::CausalLM::load(o.model, lo);
  const PromptLimit limit(o, lm::context_length(model->config(), tok->model_max_length()));
  const int64_t V_lm = model->config().vocab_size;
  for (size_t i = 0; i < wt.token_ids.size(); ++i)
    if (wt.token_ids[i] < 0 || wt.token_ids[i] >= V_lm)
      input_error("vocabulary word '", vocab.word(i), "' maps to token ", wt.token_ids[i], ", outside the LM's vocabulary (",
                  V_lm, "); the tokenizer does not match the checkpoint");
  // A word the tokenizer cannot represent (characters dropped or mapped to <unk>) would silently
  // take another token's logit: refuse it, naming the word.
  for (size_t i = 0; i < vocab.size(); ++i) {
    const std::string& w = vocab.word(i);
    std::string back = tok->decode(tok->encode(" " + w, false), /*skip_special_tokens=*/false);
    if (trim_ascii(back) != w)
      input_error("vocabulary word '", w, "' (index ", i, ") cannot be encoded by the tokenizer of ", o.model,
                  " (\" " + w + "\" decodes back as \"", back, "\"); remove it from the vocabulary or use a "
                  "checkpoint whose tokenizer covers it");
  }
  std::vector<int64_t> word_ids64(wt.token_ids.begin(), wt.token_ids.end());
  at::Tensor word_ids = torch::tensor(word_ids64, torch::kLong);  // [V]

  // Shard: a contiguous range of whole chunks, so shards merge into exactly the unsharded store.
  const int64_t num_chunks = (num_docs + o.chunk_size - 1) / o.chunk_size;
  const int64_t first_chunk = num_chunks * shard_i / shard_n, end_chunk = num_chunks * (shard_i + 1) / shard_n;
  const int64_t shard_begin = std::min(num_docs, first_chunk * o.chunk_size);
  const int64_t shard_end = std::min(num_docs, end_chunk * o.chunk_size);
  if (shard_begin >= shard_end)
    usage_error("--shard ", o.shard, ": this shard is empty (", num_docs, " documents in ", num_chunks,
                " chunks of --chunk-size ", o.chunk_size, "); use fewer shards or a smaller --chunk-size");

  refuse_long_prompts(o, *tok, tmpl, limit, shard_begin, shard_end);

  labels::StoreMeta meta;
  meta.vocab = vocab.words();
  meta.vocab_hash = vocab.hash();
  meta.label_names = label_names;
  meta.hidden_size = model->config().hidden_size;
  meta.hidden_dtype = o.hidden_dtype;
  meta.layers = parse_layers(o.layers, model->config().num_layers);
  json weights = json::array();
  meta.lm = {{"path", o.model},
             {"model_type", model->config().model_type},
             {"config", file_identity(gguf_model ? o.model : path_join(o.model, "config.json"))},
             {"dtype", c10::toString(model->dtype())},
             {"vocab_size", V_lm},
             {"hidden_size", model->config().hidden_size},
             {"num_layers", model->config().num_layers}};
  const json content = lm_content_identity(o.model);
  meta.lm["files"] = content["files"];
  meta.lm["sha256"] = content["sha256"];
  meta.prompt = {{"template", tmpl.name},
                 {"instruction", tmpl.instruction},
                 {"text", tmpl.text},
                 {"sha256", sha256_hex(tmpl.text + "\n" + tmpl.instruction)},
                 {"tokenizer", tok->source()},
                 {"tokenizer_kind", tok->kind()},
                 {"max_tokens", o.max_tokens},
                 {"context_length", limit.context.tokens},
                 {"prompt_limit", limit.tokens}};
  meta.corpus = {{"path", o.corpus},
                 {"sha256", sha256_file(o.corpus)},
                 {"num_docs", num_docs},
                 {"text_column", o.text_column},
                 {"label_column", has_labels ? o.label_column : ""}};
  meta.extra = {{"shard", {{"index", shard_i}, {"count", shard_n}, {"first_doc", shard_begin}, {"end_doc", shard_end}}},
                {"chunk_size", o.chunk_size},
                {"truncated_docs", 0},
                {"word_tokens", word_ids64},
                {"word_token_report", text::to_json(wt.report)}};
  meta.config = json(o);

  labels::LabelStoreWriter writer(o.out, meta, o.resume);
  labels::store_lm_word_embeddings(writer, o.model, *tok, vocab.words(), wt.report);  // ETM/ECRTM word init
  write_file_atomic(path_join(o.out, "word_tokens.json"),
                    json{{"words", vocab.words()}, {"token_ids", word_ids64}, {"report", text::to_json(wt.report)}}.dump(1) + "\n");
  if (o.vocab.empty()) vocab.save(path_join(o.out, "vocab.json"));

  // Documents are stored relative to the shard (doc_index 0 = corpus row shard_begin); resume
  // continues after the committed documents, which always end on a chunk boundary.
  const int64_t committed = writer.committed_docs();
  if (committed % o.chunk_size != 0 && shard_begin + committed != shard_end)
    input_error(o.out, ": holds ", committed, " documents, not a multiple of --chunk-size ", o.chunk_size,
                "; resume with the --chunk-size of the original run");
  BuildLabelsReport report;
  if (writer.complete()) {
    spdlog::info("build-labels: {} is already complete ({} documents)", o.out, committed);
    report.num_docs = 0;
    return report;
  }
  const int64_t start = shard_begin + committed;
  spdlog::info("build-labels: {} documents (rows {}..{} of {}), vocab {} words, LM {} ({}, {}), device {}",
               shard_end - start, start, shard_end - 1, num_docs, vocab.size(), o.model, model->config().model_type,
               c10::toString(model->dtype()), lo.device.str());
  if (wt.report.words_in_collisions > 0)
    spdlog::warn("build-labels: {} vocabulary words share their first LM token with another word (identical soft-label "
                 "logits); see {}/word_tokens.json",
                 wt.report.words_in_collisions, o.out);

  auto reader = CorpusReader::open(o.corpus, static_cast<const CorpusOptions&>(o));
  Document doc;
  int64_t row = 0;
  while (row < start && reader->next(doc)) ++row;

  ChunkPreparer preparer(o, vocab, *tok, tmpl, label_index, limit, shard_begin, V_lm);
  int64_t truncated_total = labels::truncated_docs(writer.meta(), o.out);  // of earlier runs (--resume)
  auto read_chunk = [&](int64_t first) {
    std::vector<Document> docs;
    const int64_t n = std::min(o.chunk_size, shard_end - first);
    docs.reserve(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      if (!reader->next(doc)) input_error(o.corpus, ": ended after ", first + i, " documents; it changed since pass 1?");
      docs.push_back(std::move(doc));
    }
    return docs;
  };
  Progress progress(shard_end - shard_begin, committed);
  // Fault injection for tests: SIGKILL this process after N chunks of this run are committed.
  const char* kill_env = std::getenv("NTM_FAULT_KILL_AFTER_CHUNKS");
  const int64_t kill_after = kill_env ? std::atoll(kill_env) : 0;
  int64_t chunks_done = 0;
  // NTM_FAULT_KILL_SIGNAL (default 9) picks the signal, e.g. 15 to test the SIGTERM handler.
  const char* sig_env = std::getenv("NTM_FAULT_KILL_SIGNAL");
  const int kill_signal = sig_env ? std::atoi(sig_env) : SIGKILL;
  // Pipeline: the next chunk is read, tokenised and bag-of-worded while the LM runs.
  std::future<Prepared> next;
  auto launch = [&](int64_t first) {
    next = std::async(std::launch::async,
                      [&, first, docs = read_chunk(first)]() mutable { return preparer.prepare(std::move(docs), first - shard_begin); });
  };
  int64_t pos = start;
  if (pos < shard_end) launch(pos);
  // The finished chunk is written (serialised, hashed, committed) on another thread while the LM
  // runs the next one; at most one chunk is in flight. Counters and the fault hook move on only
  // once a chunk is committed.
  std::future<void> writing;
  int64_t pending_docs = 0, pending_tokens = 0, empty_bow = 0;
  auto commit_pending = [&] {
    if (!writing.valid()) return;
    writing.get();  // rethrows a failed write (disk full, ...)
    if (kill_after > 0 && ++chunks_done == kill_after) ::raise(kill_signal);
    report.num_docs += pending_docs;
    report.tokens += pending_tokens;
    progress.update(pending_docs, pending_tokens);
  };
  while (pos < shard_end) {
    Prepared p = next.get();
    const int64_t n = static_cast<int64_t>(p.ids.size());
    for (int64_t d = 0; d < n; ++d) empty_bow += p.bow.indptr[d + 1] == p.bow.indptr[d] ? 1 : 0;
    pos += n;
    if (pos < shard_end) launch(pos);
    std::optional<labels::Chunk> c = run_lm(*model, p, word_ids, meta.layers, o);
    commit_pending();
    // SIGINT/SIGTERM: stop at once (between LM batches), or once the chunk being written is
    // committed; the store stays resumable and the exit status is 128 + signal.
    auto stop_now = [&] {
      commit_pending();
      if (next.valid()) next.wait();
      throw_if_stop_requested("build-labels '" + o.out + "' after " + std::to_string(committed + report.num_docs) +
                              " documents");
    };
    if (!c) stop_now();
    report.truncated += p.truncated;
    truncated_total += p.truncated;
    if (p.truncated > 0) writer.set_extra("truncated_docs", truncated_total);  // saved with the next chunk
    pending_docs = n;
    pending_tokens = p.tokens;
    writing = std::async(std::launch::async, [&writer, c = std::move(*c)] { writer.append(c); });
    if (stop_requested()) stop_now();
  }
  commit_pending();
  writer.finish();
  warn_if_vocab_fits_badly(o, empty_bow, pos - start);
  if (report.truncated)
    spdlog::warn("build-labels: {} document(s) made prompts longer than {}: their document text was cut (the "
                 "instruction and \"Topic:\" kept); the count is in {}/meta.json extra.truncated_docs",
                 report.truncated, limit.describe(), o.out);
  report.seconds = seconds_since(t0);
  spdlog::info("build-labels: wrote {} documents ({} prompt tokens) to {} in {:.1f} s", report.num_docs, report.tokens,
               o.out, report.seconds);
  return report;
}

}  // namespace ntm
