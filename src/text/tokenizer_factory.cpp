// load_tokenizer: which file of a model folder is used, the way transformers decides.
#include <spdlog/spdlog.h>

#include "ntm/error.h"
#include "ntm/text/tokenizer.h"
#include "ntm/util/fs.h"

namespace ntm::text {

std::unique_ptr<Tokenizer> load_tokenizer(const std::string& dir, const TokenizerLoadOptions& opts) {
  if (!is_directory(dir)) input_error(dir, ": not a directory (expected a model folder with tokenizer.json or tokenizer.model)");
  std::string json_path = path_join(dir, "tokenizer.json");
  std::string spm_path = path_join(dir, "tokenizer.model");
  std::string config = path_join(dir, "tokenizer_config.json");
  if (!path_exists(config)) config.clear();
  const std::string& e = opts.engine;
  if (e != "auto" && e != "json" && e != "spm")
    usage_error("--tokenizer: expected auto, json or spm, got '", e, "'");
  if ((e == "auto" || e == "json") && path_exists(json_path)) return load_hf_tokenizer_json(json_path, config);
  if ((e == "auto" || e == "spm") && path_exists(spm_path)) return load_sentencepiece(spm_path, config);
  if (e == "auto") {
    for (const auto& [enc, bpe] : {std::pair<const char*, const char*>{"encoder.json", "vocab.bpe"}, {"vocab.json", "merges.txt"}}) {
      std::string a = path_join(dir, enc), b = path_join(dir, bpe);
      if (path_exists(a) && path_exists(b)) {
        auto t = load_gpt2_files(a, b);
        return t;
      }
    }
  }
  if (e == "json") input_error(json_path, ": not found (--tokenizer json)");
  if (e == "spm") input_error(spm_path, ": not found (--tokenizer spm)");
  input_error(dir, ": no tokenizer.json, tokenizer.model or vocab.json + merges.txt in this folder");
}

}  // namespace ntm::text
