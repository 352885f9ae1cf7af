#pragma once
// Word embeddings for ETM / ECRTM (issue #8 item 4): where the initial word vectors come from.
//
//   file    --word-vectors FILE: word2vec / GloVe text format — an optional header line "N D", then
//           one "word v1 ... vD" line per word (spaces or tabs). Only exact matches of vocabulary
//           words are used; the first occurrence of a duplicated word wins. Vocabulary words missing
//           from the file get the model's random init (their count is logged).
//   lm      the LM's own input-embedding rows, mean over each word's tokens, stored in the label
//           store by `ntm build-labels` (word_embeddings.safetensors).
//   random  the model's random init.
//   auto    file when --word-vectors is given, else lm when the store has them, else random (warned).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ntm/labels/label_store.h"
#include "ntm/topic/model.h"
#include "ntm/topic/train_options.h"

namespace ntm::topic {

struct WordVectors {
  at::Tensor vectors;     // [V, E] float32, zero rows where not found
  at::Tensor found;       // [V] bool
  int64_t num_found = 0;  // vocabulary words found in the file
  int64_t file_words = 0; // vectors in the file
  int64_t dim = 0;        // E
};

// Parses `path` for the words of `vocab`. input_error "FILE:LINE: ..." on a malformed line (wrong
// number of values, a value that is not a finite number, a header that disagrees with the file).
WordVectors read_word_vectors(const std::string& path, const std::vector<std::string>& vocab);

// Fills shape.word_embeddings / word_found for opts.word_embeddings (see above) and returns the
// record written to each seed's meta.json: {"source", "file"?, "size", "found", "missing"}.
nlohmann::json resolve_word_embeddings(const TrainOptions& opts, const labels::LabelStoreReader& store,
                                       ModelShape& shape);

}  // namespace ntm::topic
