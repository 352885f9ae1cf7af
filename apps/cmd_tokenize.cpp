// ntm tokenize: texts (JSON lines) -> token ids (JSON lines), for debugging prompts and for the
// parity check against Hugging Face tokenizers.
#include <spdlog/spdlog.h>

#include <fstream>
#include <iostream>

#include "commands.h"
#include "ntm/error.h"
#include "ntm/text/tokenize_stream.h"
#include "ntm/text/tokenizer.h"

namespace ntm::cli {

void setup_tokenize(CLI::App& sub, CommandContext& ctx) {
  auto opts = std::make_shared<text::TokenizeOptions>();
  auto binder = std::make_shared<OptionBinder>(&sub);
  binder->add("model", opts->model, "model folder (tokenizer.json, else tokenizer.model; tokenizer_config.json)");
  binder->add("input", opts->input, "file with one JSON string per line (default: stdin)");
  binder->add("add_special_tokens", opts->add_special_tokens, "add BOS/EOS as the tokenizer does by default");
  binder->add("tokenizer", opts->tokenizer, "auto|json|spm: force tokenizer.json or tokenizer.model");
  binder->add("add_bos", opts->add_bos, "auto|yes|no: force BOS on/off with --add-special-tokens");
  binder->add("stats", opts->stats, "print lines, bytes, tokens and encode throughput to stderr");
  ctx.run = [opts, binder] {
    if (!resolve_options(*binder, *opts)) return 0;
    text::TokenizerLoadOptions lo;
    lo.engine = opts->tokenizer;
    lo.add_bos = opts->add_bos;
    auto tok = text::load_tokenizer(opts->model, lo);
    std::ios::sync_with_stdio(false);
    text::TokenizeStats st;
    if (opts->input.empty() || opts->input == "-") {
      st = text::tokenize_stream(*tok, std::cin, std::cout, opts->add_special_tokens, "<stdin>");
    } else {
      std::ifstream in(opts->input, std::ios::binary);
      if (!in) input_error(opts->input, ": cannot open (--input)");
      st = text::tokenize_stream(*tok, in, std::cout, opts->add_special_tokens, opts->input);
    }
    if (opts->stats) {
      double s = st.encode_seconds > 0 ? st.encode_seconds : 1e-9;
      std::cerr << "tokenize: " << st.lines << " texts, " << st.text_bytes << " bytes, " << st.tokens
                << " tokens; encode " << s << " s = " << st.lines / s << " texts/s, " << st.text_bytes / s / 1e6
                << " MB/s; cpu " << st.encode_cpu_seconds << " s\n";
    }
    return 0;
  };
}

}  // namespace ntm::cli
