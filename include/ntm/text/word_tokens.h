#pragma once
// Vocabulary word -> LM token id, for soft labels (method-spec §3.3):
//  1. ids(w) = encode(" " + w) without special tokens;
//  2. SentencePiece shared-prefix rule: if every word's first id is the same and every word has
//     >= 2 ids, each word takes its second id; otherwise its first id;
//  3. a multi-token word is represented by that one prefix token; words sharing it collide.
// A word that encodes to zero tokens (or only the shared prefix) is an input_error naming it.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ntm/text/tokenizer.h"

namespace ntm::text {

struct WordTokenOptions {
  size_t many_pieces = 3;  // report words that split into at least this many tokens
};

struct WordTokenReport {
  bool shared_prefix_rule = false;  // rule 2 applied: second ids used
  int32_t shared_prefix_id = -1;    // the common first id when rule 2 applied
  size_t num_words = 0;
  size_t single_token_words = 0;  // words whose (prefix-stripped) encoding is one token
  size_t multi_token_words = 0;
  struct Collision {
    int32_t token_id;
    std::string token;
    std::vector<std::string> words;  // in vocabulary order
  };
  std::vector<Collision> collisions;  // ids shared by >= 2 words, by first word's index
  struct ManyPieces {
    std::string word;
    std::vector<int32_t> ids;
  };
  std::vector<ManyPieces> many_pieces;  // words with >= options.many_pieces tokens
  size_t words_in_collisions = 0;
};

struct WordTokens {
  std::vector<int32_t> token_ids;  // [V] one LM token per vocabulary word
  WordTokenReport report;
};

WordTokens map_words_to_tokens(const Tokenizer& tok, const std::vector<std::string>& words,
                               const WordTokenOptions& opts = {});

nlohmann::json to_json(const WordTokenReport& r);

}  // namespace ntm::text
