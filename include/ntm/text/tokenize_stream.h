#pragma once
// The work of `ntm tokenize`: JSON-lines texts in, JSON-lines id arrays out.
#include <cstdint>
#include <iosfwd>
#include <string>

#include "ntm/text/tokenizer.h"

namespace ntm::text {

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
