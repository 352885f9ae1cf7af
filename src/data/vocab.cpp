#include "ntm/data/vocab.h"

#include "ntm/error.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "ntm/util/hash.h"
#include "ntm/version.h"

namespace ntm {

std::string vocab_hash(const std::vector<std::string>& words) {
  Sha256 h;
  for (const auto& w : words) {
    h.update(w);
    h.update("\n", 1);
  }
  return h.hex_digest();
}

Vocab::Vocab(std::vector<std::string> words) : words_(std::move(words)) {
  index_.reserve(words_.size());
  for (size_t i = 0; i < words_.size(); ++i) {
    if (words_[i].empty()) input_error("vocabulary word ", i, " is empty");
    if (!index_.emplace(words_[i], static_cast<long>(i)).second)
      input_error("vocabulary word '", words_[i], "' appears twice (positions ", index_[words_[i]], " and ", i, ")");
  }
  hash_ = vocab_hash(words_);
}

long Vocab::find(const std::string& word) const {
  auto it = index_.find(word);
  return it == index_.end() ? -1 : it->second;
}

Vocab Vocab::load(const std::string& path) {
  json j = load_json_file(path);
  const json* arr = &j;
  if (j.is_object()) {
    if (!j.contains("words")) input_error(path, ": expected a JSON array of words or an object with 'words'");
    arr = &j["words"];
  }
  if (!arr->is_array()) input_error(path, ": 'words' must be an array of strings");
  std::vector<std::string> words;
  for (size_t i = 0; i < arr->size(); ++i) {
    if (!(*arr)[i].is_string()) input_error(path, ": vocabulary entry ", i, " is not a string");
    words.push_back((*arr)[i].get<std::string>());
  }
  if (words.empty()) input_error(path, ": the vocabulary is empty");
  try {
    Vocab v(std::move(words));
    if (j.is_object() && j.contains("hash") && j["hash"].is_string() && j["hash"].get<std::string>() != v.hash())
      input_error(path, ": stored hash ", j["hash"].get<std::string>(), " does not match the words (", v.hash(),
                  "); the file was edited — rebuild it with `ntm vocab`");
    return v;
  } catch (const Error& e) {
    if (std::string(e.what()).rfind(path, 0) == 0) throw;
    input_error(path, ": ", e.what());
  }
}

void Vocab::save(const std::string& path, const std::string& extra_json_object) const {
  json j = json::object();
  j["format"] = "ntm-vocab";
  j["format_version"] = kVocabFormatVersion;
  j["ntm_version"] = version();
  j["size"] = words_.size();
  j["hash"] = hash_;
  json extra = json::parse(extra_json_object);
  for (auto it = extra.begin(); it != extra.end(); ++it) j[it.key()] = it.value();
  j["words"] = words_;
  write_file_atomic(path, j.dump(1) + "\n");
}

}  // namespace ntm
