#pragma once
// The pipeline stages of a Hugging Face tokenizer.json, as ntm implements them (internal header):
// added-token split -> normalizer -> pre-tokenizer -> model (BPE) -> post-processor; decoders
// for the way back. Each make_* reads one JSON object and throws input_error naming `where`
// (e.g. "tokenizer.json: normalizer.normalizers[1]") for a type ntm does not implement.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace ntm::text {

using json = nlohmann::json;
class Tokenizer;

// A tokenizer from a tokenizer.json already parsed (or assembled in memory, as the GGUF loader
// does); `source` names it in errors. No tokenizer_config.json is applied.
std::unique_ptr<Tokenizer> make_hf_tokenizer(const json& j, const std::string& source);

// A piece of the input during pre-tokenization. id >= 0: an added token already recognised.
struct Piece {
  std::string text;
  int32_t id = -1;
  bool at_start = false;  // begins at byte 0 of the original input (Metaspace prepend_scheme "first")
};

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(std::string& s) const = 0;
};

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Splits / rewrites the pieces with id < 0; pieces that become empty are dropped.
  virtual void pre_tokenize(std::vector<Piece>& pieces) const = 0;
};

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual void decode_chain(std::vector<std::string>& tokens) const = 0;
};

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  // Adds the special tokens of a single sequence when add_special_tokens is true.
  virtual void process(std::vector<int32_t>& ids, bool add_special_tokens) const = 0;
};


std::unique_ptr<Normalizer> make_normalizer(const json& j, const std::string& where);
std::unique_ptr<PreTokenizer> make_pre_tokenizer(const json& j, const std::string& where);
std::unique_ptr<Decoder> make_decoder(const json& j, const std::string& where);
std::unique_ptr<PostProcessor> make_post_processor(const json& j, const std::string& where);

// The GPT-2 byte <-> unicode map (bytes_char in tokenizers' byte_level.rs).
const std::string& byte_to_unicode(unsigned char b);  // UTF-8 of the char standing for byte b
int byte_from_unicode(uint32_t cp);                      // the byte, or -1

// Split behaviours shared by the Split, Digits, Punctuation, Metaspace pre-tokenizers.
enum class SplitBehavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };
struct MatchRange {
  size_t start, end;
  bool is_match;
};
// Applies a behaviour to ranges covering a string; returns the kept [start, end) ranges.
std::vector<std::pair<size_t, size_t>> apply_split_behavior(std::vector<MatchRange> ranges, SplitBehavior b);

// JSON helpers with errors naming where/key.
std::string json_type(const json& j, const std::string& where);
// Token ids of a tokenizer file may leave gaps, but at most this many beyond its entries: an id
// space (and the id -> token tables sized by it) stays bounded by the file's own vocabulary.
constexpr int64_t kTokenIdMargin = int64_t{1} << 20;

// j (an id) as int32: a non-negative integer below id_limit, else input_error naming where/what.
int32_t json_token_id(const json& j, int64_t id_limit, const std::string& where, const std::string& what);

bool json_bool(const json& j, const char* key, bool dflt, const std::string& where);
// j[key] as a small non-negative count (0 when absent), else input_error naming where and key.
int json_count(const json& j, const char* key, const std::string& where);
std::string json_string(const json& j, const char* key, const std::string& where);

}  // namespace ntm::text
