#pragma once
// The tokenizer stored in a GGUF file's metadata (tokenizer.ggml.*; ../shared/docs/gguf-notes.md
// §6): gpt2-style byte-level BPE with the pre-tokenizer `tokenizer.ggml.pre` names, or llama
// SentencePiece, with special tokens and add_bos / add_eos.
//
// load_tokenizer(path) calls this when `path` is a .gguf file (src/text/tokenizer_factory.cpp),
// so `ntm tokenize --model F.gguf` and `ntm build-labels --model F.gguf` use it. The file is
// read with ntm::gguf::File (include/ntm/io/gguf.h). input_error (exit 2, one line naming the
// file and the key) when the metadata is missing, malformed or names a tokenizer ntm lacks.
#include <memory>
#include <string>

#include "ntm/text/tokenizer.h"

namespace ntm::text {

std::unique_ptr<Tokenizer> load_tokenizer_from_gguf(const std::string& gguf_path,
                                                    const TokenizerLoadOptions& opts);

}  // namespace ntm::text
