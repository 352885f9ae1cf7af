#pragma once
// The tokenizer a GGUF file describes in its metadata (llama.cpp's tokenizer.ggml.* keys; see
// docs/gguf-tokenizer.md and ../shared/docs/gguf-notes.md §6).
//
// The metadata is turned into the tokenizer.json component graph Hugging Face would use for the
// same tokenizer and run by ntm's tokenizer.json engine (no second implementation):
//  * tokenizer.ggml.model "gpt2": byte-level BPE with the stored merges; tokenizer.ggml.pre picks
//    the pre-tokenizer (llama-bpe / llama3 family, qwen2 family, smollm family, gpt-2 family,
//    default); an unknown name is an input error naming it;
//  * "llama": SentencePiece-style BPE with byte fallback, merges rebuilt from
//    tokenizer.ggml.scores the way transformers does (or the stored merges when present),
//    Prepend/Replace("▁") normalizer per tokenizer.ggml.add_space_prefix;
//  * tokens of type CONTROL, USER_DEFINED and UNKNOWN become added tokens (CONTROL / UNKNOWN ones
//    special), matched in the raw text before anything else;
//  * bos/eos/unk/pad ids and add_bos/add_eos come from the file, with llama.cpp's defaults when
//    a key is absent; the chat template is kept (Tokenizer::chat_template()).
#include <memory>
#include <string>
#include <vector>

#include "ntm/text/tokenizer.h"

namespace ntm::gguf {
class File;
}

namespace ntm::text {

// Builds the tokenizer of an open GGUF file. input_error naming the file and the key when the
// metadata is missing, malformed or names a tokenizer ntm lacks. opts.engine must be "auto";
// opts.add_bos is applied by load_tokenizer (which routes .gguf paths here), not by this call.
std::unique_ptr<Tokenizer> load_tokenizer_from_gguf(const gguf::File& file, const TokenizerLoadOptions& opts = {});
// Opens path (a .gguf file) and does the same.
std::unique_ptr<Tokenizer> load_tokenizer_from_gguf(const std::string& path, const TokenizerLoadOptions& opts = {});

// The tokenizer.ggml.pre names ntm implements, sorted.
std::vector<std::string> gguf_pre_tokenizer_names();

}  // namespace ntm::text
