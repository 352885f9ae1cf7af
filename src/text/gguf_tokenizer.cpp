// load_tokenizer_from_gguf: reads the tokenizer.ggml.* metadata of a GGUF file (gguf-notes §6.1)
// into a GgufVocab and builds the tokenizer from it (gguf_vocab.cpp).
#include "ntm/text/gguf_tokenizer.h"

#include "ntm/error.h"
#include "ntm/io/gguf.h"
#include "text/gguf_vocab.h"

namespace ntm::text {
namespace {

std::optional<int64_t> opt_id(const gguf::File& f, const std::string& key) {
  if (!f.has(key)) return std::nullopt;
  return f.get_i64(key);
}

std::optional<bool> opt_bool(const gguf::File& f, const std::string& key) {
  if (!f.has(key)) return std::nullopt;
  return f.get_bool(key);
}

GgufVocab read_vocab(const gguf::File& f) {
  GgufVocab v;
  v.source = f.path();
  if (!f.has("tokenizer.ggml.model"))
    input_error(f.path(), ": no tokenizer in this GGUF file (metadata key 'tokenizer.ggml.model' is missing); "
                "use a file converted with its vocabulary, or pass the tokenizer's folder instead");
  v.model = f.get_string("tokenizer.ggml.model");
  if (f.has("tokenizer.ggml.pre")) v.pre = f.get_string("tokenizer.ggml.pre");
  v.tokens = f.get_string_array("tokenizer.ggml.tokens");
  if (f.has("tokenizer.ggml.scores")) v.scores = f.get_f32_array("tokenizer.ggml.scores");
  if (f.has("tokenizer.ggml.token_type")) v.types = f.get_i32_array("tokenizer.ggml.token_type");
  if (f.has("tokenizer.ggml.merges")) v.merges = f.get_string_array("tokenizer.ggml.merges");
  v.bos = opt_id(f, "tokenizer.ggml.bos_token_id");
  v.eos = opt_id(f, "tokenizer.ggml.eos_token_id");
  v.unk = opt_id(f, "tokenizer.ggml.unknown_token_id");
  v.pad = opt_id(f, "tokenizer.ggml.padding_token_id");
  v.add_bos = opt_bool(f, "tokenizer.ggml.add_bos_token");
  v.add_eos = opt_bool(f, "tokenizer.ggml.add_eos_token");
  v.add_space_prefix = opt_bool(f, "tokenizer.ggml.add_space_prefix");
  v.chat_template = f.get_string("tokenizer.chat_template", "");
  std::string arch = f.get_string("general.architecture", "");
  if (!arch.empty() && f.has(arch + ".context_length")) v.context_length = f.get_i64(arch + ".context_length");
  return v;
}

}  // namespace

std::unique_ptr<Tokenizer> load_tokenizer_from_gguf(const gguf::File& file, const TokenizerLoadOptions& opts) {
  if (opts.engine != "auto")
    usage_error("--tokenizer ", opts.engine, ": only 'auto' applies to a GGUF file (", file.path(),
                "), whose tokenizer is in its metadata");
  return build_gguf_tokenizer(read_vocab(file));
}

std::unique_ptr<Tokenizer> load_tokenizer_from_gguf(const std::string& path, const TokenizerLoadOptions& opts) {
  auto f = gguf::File::open(path);
  return load_tokenizer_from_gguf(*f, opts);
}

}  // namespace ntm::text
