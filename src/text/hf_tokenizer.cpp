// The tokenizer.json engine: added-token split -> normalizer -> pre-tokenizer -> BPE ->
// post-processor, and decode through the decoder chain.
#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include <cstdlib>
#include <memory>

#include "ntm/error.h"
#include "ntm/text/tokenizer.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "text/hf_added_tokens.h"
#include "text/hf_bpe.h"
#include "text/hf_components.h"
#include "text/tokenizer_config.h"
#include "text/utf8.h"

namespace ntm::text {
namespace {

class HfTokenizer : public Tokenizer {
 public:
  HfTokenizer(const json& j, const std::string& path) {
    if (!j.is_object()) input_error(path, ": expected a JSON object (a Hugging Face tokenizer.json)");
    if (!j.contains("model")) input_error(path, ": missing key 'model'");
    auto section = [&](const char* key) -> const json& {
      static const json null_json;
      return j.contains(key) ? j[key] : null_json;
    };
    for (const char* key : {"truncation", "padding"})
      if (!section(key).is_null())
        spdlog::warn("{}: '{}' is set; ntm ignores it (transformers overrides it too)", path, key);
    normalizer_ = make_normalizer(section("normalizer"), path + ": normalizer");
    pre_tokenizer_ = make_pre_tokenizer(section("pre_tokenizer"), path + ": pre_tokenizer");
    post_processor_ = make_post_processor(section("post_processor"), path + ": post_processor");
    decoder_ = make_decoder(section("decoder"), path + ": decoder");
    model_ = std::make_unique<BpeModel>(j["model"], path + ": model");
    added_ = std::make_unique<AddedVocabulary>(section("added_tokens"), normalizer_.get(), path + ": added_tokens",
                                               added_id_limit(section("added_tokens")));
    set_source(path);
  }

  // For GPT-2's encoder.json + vocab.bpe.
  HfTokenizer(std::unique_ptr<BpeModel> model, const json& parts, const std::string& source) {
    model_ = std::move(model);
    pre_tokenizer_ = make_pre_tokenizer(parts["pre_tokenizer"], source);
    post_processor_ = make_post_processor(parts["post_processor"], source);
    decoder_ = make_decoder(parts["decoder"], source);
    added_ = std::make_unique<AddedVocabulary>(parts["added_tokens"], nullptr, source, added_id_limit(parts["added_tokens"]));
    set_source(source);
  }

  std::vector<int32_t> encode(std::string_view text, bool add_special_tokens) const override {
    std::string s = is_valid_utf8(text) ? std::string(text) : utf8_lossy(text);
    std::vector<Piece> pieces = added_->split(s, normalizer_.get());
    if (pre_tokenizer_) pre_tokenizer_->pre_tokenize(pieces);
    std::vector<int32_t> ids;
    ids.reserve(s.size() / 3 + 4);
    for (const auto& p : pieces) {
      if (p.id >= 0) ids.push_back(p.id);
      else model_->tokenize(p.text, ids);
    }
    if (post_processor_) post_processor_->process(ids, add_special_tokens);
    return ids;
  }

  std::string decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const override {
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (int32_t id : ids) {
      const AddedToken* a = added_->by_id(id);
      if (a) {
        if (skip_special_tokens && a->special) continue;
        tokens.push_back(a->content);
        continue;
      }
      const std::string& t = model_->id_to_token(id);
      if (!t.empty()) tokens.push_back(t);
    }
    if (!decoder_) {
      std::string out;
      for (size_t k = 0; k < tokens.size(); ++k) out += (k ? " " : "") + tokens[k];
      return out;
    }
    decoder_->decode_chain(tokens);
    std::string out;
    for (const auto& t : tokens) out += t;
    return out;
  }

  int32_t token_to_id(std::string_view token) const override {
    int32_t id = added_->token_to_id(token);
    return id >= 0 ? id : model_->token_to_id(token);
  }

  std::string id_to_token(int32_t id) const override {
    const AddedToken* a = added_->by_id(id);
    return a ? a->content : model_->id_to_token(id);
  }

  // Added tokens extend the model's ids: below its vocabulary + their count + the margin.
  int64_t added_id_limit(const json& added) const {
    return int64_t{model_->max_id()} + 1 + (added.is_array() ? static_cast<int64_t>(added.size()) : 0) + kTokenIdMargin;
  }

  int64_t vocab_size() const override { return std::max(model_->max_id(), added_->max_id()) + 1; }
  std::string kind() const override { return "tokenizer.json"; }

 private:
  std::unique_ptr<Normalizer> normalizer_;
  std::unique_ptr<PreTokenizer> pre_tokenizer_;
  std::unique_ptr<PostProcessor> post_processor_;
  std::unique_ptr<Decoder> decoder_;
  std::unique_ptr<BpeModel> model_;
  std::unique_ptr<AddedVocabulary> added_;
};

int32_t id_or_none(const Tokenizer& t, const std::optional<std::string>& token) {
  return token ? t.token_to_id(*token) : -1;
}

}  // namespace

// Applies tokenizer_config.json's special tokens and length to a loaded tokenizer.
void apply_tokenizer_config(Tokenizer& t, const TokenizerConfig& c) {
  t.set_special_ids(id_or_none(t, c.bos_token), id_or_none(t, c.eos_token), id_or_none(t, c.pad_token),
                    id_or_none(t, c.unk_token));
  t.set_model_max_length(c.model_max_length);
}

int64_t max_tokenizer_file_bytes() {
  const char* env = std::getenv("NTM_MAX_TOKENIZER_BYTES");
  if (env && *env) {
    char* end = nullptr;
    long long v = std::strtoll(env, &end, 10);
    if (*end != '\0' || v <= 0) usage_error("NTM_MAX_TOKENIZER_BYTES must be a positive byte count, got '", env, "'");
    return v;
  }
  return int64_t{256} << 20;
}

std::unique_ptr<Tokenizer> make_hf_tokenizer(const json& j, const std::string& source) {
  return std::make_unique<HfTokenizer>(j, source);
}

std::unique_ptr<Tokenizer> parse_hf_tokenizer_json(const std::string& text, const std::string& source) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    input_error(source, ": not valid JSON: ", e.what());
  }
  if (!j.is_object()) input_error(source, ": expected a JSON object (a Hugging Face tokenizer.json)");
  return std::make_unique<HfTokenizer>(j, source);
}

std::unique_ptr<Tokenizer> load_hf_tokenizer_json(const std::string& path, const std::string& config_path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && st.st_size > max_tokenizer_file_bytes())
    input_error(path, ": ", static_cast<long long>(st.st_size), " bytes is larger than the tokenizer file limit of ",
                max_tokenizer_file_bytes(), " bytes; set NTM_MAX_TOKENIZER_BYTES to raise it");
  json j = load_json_file(path);
  auto tok = std::make_unique<HfTokenizer>(j, path);
  TokenizerConfig cfg = read_tokenizer_config(config_path);
  apply_tokenizer_config(*tok, cfg);
  if (cfg.add_bos_token.value_or(false) && tok->bos_id() >= 0) {
    auto probe = tok->encode("a", true);
    if (probe.empty() || probe.front() != tok->bos_id())
      spdlog::info("{}: tokenizer_config.json says add_bos_token but the post-processor adds no BOS; following the "
                   "post-processor, as transformers' fast tokenizer does",
                   path);
  }
  return tok;
}

std::unique_ptr<Tokenizer> load_gpt2_files(const std::string& encoder_json, const std::string& vocab_bpe) {
  json vocab = load_json_file(encoder_json);
  std::string text = read_file(vocab_bpe);
  std::vector<std::pair<std::string, std::string>> merges;
  size_t line_no = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || (line_no == 1 && line.rfind("#version", 0) == 0)) continue;
    size_t sp = line.find(' ');
    if (sp == std::string::npos || line.find(' ', sp + 1) != std::string::npos)
      input_error(vocab_bpe, ":", line_no, ": expected two tokens separated by one space, got '", line, "'");
    merges.emplace_back(line.substr(0, sp), line.substr(sp + 1));
  }
  auto model = std::make_unique<BpeModel>(vocab, merges, encoder_json);
  json parts = {
      {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}}},
      {"post_processor", {{"type", "ByteLevel"}}},
      {"decoder", {{"type", "ByteLevel"}}},
      {"added_tokens", json::array()},
  };
  int32_t eot = model->token_to_id("<|endoftext|>");
  if (eot >= 0)
    parts["added_tokens"].push_back({{"id", eot}, {"content", "<|endoftext|>"}, {"special", true}, {"normalized", true}});
  auto tok = std::make_unique<HfTokenizer>(std::move(model), parts, encoder_json);
  tok->set_special_ids(eot, eot, -1, eot);
  tok->set_model_max_length(1024);
  return tok;
}

}  // namespace ntm::text
