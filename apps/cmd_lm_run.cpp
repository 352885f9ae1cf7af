// ntm lm-run: run a Hugging Face causal LM over token-id sequences (see include/ntm/lm/lm_run.h).
#include "commands.h"
#include "ntm/lm/lm_run.h"
#include "ntm/util/device.h"
#include "ntm/util/output.h"

namespace ntm::cli {

void setup_lm_run(CLI::App& sub, CommandContext& ctx) {
  auto opts = std::make_shared<lm::LmRunOptions>();
  auto binder = std::make_shared<OptionBinder>(&sub);
  binder->add("model", opts->model, "Hugging Face checkpoint folder (config.json + safetensors)");
  binder->add("input", opts->input, "JSONL file: one JSON array of token ids per line");
  binder->add("out", opts->out, "output .safetensors (last_logits, last_hidden[, all_layers_last_hidden])");
  binder->add("dtype", opts->dtype, "auto|float32|bfloat16|float16 (auto: bfloat16 on CUDA, float32 on CPU)");
  binder->add("gguf_weights", opts->gguf_weights, "GGUF models: quantized (matrices stay in their blocks, dequantized per tile in each matmul; CPU float32) | float (dequantized at load)");
  binder->add("layers", opts->layers, "last|all (all: every layer's hidden state at the last token)");
  binder->add("batch_tokens", opts->batch_tokens, "padded tokens per forward batch (B x longest length); 0 = 4096 on CPU, 32768 on CUDA");
  auto force = std::make_shared<bool>(false);
  sub.add_flag("--force", *force, "replace an existing --out file that lm-run did not write");
  const GlobalOptions* global = ctx.global;
  ctx.run = [opts, binder, force, global] {
    if (!resolve_options(*binder, *opts)) return 0;
    check_output_file(opts->out, "ntm-lm-run", {{"--input", opts->input}}, *force);
    lm::lm_run(*opts, resolve_device(global->device));
    return 0;
  };
}

}  // namespace ntm::cli
