#pragma once
// Added tokens of tokenizer.json (tokenizers' AddedVocabulary), internal header: matched
// leftmost-longest in the raw text (normalized: false) or in each normalized piece
// (normalized: true), with single_word / lstrip / rstrip.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "text/flat_map.h"
#include "text/hf_components.h"

namespace ntm::text {

struct AddedToken {
  std::string content;
  int32_t id = -1;
  bool single_word = false, lstrip = false, rstrip = false, normalized = true, special = false;
};

class AddedVocabulary {
 public:
  // tokens: the "added_tokens" array; normalizer (may be null) normalizes the patterns of
  // normalized tokens.
  // id_limit: ids must be below it (the model's vocabulary plus the added tokens and a margin,
  // see kTokenIdMargin), so that a hostile file cannot make the tokenizer's id space huge.
  AddedVocabulary(const json& tokens, const Normalizer* normalizer, const std::string& where, int64_t id_limit);

  // Splits text into pieces (added tokens get their id), normalizing the other pieces with
  // `normalizer` and splitting them again on the normalized added tokens.
  std::vector<Piece> split(const std::string& text, const Normalizer* normalizer) const;

  int32_t token_to_id(std::string_view s) const { return by_content_.get(s); }
  // nullptr when id is not an added token.
  const AddedToken* by_id(int32_t id) const;
  int32_t max_id() const { return max_id_; }
  const std::vector<AddedToken>& tokens() const { return tokens_; }

 private:
  struct Matcher {
    std::vector<int32_t> token_index;         // candidate tokens, longest pattern first
    std::vector<std::string> patterns;        // parallel to token_index
    std::vector<std::vector<int32_t>> by_first_byte;  // byte -> indexes into patterns
    bool empty() const { return patterns.empty(); }
  };
  void build_matcher(Matcher& m, bool normalized, const Normalizer* normalizer);
  void split_with(const Matcher& m, const std::string& s, bool at_start, std::vector<Piece>& out) const;

  std::vector<AddedToken> tokens_;
  StringIdMap by_content_;
  std::vector<int32_t> id_to_index_;
  int32_t max_id_ = -1;
  Matcher raw_, normalized_;
};

}  // namespace ntm::text
