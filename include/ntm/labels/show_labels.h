#pragma once
// `ntm check-labels DIR --show N`: the first N documents of a label store next to their soft
// labels, so a user can see whether the LM understood the prompt.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace ntm::labels {

struct ShowLabelsOptions {
  int64_t count = 0;         // documents to show (the store's first ones, in corpus order)
  std::string corpus;        // corpus file; "" = the path recorded in meta.json
  int64_t top_words = 10;    // soft-label words per document
  int64_t text_bytes = 200;  // start of the text shown (cut on a UTF-8 boundary)
  void validate() const;     // usage_error naming the flag
};

// check-labels' options as configuration (--config / --dump-config): count is the key "show", as
// its flag --show; the store directory is positional and not part of the configuration.
inline void to_json(nlohmann::json& j, const ShowLabelsOptions& o) {
  j = {{"show", o.count}, {"corpus", o.corpus}, {"top_words", o.top_words}, {"text_bytes", o.text_bytes}};
}
inline void from_json(const nlohmann::json& j, ShowLabelsOptions& o) {
  const ShowLabelsOptions d;
  o.count = j.value("show", d.count);
  o.corpus = j.value("corpus", d.corpus);
  o.top_words = j.value("top_words", d.top_words);
  o.text_bytes = j.value("text_bytes", d.text_bytes);
}

// For each document: the start of its text, its gold label and the top soft-label words with
// their probabilities softmax(soft_labels) over the store's vocabulary (temperature 1).
// input_error naming the corpus when it cannot be read (the message suggests --corpus).
std::string show_label_examples(const std::string& dir, const ShowLabelsOptions& options);

}  // namespace ntm::labels
