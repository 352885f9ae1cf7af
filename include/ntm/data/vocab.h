#pragma once
// The topic vocabulary: V words whose order defines the index of every V-sized vector
// (soft labels, BoW columns, topic-word matrices).
//
// vocab.json (format_version 1):
//   {"format": "ntm-vocab", "format_version": 1, "hash": "<sha256>", "size": V, "words": [...], ...}
// A plain JSON array of words (the reference's published vocab.json) is also accepted on load.
// The hash is sha256 over the words, each followed by '\n', in order: it identifies the vocabulary
// *and* its order.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
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

// Counts words over documents in corpus order and remembers where each word first occurred, so
// that the most frequent words come out exactly as Python's Counter.most_common orders them
// (count descending, ties by first occurrence). Word ids are first-occurrence ranks (0, 1, ...).
class WordCounter {
 public:
  // Counts the kept words of one document (ntm/data/words.h filter). When `ids` is given it
  // receives the id of every kept word, in order.
  void add_text(std::string_view text, std::vector<int32_t>* ids = nullptr);
  // Counts already extracted words of one document.
  void add_words(const std::vector<std::string>& words, std::vector<int32_t>* ids = nullptr);

  int64_t num_docs() const { return num_docs_; }
  int64_t num_tokens() const { return num_tokens_; }
  size_t num_distinct() const { return words_.size(); }
  const std::string& word(int32_t id) const { return words_[static_cast<size_t>(id)]; }
  int64_t count(int32_t id) const { return counts_[static_cast<size_t>(id)]; }
  // Count of a word, 0 when never seen.
  int64_t count(std::string_view word) const;
  // Ids of the `size` most frequent words (fewer when fewer distinct words were seen), ordered by
  // count descending, then first occurrence.
  std::vector<int32_t> most_frequent(size_t size) const;

 private:
  int32_t add(std::string_view w);

  std::deque<std::string> words_;  // stable storage for the keys of index_
  std::vector<int64_t> counts_;
  std::unordered_map<std::string_view, int32_t> index_;
  int64_t num_docs_ = 0, num_tokens_ = 0;
};

}  // namespace ntm
