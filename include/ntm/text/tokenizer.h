#pragma once
// Text -> LM token ids, id-for-id with Hugging Face.
//
// Two engines behind one interface:
//  * tokenizer.json (Hugging Face `tokenizers` format): ntm's own implementation of the BPE
//    model, normalizers, pre-tokenizers, added tokens, post-processors and decoders, checked
//    against tokenizers 0.23.2 (scripts/check-tokenizer-parity.sh);
//  * tokenizer.model (SentencePiece) through libsentencepiece, loaded at run time from
//    libntm_spm_shim.so (see src/text/spm_shim.cpp for why).
// load_tokenizer(dir) picks one the way transformers does: tokenizer.json first, then
// tokenizer.model, with bos/eos/pad and model_max_length from tokenizer_config.json.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ntm::text {

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // Token ids of text (UTF-8; invalid bytes are read as U+FFFD). add_special_tokens adds what the
  // tokenizer adds by default (BOS/EOS per its post-processor or tokenizer_config.json), like
  // HF's `encode(text, add_special_tokens=...)`. Special tokens written in the text are
  // recognised as such (HF's default).
  virtual std::vector<int32_t> encode(std::string_view text, bool add_special_tokens) const = 0;
  // Text of ids (HF `decode`); skip_special_tokens drops special tokens first.
  virtual std::string decode(const std::vector<int32_t>& ids, bool skip_special_tokens = false) const = 0;
  // -1 when the token is not in the vocabulary (added tokens included).
  virtual int32_t token_to_id(std::string_view token) const = 0;
  // "" when the id is unknown.
  virtual std::string id_to_token(int32_t id) const = 0;
  // Number of ids (model vocabulary plus added tokens beyond it): max id + 1.
  virtual int64_t vocab_size() const = 0;
  // "tokenizer.json" or "sentencepiece".
  virtual std::string kind() const = 0;

  // Special ids from tokenizer_config.json (or the tokenizer itself); -1 when there is none.
  int32_t bos_id() const { return bos_id_; }
  int32_t eos_id() const { return eos_id_; }
  int32_t pad_id() const { return pad_id_; }
  int32_t unk_id() const { return unk_id_; }
  // tokenizer_config.json model_max_length (0 when absent; huge values are clamped to INT64_MAX).
  int64_t model_max_length() const { return model_max_length_; }
  // The file the tokenizer was read from.
  const std::string& source() const { return source_; }
  // The Jinja chat template that came with the tokenizer (GGUF tokenizer.chat_template), "" when
  // there is none. Kept verbatim; ntm does not render it here.
  const std::string& chat_template() const { return chat_template_; }

  void set_special_ids(int32_t bos, int32_t eos, int32_t pad, int32_t unk) {
    bos_id_ = bos;
    eos_id_ = eos;
    pad_id_ = pad;
    unk_id_ = unk;
  }
  void set_model_max_length(int64_t n) { model_max_length_ = n; }
  void set_source(std::string s) { source_ = std::move(s); }
  void set_chat_template(std::string s) { chat_template_ = std::move(s); }

 private:
  int32_t bos_id_ = -1, eos_id_ = -1, pad_id_ = -1, unk_id_ = -1;
  int64_t model_max_length_ = 0;
  std::string source_;
  std::string chat_template_;
};

struct TokenizerLoadOptions {
  // "auto" (tokenizer.json, else tokenizer.model), "json" or "spm".
  std::string engine = "auto";
  // What encode(text, add_special_tokens=true) does about BOS: "auto" = what the tokenizer does
  // (post-processor / tokenizer_config.json), "yes" = make sure ids start with bos_id (copies of
  // one checkpoint's tokenizer.json differ: Meta's Llama-3 adds <|begin_of_text|>, others do
  // not), "no" = never start with it.
  std::string add_bos = "auto";
};

// Loads the tokenizer of a Hugging Face model folder. input_error (one line naming the file)
// when nothing usable is there or a file is malformed / uses a component ntm lacks.
std::unique_ptr<Tokenizer> load_tokenizer(const std::string& model_dir, const TokenizerLoadOptions& opts = {});

// Engine-specific loaders. config_path: a tokenizer_config.json or "" for none.
std::unique_ptr<Tokenizer> load_hf_tokenizer_json(const std::string& path, const std::string& config_path = "");
// Parses tokenizer.json text already in memory (`source` names it in errors); no config applied.
std::unique_ptr<Tokenizer> parse_hf_tokenizer_json(const std::string& text, const std::string& source = "tokenizer.json");
// Largest tokenizer.json / tokenizer.model accepted (bytes): files above it are refused before
// reading. Default 256 MiB (the largest published tokenizer.json files are ~35 MB); the
// environment variable NTM_MAX_TOKENIZER_BYTES overrides it.
int64_t max_tokenizer_file_bytes();
std::unique_ptr<Tokenizer> load_sentencepiece(const std::string& model_path, const std::string& config_path = "");
// A byte-level BPE tokenizer from GPT-2's encoder.json + vocab.bpe (as HF's GPT2Tokenizer:
// ByteLevel pre-tokenizer with the GPT-2 regex, no prefix space, <|endoftext|> special).
std::unique_ptr<Tokenizer> load_gpt2_files(const std::string& encoder_json, const std::string& vocab_bpe);

}  // namespace ntm::text
