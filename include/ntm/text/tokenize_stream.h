#pragma once
// The work of `ntm tokenize`: JSON-lines texts in, JSON-lines id arrays out.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <iosfwd>
#include <string>

#include "ntm/text/tokenizer.h"

namespace ntm::text {

// `ntm tokenize` options.
struct TokenizeOptions {
  std::string model;                // folder with tokenizer.json or tokenizer.model
  std::string input;                // one JSON string per line; "" or "-" = stdin
  bool add_special_tokens = false;  // BOS/EOS as the tokenizer adds them by default
  std::string tokenizer = "auto";   // auto | json | spm
  std::string add_bos = "auto";     // auto | yes | no (with add_special_tokens)
  bool stats = false;               // counts and encode throughput on stderr
  void validate() const;            // usage_error naming the flag
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TokenizeOptions, model, input, add_special_tokens, tokenizer, add_bos, stats)

struct TokenizeStats {
  uint64_t lines = 0;
  uint64_t text_bytes = 0;
  uint64_t tokens = 0;
  double encode_seconds = 0;      // wall time inside Tokenizer::encode only
  double encode_cpu_seconds = 0;  // CPU time of this thread inside Tokenizer::encode
};

// Reads one JSON string per line from in (input_name for errors: "<name>:<line>: ..."), writes
// one JSON array of ids per line to out, in order.
TokenizeStats tokenize_stream(const Tokenizer& tok, std::istream& in, std::ostream& out, bool add_special_tokens,
                              const std::string& input_name);

}  // namespace ntm::text
