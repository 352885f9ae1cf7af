// CausalLM::run: length-sorted token-budget batches, results scattered back to input order.
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <numeric>

#include "lm/decoder_impl.h"
#include "ntm/error.h"
#include "ntm/util/device.h"

namespace ntm::lm {

c10::ScalarType resolve_dtype(const std::string& name, c10::Device device) {
  if (name == "auto") return device.is_cuda() ? at::kBFloat16 : at::kFloat;
  if (name == "float32") return at::kFloat;
  if (name == "bfloat16") return at::kBFloat16;
  if (name == "float16") {
    if (!device.is_cuda()) usage_error("--dtype float16 needs a CUDA device (use float32 or bfloat16 on CPU)");
    return at::kHalf;
  }
  usage_error("--dtype: unknown value '", name, "' (use auto, float32, bfloat16 or float16)");
}

ForwardResult CausalLM::run(const std::vector<std::vector<int64_t>>& seqs, const ForwardOptions& opts,
                            int64_t batch_tokens) const {
  if (batch_tokens <= 0) usage_error("--batch-tokens must be positive (got ", batch_tokens, ")");
  const int64_t n = static_cast<int64_t>(seqs.size());
  ForwardResult out;
  if (n == 0) return out;
  // Longest first: the first batch is the biggest, so memory problems show up at once.
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return seqs[size_t(a)].size() > seqs[size_t(b)].size(); });
  int64_t total_tokens = 0;
  for (const auto& s : seqs) total_tokens += static_cast<int64_t>(s.size());

  auto t0 = std::chrono::steady_clock::now();
  auto last_log = t0;
  int64_t done_tokens = 0;
  size_t start = 0;
  while (start < order.size()) {
    // Padded cost B x T_max with T_max = the first (longest) sequence of the batch.
    const int64_t t_max = static_cast<int64_t>(seqs[size_t(order[start])].size());
    size_t end = start + 1;
    while (end < order.size() && static_cast<int64_t>(end - start + 1) * t_max <= batch_tokens) ++end;
    std::vector<std::vector<int64_t>> batch;
    std::vector<int64_t> rows;
    for (size_t i = start; i < end; ++i) {
      batch.push_back(seqs[size_t(order[i])]);
      rows.push_back(order[i]);
      done_tokens += static_cast<int64_t>(batch.back().size());
    }
    ForwardResult r = translate_out_of_memory(
        "the LM forward pass (" + std::to_string(batch.size()) + " sequences x " + std::to_string(t_max) + " tokens)",
        "lower --batch-tokens (now " + std::to_string(batch_tokens) + ") or use a smaller --dtype",
        [&] { return forward(batch, opts); });
    if (r.all_layers_last_hidden.defined() && !opts.layers.empty())  // [L+1, b, H] -> [S, b, H]
      r.all_layers_last_hidden = r.all_layers_last_hidden.index_select(0, at::tensor(opts.layers, at::TensorOptions().dtype(at::kLong)));
    if (!out.last_logits.defined()) {
      // Plain (pageable) host memory for the assembled result; the batches' pinned buffers are reused.
      out.last_logits = at::empty({n, r.last_logits.size(1)}, r.last_logits.options().pinned_memory(false));
      out.last_hidden = at::empty({n, r.last_hidden.size(1)}, r.last_hidden.options().pinned_memory(false));
      if (r.argmax.defined()) out.argmax = at::empty({n}, r.argmax.options().pinned_memory(false));
      if (r.all_layers_last_hidden.defined())
        out.all_layers_last_hidden =
            at::empty({r.all_layers_last_hidden.size(0), n, r.all_layers_last_hidden.size(2)},
                      r.all_layers_last_hidden.options().pinned_memory(false));
    }
    auto idx = at::tensor(rows, at::TensorOptions().dtype(at::kLong));
    out.last_logits.index_copy_(0, idx, r.last_logits);
    out.last_hidden.index_copy_(0, idx, r.last_hidden);
    if (r.argmax.defined()) out.argmax.index_copy_(0, idx, r.argmax);
    if (r.all_layers_last_hidden.defined()) out.all_layers_last_hidden.index_copy_(1, idx, r.all_layers_last_hidden);
    start = end;
    if (opts.after_batch && !opts.after_batch()) {
      out.stopped = true;
      return out;
    }
    auto now = std::chrono::steady_clock::now();
    if (std::chrono::duration<double>(now - last_log).count() > 10.0 || start == order.size()) {
      double secs = std::chrono::duration<double>(now - t0).count();
      // build-labels calls run() once per chunk with its own progress line: the final line of a
      // short run is debug output.
      spdlog::log(start == order.size() && secs < 10.0 ? spdlog::level::debug : spdlog::level::info,"lm: {}/{} sequences, {}/{} tokens, {:.1f}s, {:.1f} tokens/s", start, n, done_tokens,
                   total_tokens, secs, secs > 0 ? static_cast<double>(done_tokens) / secs : 0.0);
      last_log = now;
    }
  }
  return out;
}

}  // namespace ntm::lm
