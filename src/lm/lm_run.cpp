// ntm lm-run: the library side of the command.
#include "ntm/lm/lm_run.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <fstream>

#include "ntm/error.h"
#include "ntm/io/safetensors.h"
#include "ntm/lm/model.h"
#include "ntm/util/fs.h"

namespace ntm::lm {

void LmRunOptions::validate() const {
  if (model.empty()) usage_error("--model is required (a Hugging Face checkpoint folder)");
  if (input.empty()) usage_error("--input is required (JSONL, one JSON array of token ids per line)");
  if (out.empty()) usage_error("--out is required (the output .safetensors file)");
  if (layers != "last" && layers != "all") usage_error("--layers: expected 'last' or 'all' (got '", layers, "')");
  if (dtype != "auto" && dtype != "float32" && dtype != "bfloat16" && dtype != "float16")
    usage_error("--dtype: unknown value '", dtype, "' (use auto, float32, bfloat16 or float16)");
  if (batch_tokens < 0) usage_error("--batch-tokens must be >= 0 (0 = automatic; got ", batch_tokens, ")");
  check_gguf_weights(gguf_weights, "--gguf-weights");
}

std::vector<std::vector<int64_t>> read_token_lines(const std::string& path) {
  std::ifstream in(path);
  if (!in) input_error(path, ": cannot open for reading");
  std::vector<std::vector<int64_t>> out;
  std::string line;
  int64_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      input_error(path, ":", lineno, ": not valid JSON (", e.what(), ")");
    }
    if (!j.is_array() || j.empty())
      input_error(path, ":", lineno, ": expected a non-empty JSON array of token ids, e.g. [1, 15043, 29892]");
    std::vector<int64_t> ids;
    ids.reserve(j.size());
    for (const auto& x : j) {
      if (!x.is_number_integer() || x.get<int64_t>() < 0)
        input_error(path, ":", lineno, ": token ids must be integers >= 0 (found ", x.dump(), ")");
      ids.push_back(x.get<int64_t>());
    }
    out.push_back(std::move(ids));
  }
  if (out.empty()) input_error(path, ": no token sequences (expected one JSON array per line)");
  return out;
}

void lm_run(const LmRunOptions& opts, c10::Device device) {
  opts.validate();
  auto seqs = read_token_lines(opts.input);
  auto lm = CausalLM::load(opts.model, {opts.dtype, device, opts.gguf_weights});
  const auto& cfg = lm->config();
  for (size_t i = 0; i < seqs.size(); ++i)
    for (int64_t id : seqs[i])
      if (id >= cfg.vocab_size)
        input_error(opts.input, ":", i + 1, ": token id ", id, " is outside the model's vocabulary [0, ",
                    cfg.vocab_size, ") (", opts.model, ")");
  if (cfg.pos == PosKind::kLearned)
    for (size_t i = 0; i < seqs.size(); ++i)
      if (static_cast<int64_t>(seqs[i].size()) > cfg.max_position_embeddings)
        input_error(opts.input, ":", i + 1, ": ", seqs[i].size(), " tokens but the model has only ",
                    cfg.max_position_embeddings, " positions");
  ForwardOptions fo;
  fo.all_layers = opts.layers == "all";
  int64_t tokens = 0;
  for (const auto& s : seqs) tokens += static_cast<int64_t>(s.size());
  auto t0 = std::chrono::steady_clock::now();
  const int64_t budget = opts.batch_tokens > 0 ? opts.batch_tokens : (device.is_cuda() ? 32768 : 4096);
  ForwardResult r = lm->run(seqs, fo, budget);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  spdlog::info("lm-run: forward of {} sequences, {} tokens in {:.3f}s = {:.1f} tokens/s", seqs.size(), tokens, secs,
               secs > 0 ? static_cast<double>(tokens) / secs : 0.0);
  std::vector<std::pair<std::string, at::Tensor>> tensors = {{"last_logits", r.last_logits},
                                                             {"last_hidden", r.last_hidden}};
  if (fo.all_layers) tensors.push_back({"all_layers_last_hidden", r.all_layers_last_hidden});
  st::save(opts.out, tensors,
           {{"format", "ntm-lm-run"},
            {"model", opts.model},
            {"model_type", cfg.model_type},
            {"dtype", c10::toString(lm->dtype())},
            {"device", device.str()},
            {"forward_seconds", std::to_string(secs)},
            {"tokens", std::to_string(tokens)}});
  spdlog::info("lm-run: wrote {}", opts.out);
}

}  // namespace ntm::lm
