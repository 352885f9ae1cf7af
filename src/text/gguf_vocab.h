#pragma once
// The tokenizer metadata of a GGUF file as plain data, and the tokenizer built from it
// (internal header; the public entry point is ntm/text/gguf_tokenizer.h).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ntm/text/tokenizer.h"

namespace ntm::text {

// tokenizer.ggml.token_type values (llama.cpp / gguf-py TokenType).
enum GgufTokenType : int32_t {
  kGgufNormal = 1,
  kGgufUnknown = 2,
  kGgufControl = 3,
  kGgufUserDefined = 4,
  kGgufUnused = 5,
  kGgufByte = 6,
};

struct GgufVocab {
  std::string source;                // the file, for messages
  std::string model;                 // tokenizer.ggml.model
  std::optional<std::string> pre;    // tokenizer.ggml.pre
  std::vector<std::string> tokens;   // tokenizer.ggml.tokens
  std::vector<float> scores;         // tokenizer.ggml.scores (empty: absent)
  std::vector<int32_t> types;        // tokenizer.ggml.token_type (empty: absent = all normal)
  std::vector<std::string> merges;   // tokenizer.ggml.merges (empty: absent)
  std::optional<int64_t> bos, eos, unk, pad;                // tokenizer.ggml.*_token_id
  std::optional<bool> add_bos, add_eos, add_space_prefix;  // tokenizer.ggml.add_*
  std::string chat_template;         // tokenizer.chat_template
  int64_t context_length = 0;        // <arch>.context_length (0: absent)
};

// The tokenizer of v (see gguf_tokenizer.h). input_error naming v.source and the key.
std::unique_ptr<Tokenizer> build_gguf_tokenizer(const GgufVocab& v);

// SentencePiece merges rebuilt from scores as transformers does (convert_slow_tokenizer's
// generate_merges): every split of a token into two tokens, ordered by the token's score
// (higher first), then by the lengths in code points of the left and right part (longer
// first), ties in vocabulary order.
std::vector<std::pair<std::string, std::string>> merges_from_scores(const std::vector<std::string>& tokens,
                                                                    const std::vector<float>& scores);

}  // namespace ntm::text
