// CausalLM: loading and the generic decoder forward pass.
//
// Layout: the tokens of all sequences are packed into one [N, H] matrix (no padding), so every
// projection and MLP GEMM runs only on real tokens; attention works per sequence (CPU) or on a
// right-padded view (CUDA SDPA, see attention.cpp). Each sequence's positions start at 0, so a
// sequence gives the same numbers whatever it is batched with. The final norm and the LM head
// run only on the last token of each sequence.
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>

#include "lm/arch/arch.h"
#include "lm/decoder_impl.h"
#include "lm/layers.h"
#include "ntm/error.h"

namespace ntm::lm {

namespace {
bool ignorable(const std::string& name) {
  auto ends_with = [&](const std::string& s) {
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  return ends_with(".attn.bias") || ends_with(".attn.masked_bias") || ends_with("rotary_emb.inv_freq");
}
}  // namespace

void check_gguf_weights(const std::string& value, const std::string& flag) {
  if (value != "quantized" && value != "float")
    usage_error(flag, ": unknown value '", value, "' (use quantized or float)");
}

CausalLM::CausalLM(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CausalLM::~CausalLM() = default;

std::unique_ptr<CausalLM> CausalLM::load(const std::string& dir, const LoadOptions& opts) {
  auto t0 = std::chrono::steady_clock::now();
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  impl->cfg = load_decoder_config(dir);
  impl->device = opts.device;
  impl->dtype = resolve_dtype(opts.dtype, opts.device);
  check_gguf_weights(opts.gguf_weights, "gguf_weights");
  {
    c10::InferenceMode guard;
    WeightLoader w(dir, impl->cfg, impl->dtype, impl->device, opts.gguf_weights == "quantized");
    find_adapter(impl->cfg.model_type, dir).load(w, impl->cfg, impl->weights);
    impl->quantized_matrices = w.quantized_matrices();
    impl->quantized_bytes = w.quantized_bytes();
    std::vector<std::string> unused;
    for (const auto& n : w.unused())
      if (!ignorable(n)) unused.push_back(n);
    if (!unused.empty())
      spdlog::warn("{}: {} tensor(s) in the checkpoint are not used by model_type {} (first: '{}')", dir,
                   unused.size(), impl->cfg.model_type, unused.front());
  }
  if (impl->cfg.pos != PosKind::kLearned) impl->rope = std::make_unique<Rope>(impl->cfg, impl->device);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto& c = impl->cfg;
  std::string kept;
  if (impl->quantized_matrices > 0)
    kept = fmt::format(", {} matrices kept quantized ({:.1f} MiB)", impl->quantized_matrices,
                       static_cast<double>(impl->quantized_bytes) / (1 << 20));
  spdlog::info("lm: loaded {} ({}: {} layers, hidden {}, heads {}/{}, vocab {}) as {} on {}{} in {:.3f}s", dir,
               c.model_type, c.num_layers, c.hidden_size, c.num_heads, c.num_kv_heads, c.vocab_size,
               c10::toString(impl->dtype), impl->device.str(), kept, secs);
  return std::unique_ptr<CausalLM>(new CausalLM(std::move(impl)));
}

const DecoderConfig& CausalLM::config() const { return impl_->cfg; }
c10::ScalarType CausalLM::dtype() const { return impl_->dtype; }
c10::Device CausalLM::device() const { return impl_->device; }
const std::string& CausalLM::dir() const { return impl_->dir; }
bool CausalLM::keeps_quantized_weights() const { return impl_->quantized_matrices > 0; }

ForwardResult CausalLM::forward(const std::vector<std::vector<int64_t>>& seqs, const ForwardOptions& opts) const {
  return impl_->forward(seqs, opts, opts.prefix.get(), nullptr);
}

std::shared_ptr<const PrefixCache> CausalLM::prefix_cache(const std::vector<int64_t>& ids) const {
  if (ids.empty() || (impl_->rope && impl_->rope->length_dependent())) return nullptr;
  auto cache = std::make_shared<PrefixCache>();
  ForwardOptions fo;
  impl_->forward({ids}, fo, nullptr, cache.get());
  cache->ids = ids;
  return cache;
}

int64_t CausalLM::prefix_length(const std::shared_ptr<const PrefixCache>& prefix) {
  return prefix ? static_cast<int64_t>(prefix->ids.size()) : 0;
}

namespace {

// Token ids, positions or row indices as an int64 tensor on `device`.
at::Tensor long_on(const std::vector<int64_t>& v, c10::Device device) {
  return at::tensor(v, at::TensorOptions().dtype(at::kLong)).to(device);
}

// How many leading tokens of each sequence the prefix cache covers: the longest common run of ids,
// at most n - 1 (the last token always runs, its logits are the output).
std::vector<int64_t> prefix_skips(const std::vector<std::vector<int64_t>>& seqs, const PrefixCache* prefix) {
  std::vector<int64_t> skip(seqs.size(), 0);
  if (!prefix) return skip;
  for (size_t b = 0; b < seqs.size(); ++b) {
    const auto& s = seqs[b];
    const size_t m = std::min(prefix->ids.size(), s.empty() ? size_t(0) : s.size() - 1);
    size_t p = 0;
    while (p < m && s[p] == prefix->ids[p]) ++p;
    skip[b] = static_cast<int64_t>(p);
  }
  return skip;
}

struct PackedTokens {
  std::vector<int64_t> ids, pos, last, slot, full_lengths;
};

// The sequences' tokens after their skipped prefix, packed one after another (ids, positions,
// last-token rows, padded slots), checked against the vocabulary and the learned positions;
// fills batch's offsets, lengths, prefix lengths and max_len.
PackedTokens pack_tokens(const std::vector<std::vector<int64_t>>& seqs, const std::vector<int64_t>& skip,
                         const DecoderConfig& c, PackedBatch& batch) {
  PackedTokens t;
  for (size_t b = 0; b < seqs.size(); ++b)
    batch.max_len = std::max<int64_t>(batch.max_len, static_cast<int64_t>(seqs[b].size()) - skip[b]);
  for (size_t b = 0; b < seqs.size(); ++b) {
    const auto& s = seqs[b];
    const int64_t n = static_cast<int64_t>(s.size()), p = skip[b];
    if (n == 0) input_error("lm forward: sequence ", b, " is empty (every sequence needs at least one token)");
    if (c.pos == PosKind::kLearned && n > c.max_position_embeddings)
      input_error("lm forward: sequence ", b, " has ", n, " tokens but the model knows only ",
                  c.max_position_embeddings, " positions");
    batch.offsets.push_back(static_cast<int64_t>(t.ids.size()));
    batch.lengths.push_back(n - p);
    batch.prefix_lengths.push_back(p);
    t.full_lengths.push_back(n);
    for (int64_t i = p; i < n; ++i) {
      const int64_t id = s[static_cast<size_t>(i)];
      if (id < 0 || id >= c.vocab_size)
        input_error("lm forward: sequence ", b, " token ", i, ": id ", id, " is outside the vocabulary [0, ",
                    c.vocab_size, ")");
      t.ids.push_back(id);
      t.pos.push_back(i);
      t.slot.push_back(static_cast<int64_t>(b) * batch.max_len + i - p);
    }
    t.last.push_back(static_cast<int64_t>(t.ids.size()) - 1);
  }
  return t;
}

// The LM head on the final hidden states [B, H]: the requested logits (or all), the argmax, the
// per-layer states, copied to the host as fp32.
ForwardResult head_outputs(const DecoderConfig& c, const DecoderWeights& W, const at::Tensor& hidden,
                           std::vector<at::Tensor>& layer_states, const ForwardOptions& opts, c10::Device device) {
  ForwardResult out;
  const std::vector<int64_t>& wanted = opts.token_ids;
  for (int64_t id : wanted)
    if (id < 0 || id >= c.vocab_size)
      usage_error("lm forward: requested token id ", id, " is outside the vocabulary [0, ", c.vocab_size, ")");
  // Only the requested rows of the head are multiplied, unless the full-vocabulary argmax is
  // wanted too; then the full logits stay on the device and only the selection leaves it.
  const bool select_rows = !wanted.empty() && !opts.argmax;
  at::Tensor logits = select_rows ? at::linear(hidden, W.lm_head.rows_at(long_on(wanted, device)))
                                  : W.lm_head.linear(hidden);  // [B, |token_ids|] or [B, V_lm]
  if (c.final_softcap > 0.0) logits = at::tanh(logits / c.final_softcap) * c.final_softcap;
  at::Tensor argmax = opts.argmax ? logits.argmax(1) : at::Tensor();  // [B]
  if (!wanted.empty() && !select_rows) logits = logits.index_select(1, long_on(wanted, device));
  // To the host: dtype conversion on the device; on CUDA, non-blocking copies into pinned
  // (page-locked, cached by libtorch's host allocator) buffers and a single synchronisation.
  const bool cuda = logits.is_cuda();
  auto host = [&](const at::Tensor& t) {
    at::Tensor d = t.scalar_type() == at::kLong ? t.contiguous() : t.to(at::kFloat).contiguous();
    if (!cuda) return d;
    at::Tensor h = at::empty(d.sizes(), d.options().device(at::kCPU).pinned_memory(true));
    h.copy_(d, /*non_blocking=*/true);
    return h;
  };
  out.last_logits = host(logits);
  out.last_hidden = host(hidden);
  if (opts.argmax) out.argmax = host(argmax);
  if (opts.all_layers) {
    layer_states.push_back(hidden);
    out.all_layers_last_hidden = host(at::stack(layer_states));  // [L+1, B, H]
  }
  if (cuda) torch::cuda::synchronize(logits.device().index());
  return out;
}

}  // namespace

ForwardResult CausalLM::Impl::forward(const std::vector<std::vector<int64_t>>& seqs, const ForwardOptions& opts,
                                      const PrefixCache* prefix, PrefixCache* capture) const {
  c10::InferenceMode guard;
  const DecoderConfig& c = cfg;
  const DecoderWeights& W = weights;
  if (seqs.empty()) usage_error("lm forward: no sequences");

  // Packed layout: ids, positions, last-token rows, padded slots. With a prefix, sequence b
  // runs only its tokens from p_b on (positions p_b..n-1); keys 0..p_b-1 come from the cache.
  PackedBatch batch;
  const PackedTokens tokens = pack_tokens(seqs, prefix_skips(seqs, prefix), c, batch);
  at::Tensor ids_t = long_on(tokens.ids, device), pos_t = long_on(tokens.pos, device);
  at::Tensor last_t = long_on(tokens.last, device);
  batch.slot = long_on(tokens.slot, device);

  const int64_t N = static_cast<int64_t>(tokens.ids.size()), H = c.hidden_size, hd = c.head_dim;
  const int64_t nq = c.num_heads * hd, nkv = c.num_kv_heads * hd;
  at::Tensor x = W.embed.rows_at(ids_t);  // [N, H]
  if (c.embed_scale)  // HF: hidden * tensor(sqrt(H), dtype=hidden.dtype)
    x = x * at::scalar_tensor(std::sqrt(static_cast<double>(H)), x.options());
  if (c.pos == PosKind::kLearned) x = x + W.pos_embed.index_select(0, pos_t);

  std::vector<at::Tensor> layer_states;  // each [B, H]
  if (opts.all_layers) layer_states.push_back(x.index_select(0, last_t));
  at::Tensor cos, sin;
  // Full lengths: the table must reach position n - 1 (length-dependent types never have a prefix).
  if (rope) std::tie(cos, sin) = rope->cos_sin(tokens.full_lengths, pos_t);
  if (prefix) batch.prefix_lengths_t = long_on(batch.prefix_lengths, device);
  if (capture) capture->k.clear(), capture->v.clear();

  for (int64_t l = 0; l < c.num_layers; ++l) {
    const LayerWeights& L = W.layers[static_cast<size_t>(l)];
    at::Tensor h = norm(c, x, L.attn_norm_w, L.attn_norm_b);
    at::Tensor qkv = linear(h, L.qkv_w, L.qkv_b);  // [N, nq + 2 nkv]
    at::Tensor q = qkv.narrow(1, 0, nq).view({N, c.num_heads, hd});
    at::Tensor k = qkv.narrow(1, nq, nkv).view({N, c.num_kv_heads, hd});
    at::Tensor v = qkv.narrow(1, nq + nkv, nkv).view({N, c.num_kv_heads, hd});
    if (c.qk_norm) {
      q = norm(c, q, L.q_norm_w);
      k = norm(c, k, L.k_norm_w);
    }
    if (rope) {
      q = rope->apply(q, cos, sin);
      k = rope->apply(k, cos, sin);
    }
    if (capture) {
      capture->k.push_back(k.contiguous());
      capture->v.push_back(v.contiguous());
    }
    at::Tensor pk, pv;
    if (prefix) {
      pk = prefix->k[static_cast<size_t>(l)];
      pv = prefix->v[static_cast<size_t>(l)];
    }
    const double scale = c.attn_scale_by_layer ? c.attn_scale / static_cast<double>(l + 1) : c.attn_scale;
    at::Tensor a = attention(q, k, v, pk, pv, batch, scale, c.sliding_window[static_cast<size_t>(l)], c.attn_softcap);
    a = linear(a, L.o_w, L.o_b);  // [N, H]
    if (c.sandwich_norms) a = norm(c, a, L.post_attn_norm_w);
    x = x + a;
    h = norm(c, x, L.mlp_norm_w, L.mlp_norm_b);
    at::Tensor m;
    if (c.gated_mlp) {
      const int64_t I = c.intermediate_size;
      at::Tensor gu = linear(h, L.up_w, L.up_b);  // [N, 2I] gate | up
      m = activation(c.act, gu.narrow(1, 0, I)).mul_(gu.narrow(1, I, I));
    } else {
      m = activation(c.act, linear(h, L.up_w, L.up_b));
    }
    m = linear(m, L.down_w, L.down_b);
    if (c.sandwich_norms) m = norm(c, m, L.post_mlp_norm_w);
    x = x + m;
    if (opts.all_layers && l + 1 < c.num_layers) layer_states.push_back(x.index_select(0, last_t));
  }

  at::Tensor hidden = norm(c, x.index_select(0, last_t), W.final_norm_w, W.final_norm_b);  // [B, H]
  return head_outputs(c, W, hidden, layer_states, opts, device);
}

}  // namespace ntm::lm
