#pragma once
// The BPE model of tokenizer.json (tokenizers' models/bpe), internal header.
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "text/flat_map.h"

namespace ntm::text {

class BpeModel {
 public:
  // Reads model.{vocab, merges, unk_token, continuing_subword_prefix, end_of_word_suffix,
  // fuse_unk, byte_fallback, ignore_merges, dropout}. Errors name `where`.
  BpeModel(const nlohmann::json& model, const std::string& where);
  // Builds from GPT-2 style files: vocab (token -> id) and merges ("a b" lines).
  BpeModel(const nlohmann::json& vocab, const std::vector<std::pair<std::string, std::string>>& merges,
           const std::string& where);

  // Appends the ids of one pre-token.
  void tokenize(const std::string& word, std::vector<int32_t>& out) const;

  int32_t token_to_id(std::string_view token) const { return vocab_.get(token); }
  // "" when id is not in the vocabulary.
  const std::string& id_to_token(int32_t id) const;
  size_t vocab_size() const { return vocab_.size(); }
  int32_t max_id() const { return static_cast<int32_t>(vocab_r_.size()) - 1; }

 private:
  void load_vocab(const nlohmann::json& vocab, const std::string& where);
  void add_merge(const std::string& a, const std::string& b, int32_t rank, const std::string& where);
  void merge_word(const std::string& word, std::vector<int32_t>& out) const;
  int32_t char_id(std::string_view ch, bool first, bool last) const;

  StringIdMap vocab_;
  std::vector<std::string> vocab_r_;
  PairMap merges_;
  std::vector<int32_t> small_cp_ids_;  // single code point < 0x800 -> id (no prefix/suffix), -1 = none
  std::string unk_token_, prefix_, suffix_;
  int32_t unk_id_ = -1;
  bool fuse_unk_ = false, byte_fallback_ = false, ignore_merges_ = false;
  int32_t byte_ids_[256];

  // word -> ids; bounded, cleared when full. Guarded by cache_mutex_ (try_lock: a busy cache is
  // skipped rather than waited for).
  mutable std::unordered_map<std::string, std::vector<int32_t>> cache_;
  mutable std::mutex cache_mutex_;
};

}  // namespace ntm::text
