#pragma once
// The topic vocabulary: V words whose order defines the index of every V-sized vector
// (soft labels, BoW columns, topic-word matrices).
//
// vocab.json (format_version 1):
//   {"format": "ntm-vocab", "format_version": 1, "hash": "<sha256>", "size": V, "words": [...], ...}
// A plain JSON array of words (the reference's published vocab.json) is also accepted on load.
// The hash is sha256 over the words, each followed by '\n', in order: it identifies the vocabulary
// *and* its order.
#include <string>
#include <unordered_map>
#include <vector>

namespace ntm {

class Vocab {
 public:
  Vocab() = default;
  explicit Vocab(std::vector<std::string> words);  // input_error on duplicates / empty words

  size_t size() const { return words_.size(); }
  const std::vector<std::string>& words() const { return words_; }
  const std::string& word(size_t i) const { return words_[i]; }
  // Index of a word, or -1.
  long find(const std::string& word) const;
  const std::string& hash() const { return hash_; }

  static Vocab load(const std::string& path);
  // Writes vocab.json atomically; `extra` keys (e.g. provenance) are merged into the object.
  void save(const std::string& path, const std::string& extra_json_object = "{}") const;

 private:
  std::vector<std::string> words_;
  std::unordered_map<std::string, long> index_;
  std::string hash_;
};

std::string vocab_hash(const std::vector<std::string>& words);

}  // namespace ntm
