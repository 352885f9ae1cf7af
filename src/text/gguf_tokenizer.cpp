// Placeholder for the GGUF-metadata tokenizer (ntm/text/gguf_tokenizer.h): the implementation
// replaces this file. Until then a GGUF model's tokenizer is an explicit, one-line error.
#include "ntm/text/gguf_tokenizer.h"

#include "ntm/error.h"
#include "ntm/io/gguf.h"

namespace ntm::text {

std::unique_ptr<Tokenizer> load_tokenizer_from_gguf(const std::string& gguf_path,
                                                    const TokenizerLoadOptions&) {
  auto f = gguf::File::open(gguf_path);
  input_error(
      gguf_path, ": tokenizer '", f->get_string("tokenizer.ggml.model", "(none)"),
      "' from GGUF metadata is not supported by this build (use a Hugging Face folder for tokenizing)");
}

}  // namespace ntm::text
