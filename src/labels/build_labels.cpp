#include "ntm/labels/build_labels.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>
#include <unistd.h>

#include <cstdlib>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <numeric>
#include <tuple>

#include "ntm/data/bow.h"
#include "ntm/data/corpus.h"
#include "ntm/data/vocab.h"
#include "ntm/data/vocab_build.h"
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
#include "ntm/util/hash.h"
#include "ntm/version.h"
#include "chunk_pipeline.h"

namespace ntm {
namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;
using labels::ChunkPreparer;
using labels::PromptLimit;
using labels::ShardRange;

std::string trim_ascii(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\n\r"), b = s.find_last_not_of(" \t\n\r");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}


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



// Most documents without a vocabulary word: BoW models drop them, and the soft labels cover
// words the corpus hardly uses. Usually a --vocab built from another corpus.
void warn_if_vocab_fits_badly(const BuildLabelsOptions& o, int64_t empty_bow, int64_t docs) {
  if (docs == 0 || empty_bow * 2 <= docs) return;
  spdlog::warn("build-labels: {} of {} documents hold no word of the vocabulary{} (empty BoW; BoW models drop them): "
               "{}", empty_bow, docs, o.vocab.empty() ? "" : " " + o.vocab,
               o.vocab.empty() ? "raise --vocab-size" : "build the vocabulary from this corpus (ntm vocab --corpus " + o.corpus + ")");
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


// A --model that is neither a .gguf file nor a checkpoint folder with config.json is refused.
void check_model_path(const BuildLabelsOptions& o, bool gguf_model) {
  if (!gguf_model && !is_directory(o.model))
    input_error("--model ", o.model, ": not a directory or a .gguf file (expected a Hugging Face checkpoint folder)");
  if (!gguf_model && !path_exists(path_join(o.model, "config.json")))
    input_error("--model ", o.model, ": no config.json in the folder (expected a Hugging Face checkpoint: config.json, "
                "model.safetensors or model.safetensors.index.json, tokenizer.json or tokenizer.model)");
}

// Pass 1 over the corpus: the documents and their label names (cheap next to the LM).
struct CorpusScan {
  int64_t num_docs = 0;
  bool has_labels = false;                      // the corpus has a label column
  std::vector<std::string> label_names;         // order_labels()
  std::map<std::string, int64_t> label_index;   // name -> index into label_names
};

CorpusScan scan_corpus(const BuildLabelsOptions& o) {
  CorpusScan scan;
  std::map<std::string, int64_t> label_counts;
  {
    auto reader = CorpusReader::open(o.corpus, static_cast<const CorpusOptions&>(o));
    scan.has_labels = reader->has_labels();
    Document d;
    while (reader->next(d)) {
      ++scan.num_docs;
      if (d.has_label) ++label_counts[d.label];
    }
  }
  if (scan.num_docs == 0) input_error(o.corpus, ": the corpus holds no documents");
  scan.label_names = order_labels(label_counts);
  for (size_t i = 0; i < scan.label_names.size(); ++i) scan.label_index[scan.label_names[i]] = static_cast<int64_t>(i);
  return scan;
}

// --vocab, else a vocabulary built from the corpus (saved into the store once it exists).
Vocab load_or_build_vocab(const BuildLabelsOptions& o) {
  if (!o.vocab.empty()) return Vocab::load(o.vocab);
  VocabBuildOptions vo;
  static_cast<CorpusOptions&>(vo) = o;
  vo.corpus = o.corpus;
  vo.size = o.vocab_size;
  // build_vocab writes a vocab.json; keep it out of --out until the store exists (saved there below).
  vo.out = (std::filesystem::temp_directory_path() / ("ntm-vocab-" + std::to_string(::getpid()) + ".json")).string();
  Vocab vocab = build_vocab(vo).vocab;
  std::remove(vo.out.c_str());
  spdlog::info("build-labels: built a vocabulary of {} words from {}", vocab.size(), o.corpus);
  return vocab;
}

// Every vocabulary word must map to a token of the LM's vocabulary, and survive an encode/decode
// round trip: a word the tokenizer cannot represent (characters dropped or mapped to <unk>) would
// silently take another token's logit, so it is refused, naming the word.
void check_vocab_fits_lm(const Vocab& vocab, const text::WordTokens& wt, const text::Tokenizer& tok, int64_t V_lm,
                         const std::string& model) {
  for (size_t i = 0; i < wt.token_ids.size(); ++i)
    if (wt.token_ids[i] < 0 || wt.token_ids[i] >= V_lm)
      input_error("vocabulary word '", vocab.word(i), "' maps to token ", wt.token_ids[i], ", outside the LM's vocabulary (",
                  V_lm, "); the tokenizer does not match the checkpoint");
  for (size_t i = 0; i < vocab.size(); ++i) {
    const std::string& w = vocab.word(i);
    std::string back = tok.decode(tok.encode(" " + w, false), /*skip_special_tokens=*/false);
    if (trim_ascii(back) != w)
      input_error("vocabulary word '", w, "' (index ", i, ") cannot be encoded by the tokenizer of ", model,
                  " (\" " + w + "\" decodes back as \"", back, "\"); remove it from the vocabulary or use a "
                  "checkpoint whose tokenizer covers it");
  }
}

// --shard i/n -> corpus rows (ShardRange); an empty shard is refused.
ShardRange shard_rows(const BuildLabelsOptions& o, int64_t num_docs) {
  ShardRange r;
  std::tie(r.index, r.count) = parse_shard(o.shard);
  const int64_t num_chunks = (num_docs + o.chunk_size - 1) / o.chunk_size;
  const int64_t first_chunk = num_chunks * r.index / r.count, end_chunk = num_chunks * (r.index + 1) / r.count;
  r.begin = std::min(num_docs, first_chunk * o.chunk_size);
  r.end = std::min(num_docs, end_chunk * o.chunk_size);
  if (r.begin >= r.end)
    usage_error("--shard ", o.shard, ": this shard is empty (", num_docs, " documents in ", num_chunks,
                " chunks of --chunk-size ", o.chunk_size, "); use fewer shards or a smaller --chunk-size");
  return r;
}

// Everything the store's meta.json says about how it was built: vocabulary, LM, prompt, corpus, shard.
struct StoreInputs {
  const BuildLabelsOptions& o;
  bool gguf_model;
  const CorpusScan& scan;
  const Vocab& vocab;
  const text::Tokenizer& tok;
  const text::WordTokens& wt;
  const std::vector<int64_t>& word_ids;  // [V] LM token per vocabulary word
  const PromptTemplate& tmpl;
  const PromptLimit& limit;
  const lm::CausalLM& model;
  const ShardRange& shard;
};

labels::StoreMeta describe_store(const StoreInputs& in) {
  const BuildLabelsOptions& o = in.o;
  const lm::CausalLM& model = in.model;
  labels::StoreMeta meta;
  meta.vocab = in.vocab.words();
  meta.vocab_hash = in.vocab.hash();
  meta.label_names = in.scan.label_names;
  meta.hidden_size = model.config().hidden_size;
  meta.hidden_dtype = o.hidden_dtype;
  meta.layers = parse_layers(o.layers, model.config().num_layers);
  meta.lm = {{"path", o.model},
             {"model_type", model.config().model_type},
             {"config", file_identity(in.gguf_model ? o.model : path_join(o.model, "config.json"))},
             {"dtype", c10::toString(model.dtype())},
             {"vocab_size", model.config().vocab_size},
             {"hidden_size", model.config().hidden_size},
             {"num_layers", model.config().num_layers}};
  const json content = lm_content_identity(o.model);
  meta.lm["files"] = content["files"];
  meta.lm["sha256"] = content["sha256"];
  meta.prompt = {{"template", in.tmpl.name},
                 {"instruction", in.tmpl.instruction},
                 {"text", in.tmpl.text},
                 {"sha256", sha256_hex(in.tmpl.text + "\n" + in.tmpl.instruction)},
                 {"tokenizer", in.tok.source()},
                 {"tokenizer_kind", in.tok.kind()},
                 {"max_tokens", o.max_tokens},
                 {"context_length", in.limit.context.tokens},
                 {"prompt_limit", in.limit.tokens}};
  meta.corpus = {{"path", o.corpus},
                 {"sha256", sha256_file(o.corpus)},
                 {"num_docs", in.scan.num_docs},
                 {"text_column", o.text_column},
                 {"label_column", in.scan.has_labels ? o.label_column : ""}};
  meta.extra = {{"shard", {{"index", in.shard.index}, {"count", in.shard.count}, {"first_doc", in.shard.begin},
                           {"end_doc", in.shard.end}}},
                {"chunk_size", o.chunk_size},
                {"truncated_docs", 0},
                {"word_tokens", in.word_ids},
                {"word_token_report", text::to_json(in.wt.report)}};
  meta.config = json(o);
  return meta;
}

// --prefix-cache (default): the keys and values of the prompt head that every prompt starts with,
// computed once; null with --no-prefix-cache or a model whose RoPE depends on the whole length.
std::shared_ptr<const lm::PrefixCache> prompt_head_cache(const BuildLabelsOptions& o, const text::Tokenizer& tok,
                                                         const PromptTemplate& tmpl, const lm::CausalLM& model) {
  if (!o.prefix_cache) return nullptr;
  const std::vector<int32_t> head = tok.encode(prompt_head(tmpl), /*add_special_tokens=*/true);
  auto prefix = model.prefix_cache(std::vector<int64_t>(head.begin(), head.end()));
  if (prefix)
    spdlog::info("build-labels: the prompt head ({} tokens) runs once; every document continues from its cached "
                 "keys and values (--no-prefix-cache: every prompt in full)", head.size());
  return prefix;
}

// The files beside the chunks: LM word embeddings (ETM/ECRTM word init), word_tokens.json, and a
// vocabulary built from the corpus.
void write_store_side_files(labels::LabelStoreWriter& writer, const StoreInputs& in) {
  const BuildLabelsOptions& o = in.o;
  labels::store_lm_word_embeddings(writer, o.model, in.tok, in.vocab.words(), in.wt.report);
  write_file_atomic(path_join(o.out, "word_tokens.json"),
                    json{{"words", in.vocab.words()}, {"token_ids", in.word_ids}, {"report", text::to_json(in.wt.report)}}
                            .dump(1) + "\n");
  if (o.vocab.empty()) in.vocab.save(path_join(o.out, "vocab.json"));
}


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
  lm::check_gguf_weights(gguf_weights, "--gguf-weights");
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
  check_model_path(o, gguf_model);
  const CorpusScan scan = scan_corpus(o);
  const Vocab vocab = load_or_build_vocab(o);

  // Tokenizer, word -> token mapping, prompt.
  auto tok = text::load_tokenizer(o.model);
  const text::WordTokens wt = text::map_words_to_tokens(*tok, vocab.words());
  const PromptTemplate tmpl = load_prompt_template(o.prompt);

  // The LM.
  lm::LoadOptions lo;
  lo.dtype = o.dtype;
  lo.gguf_weights = o.gguf_weights;
  lo.device = resolve_device(device_spec);
  auto model = lm::CausalLM::load(o.model, lo);
  const PromptLimit limit(o, lm::context_length(model->config(), tok->model_max_length()));
  const int64_t V_lm = model->config().vocab_size;
  check_vocab_fits_lm(vocab, wt, *tok, V_lm, o.model);
  const std::vector<int64_t> word_ids64(wt.token_ids.begin(), wt.token_ids.end());
  const at::Tensor word_ids = torch::tensor(word_ids64, torch::kLong);  // [V]

  const ShardRange shard = shard_rows(o, scan.num_docs);
  labels::refuse_long_prompts(o, *tok, tmpl, limit, shard.begin, shard.end);

  const StoreInputs inputs{o, gguf_model, scan, vocab, *tok, wt, word_ids64, tmpl, limit, *model, shard};
  labels::StoreMeta meta = describe_store(inputs);
  // The prompts' shared head runs once (its keys/values are reused; the outputs are the same, so
  // this is a record, not part of the store's identity).
  const std::shared_ptr<const lm::PrefixCache> prefix = prompt_head_cache(o, *tok, tmpl, *model);
  meta.extra["gguf_weights"] = model->keeps_quantized_weights() ? "quantized" : "float";
  meta.extra["prefix_cache"] = {{"used", prefix != nullptr}, {"tokens", lm::CausalLM::prefix_length(prefix)}};
  labels::LabelStoreWriter writer(o.out, meta, o.resume);
  const int64_t committed = writer.committed_docs();
  BuildLabelsReport report;
  if (writer.complete()) {
    // Built from these same inputs (the writer checked): --resume on it is a check, the store is untouched.
    spdlog::info("build-labels: {} is already complete ({} documents)", o.out, committed);
    report.num_docs = 0;
    return report;
  }
  if (committed % o.chunk_size != 0 && shard.begin + committed != shard.end)
    input_error(o.out, ": holds ", committed, " documents, not a multiple of --chunk-size ", o.chunk_size,
                "; resume with the --chunk-size of the original run");
  write_store_side_files(writer, inputs);
  const int64_t start = shard.begin + committed;
  spdlog::info("build-labels: {} documents (rows {}..{} of {}), vocab {} words, LM {} ({}, {}), device {}",
               shard.end - start, start, shard.end - 1, scan.num_docs, vocab.size(), o.model,
               model->config().model_type, c10::toString(model->dtype()), lo.device.str());
  if (wt.report.words_in_collisions > 0)
    spdlog::warn("build-labels: {} vocabulary words share their first LM token with another word (identical soft-label "
                 "logits); see {}/word_tokens.json",
                 wt.report.words_in_collisions, o.out);

  const ChunkPreparer preparer(o, vocab, *tok, tmpl, scan.label_index, limit, shard.begin, V_lm);
  const int64_t empty_bow =
      labels::run_chunk_pipeline(o, shard, committed, preparer, *model, word_ids, meta.layers, writer, report, prefix);
  writer.finish();
  warn_if_vocab_fits_badly(o, empty_bow, shard.end - start);
  if (report.truncated)
    spdlog::warn("build-labels: {} document(s) made prompts longer than {}: their document text was cut (the "
                 "instruction and \"Topic:\" kept); the count is in {}/meta.json extra.truncated_docs",
                 report.truncated, limit.describe(), o.out);
  report.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  spdlog::info("build-labels: wrote {} documents ({} prompt tokens) to {} in {:.1f} s", report.num_docs, report.tokens,
               o.out, report.seconds);
  return report;
}

}  // namespace ntm
