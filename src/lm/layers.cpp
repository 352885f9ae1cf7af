// Norms, activations and linear projections, in the cast order transformers uses.
#include "lm/layers.h"

#include <torch/torch.h>

namespace ntm::lm {

at::Tensor norm(const DecoderConfig& cfg, const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) {
  switch (cfg.norm) {
    case NormKind::kLayerNorm:
      return at::layer_norm(x, {x.size(-1)}, w, b, cfg.norm_eps);
    case NormKind::kRms: {
      // Llama: weight * (x32 * rsqrt(mean(x32^2) + eps)).to(dtype)
      auto x32 = x.to(at::kFloat);
      auto var = x32.pow(2).mean(-1, /*keepdim=*/true);
      auto y = (x32 * at::rsqrt(var + cfg.norm_eps)).to(x.scalar_type());
      return w * y;
    }
    case NormKind::kRmsOnePlus: {
      // Gemma: ((x32 * rsqrt(mean(x32^2) + eps)) * (1 + w32)).to(dtype); w holds 1 + w32.
      auto x32 = x.to(at::kFloat);
      auto var = x32.pow(2).mean(-1, /*keepdim=*/true);
      return (x32 * at::rsqrt(var + cfg.norm_eps) * w).to(x.scalar_type());
    }
  }
  return x;
}

at::Tensor activation(Act act, const at::Tensor& x) {
  switch (act) {
    case Act::kSilu:
      return at::silu(x);
    case Act::kGeluErf:
      return at::gelu(x);
    case Act::kGeluTanh:
      return at::gelu(x, "tanh");
    case Act::kRelu:
      return at::relu(x);
  }
  return x;
}

at::Tensor linear(const at::Tensor& x, const Weight& w, const at::Tensor& b) { return w.linear(x, b); }

}  // namespace ntm::lm
