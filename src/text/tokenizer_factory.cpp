// load_tokenizer: which file of a model folder is used, the way transformers decides.
#include <spdlog/spdlog.h>

#include "ntm/util/symlinks.h"
#include "ntm/error.h"
#include "ntm/io/gguf.h"
#include "ntm/text/gguf_tokenizer.h"
#include "ntm/text/tokenizer.h"
#include "ntm/util/fs.h"

namespace ntm::text {
namespace {

// Forces BOS on or off for add_special_tokens=true; everything else is the inner tokenizer's.
class BosOverride : public Tokenizer {
 public:
  BosOverride(std::unique_ptr<Tokenizer> inner, bool add) : inner_(std::move(inner)), add_(add) {
    set_special_ids(inner_->bos_id(), inner_->eos_id(), inner_->pad_id(), inner_->unk_id());
    set_model_max_length(inner_->model_max_length());
    set_source(inner_->source());
    set_chat_template(inner_->chat_template());
  }
  std::vector<int32_t> encode(std::string_view text, bool add_special_tokens) const override {
    std::vector<int32_t> ids = inner_->encode(text, add_special_tokens);
    if (!add_special_tokens) return ids;
    bool has = !ids.empty() && ids.front() == bos_id();
    if (add_ && !has) ids.insert(ids.begin(), bos_id());
    if (!add_ && has) ids.erase(ids.begin());
    return ids;
  }
  std::string decode(const std::vector<int32_t>& ids, bool skip) const override { return inner_->decode(ids, skip); }
  int32_t token_to_id(std::string_view t) const override { return inner_->token_to_id(t); }
  std::string id_to_token(int32_t id) const override { return inner_->id_to_token(id); }
  int64_t vocab_size() const override { return inner_->vocab_size(); }
  std::string kind() const override { return inner_->kind(); }

 private:
  std::unique_ptr<Tokenizer> inner_;
  bool add_;
};

std::unique_ptr<Tokenizer> load_by_files(const std::string& dir, const TokenizerLoadOptions& opts);

}  // namespace

std::unique_ptr<Tokenizer> load_tokenizer(const std::string& dir, const TokenizerLoadOptions& opts) {
  if (opts.add_bos != "auto" && opts.add_bos != "yes" && opts.add_bos != "no")
    usage_error("--add-bos: expected auto, yes or no, got '", opts.add_bos, "'");
  auto tok = load_by_files(dir, opts);
  if (opts.add_bos == "auto") return tok;
  if (tok->bos_id() < 0)
    input_error(dir, ": --add-bos ", opts.add_bos, " needs a BOS token, but tokenizer_config.json names none");
  return std::make_unique<BosOverride>(std::move(tok), opts.add_bos == "yes");
}

namespace {

std::unique_ptr<Tokenizer> load_by_files(const std::string& dir, const TokenizerLoadOptions& opts) {
  if (!is_directory(dir) && gguf::is_gguf_file(dir)) return load_tokenizer_from_gguf(dir, opts);
  if (!is_directory(dir)) input_error(dir, ": not a directory (expected a model folder with tokenizer.json or tokenizer.model)");
  std::string json_path = path_join(dir, "tokenizer.json");
  std::string spm_path = path_join(dir, "tokenizer.model");
  std::string config = path_join(dir, "tokenizer_config.json");
  if (!path_exists(config)) config.clear();
  for (const std::string& p : {json_path, spm_path, config})
    if (!p.empty()) check_inside_model_dir(dir, p);
  const std::string& e = opts.engine;
  if (e != "auto" && e != "json" && e != "spm")
    usage_error("--tokenizer: expected auto, json or spm, got '", e, "'");
  if ((e == "auto" || e == "json") && path_exists(json_path)) return load_hf_tokenizer_json(json_path, config);
  if ((e == "auto" || e == "spm") && path_exists(spm_path)) return load_sentencepiece(spm_path, config);
  if (e == "auto") {
    for (const auto& [enc, bpe] : {std::pair<const char*, const char*>{"encoder.json", "vocab.bpe"}, {"vocab.json", "merges.txt"}}) {
      std::string a = path_join(dir, enc), b = path_join(dir, bpe);
      if (path_exists(a) && path_exists(b)) {
        check_inside_model_dir(dir, a);
        check_inside_model_dir(dir, b);
        auto t = load_gpt2_files(a, b);
        return t;
      }
    }
  }
  if (e == "json") input_error(json_path, ": not found (--tokenizer json)");
  if (e == "spm") input_error(spm_path, ": not found (--tokenizer spm)");
  input_error(dir, ": no tokenizer.json, tokenizer.model or vocab.json + merges.txt in this folder");
}

}  // namespace

}  // namespace ntm::text
