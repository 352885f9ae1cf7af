#pragma once
// The LM's own word embeddings for the vocabulary, stored in the label store by `ntm build-labels`
// (word_embeddings.safetensors) as the default initial word embeddings of ETM / ECRTM.
//
// Row v = mean of the checkpoint's input-embedding rows (model.embed_tokens.weight or GPT-2's
// wte.weight) over the tokens of " " + vocab[v], encoded without special tokens exactly as for the
// soft-label mapping (method-spec §3.3); when the SentencePiece shared-prefix rule applies
// (report.shared_prefix_rule), the shared leading piece is dropped as it is there.
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "ntm/labels/label_store.h"
#include "ntm/text/tokenizer.h"
#include "ntm/text/word_tokens.h"

namespace ntm::labels {

// [V, E] float32 on the CPU; `source` receives a description for meta.json. input_error when the
// checkpoint has no input-embedding tensor or a token id is outside it.
at::Tensor lm_word_embeddings(const std::string& model_dir, const text::Tokenizer& tok,
                              const std::vector<std::string>& words, const text::WordTokenReport& report,
                              nlohmann::json& source);

// lm_word_embeddings + writer.set_word_embeddings (the one call in build_labels).
void store_lm_word_embeddings(LabelStoreWriter& writer, const std::string& model_dir, const text::Tokenizer& tok,
                              const std::vector<std::string>& words, const text::WordTokenReport& report);

}  // namespace ntm::labels
