#include <iostream>

#include "commands.h"
#include "corpus_flags.h"
#include "ntm/labels/build_labels.h"

namespace ntm::cli {

void setup_build_labels(CLI::App& sub, CommandContext& ctx) {
  auto opts = std::make_shared<BuildLabelsOptions>();
  auto binder = std::make_shared<OptionBinder>(&sub);
  binder->add("corpus", opts->corpus, "corpus file: TSV with a header row, JSONL or plain text");
  binder->add("model", opts->model, "Hugging Face checkpoint folder (config.json, safetensors, tokenizer)");
  binder->add("out", opts->out, "label store directory to write");
  binder->add("vocab", opts->vocab, "vocab.json to use (default: build one from the corpus)");
  binder->add("vocab_size", opts->vocab_size, "words in a vocabulary built from the corpus");
  binder->add("prompt", opts->prompt, "default | variant1..variant5 | a template file with {instruction} and {document}");
  binder->add("batch_tokens", opts->batch_tokens, "max padded tokens per LM batch (documents are length-sorted)");
  binder->add("max_tokens", opts->max_tokens, "truncate the document so a prompt has at most N tokens (0 = never)");
  binder->add("on_long_prompt", opts->on_long_prompt, "a prompt longer than the model's context: truncate (cut the document text, warn with the count) | error");
  binder->add("dtype", opts->dtype, "LM compute dtype: auto (bf16 on CUDA, fp32 on CPU) | float32 | bfloat16 | float16");
  binder->add("gguf_weights", opts->gguf_weights, "GGUF models: quantized (matrices stay in their blocks, dequantized per tile in each matmul; CPU float32) | float (dequantized at load)");
  binder->add("hidden_dtype", opts->hidden_dtype, "storage of hidden states: float32 | bfloat16");
  binder->add("layers", opts->layers, "hidden states to store: last (the `hidden` tensor only), all (also every layer, 0 = embeddings), or a list such as 0,8,-1 (stored as layer_hidden [n, S, H])");
  binder->add("shard", opts->shard, "i/n: process the i-th of n contiguous slices (merge with `ntm merge-labels`)");
  binder->add("resume", opts->resume, "continue an interrupted run in --out");
  binder->add("chunk_size", opts->chunk_size, "documents per label-store chunk (the unit of resume)");
  binder->add("prefix_cache", opts->prefix_cache, "run the prompts' shared head (BOS + instruction + \"Document:\") once and every document from there (--no-prefix-cache: each prompt in full; same results)");
  add_corpus_flags(*binder, *opts);
  ctx.run = [opts, binder, &ctx] {
    if (!resolve_options(*binder, *opts)) return 0;
    build_labels(*opts, ctx.global->device);
    return 0;
  };
}

void setup_merge_labels(CLI::App& sub, CommandContext& ctx) {
  auto opts = std::make_shared<MergeLabelsOptions>();
  auto shards = std::make_shared<std::vector<std::string>>();
  auto binder = std::make_shared<OptionBinder>(&sub);
  binder->add("out", opts->out, "merged label store directory");
  sub.add_option("shards", *shards, "shard label stores (from build-labels --shard i/n)");
  ctx.run = [opts, shards, binder] {
    if (!resolve_options(*binder, *opts)) return 0;
    merge_label_stores(*shards, opts->out);
    return 0;
  };
}

}  // namespace ntm::cli
