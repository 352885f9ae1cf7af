#pragma once
// Internal: meta.json of the label store (to/from JSON, file names, stale-file cleanup).
#include <string>
#include <vector>

#include "ntm/labels/label_store.h"

namespace ntm::labels {

std::string chunk_file_name(size_t i);  // "chunk-00003.safetensors"
inline constexpr const char* kWordEmbeddingsFile = "word_embeddings.safetensors";

// Writes <dir>/meta.json atomically (through ntm::write_meta).
void write_store_meta(const std::string& dir, const StoreMeta& meta, const std::vector<ChunkEntry>& chunks);

// Parses and checks an already format-checked meta.json: types of every key, vocab hash, chunk
// names and contiguous document ranges, num_docs. input_error naming <dir>/meta.json and the key.
void parse_store_meta(const nlohmann::json& j, const std::string& dir, StoreMeta& meta,
                      std::vector<ChunkEntry>& chunks);

// The parts of a store's "prompt" record that must match between a resumed run or merged shards:
// everything but the tokenizer's location (the tokenizer's content is part of the LM identity).
nlohmann::json prompt_identity(const nlohmann::json& prompt);

// Removes leftovers of an interrupted writer: "*.tmp-<pid>" files and chunk files that meta.json
// does not list (index >= num_listed). Returns how many files were removed.
size_t remove_stale_files(const std::string& dir, size_t num_listed);

}  // namespace ntm::labels
