// RoPE frequencies as transformers' modeling_rope_utils computes them (fp32 throughout).
#include "lm/rope.h"

#include <torch/torch.h>

#include <cmath>

#include "ntm/error.h"

namespace ntm::lm {

Rope::Rope(const DecoderConfig& cfg, c10::Device device) : cfg_(cfg), device_(device), dim_(cfg.rotary_dim()) {}

bool Rope::length_dependent() const { return cfg_.rope.type == "dynamic" || cfg_.rope.type == "longrope"; }

namespace {
// theta^(2i/dim) for i < dim/2, in fp32 like `base ** (arange(0, dim, 2).float() / dim)`.
at::Tensor base_powers(double theta, int64_t dim) {
  auto expo = at::arange(0, dim, 2, at::kLong).to(at::kFloat) / static_cast<double>(dim);
  return at::pow(theta, expo);
}
double yarn_mscale(double scale, double m) { return scale <= 1.0 ? 1.0 : 0.1 * m * std::log(scale) + 1.0; }
}  // namespace

std::pair<at::Tensor, double> Rope::inv_freq(int64_t seq_len) const {
  const RopeConfig& r = cfg_.rope;
  const int64_t dim = dim_;
  const double pi = 3.14159265358979323846;
  at::Tensor inv = at::reciprocal(base_powers(r.theta, dim));
  double scaling = 1.0;
  if (r.type == "linear") {
    inv = inv / r.factor;
  } else if (r.type == "dynamic") {
    const double maxp = static_cast<double>(cfg_.max_position_embeddings > 0 ? cfg_.max_position_embeddings
                                                                             : r.original_max_position_embeddings);
    const double len = std::max(static_cast<double>(seq_len), maxp);
    const double base = r.theta * std::pow(r.factor * len / maxp - (r.factor - 1.0),
                                           static_cast<double>(dim) / static_cast<double>(dim - 2));
    inv = at::reciprocal(base_powers(base, dim));
  } else if (r.type == "llama3") {
    const double orig = static_cast<double>(r.original_max_position_embeddings);
    const double low_wl = orig / r.low_freq_factor, high_wl = orig / r.high_freq_factor;
    auto wavelen = (2.0 * pi) / inv;
    auto inv_l = at::where(wavelen > low_wl, inv / r.factor, inv);
    auto smooth = (orig / wavelen - r.low_freq_factor) / (r.high_freq_factor - r.low_freq_factor);
    auto smoothed = (1.0 - smooth) * inv_l / r.factor + smooth * inv_l;
    auto medium = at::logical_not(wavelen < high_wl).logical_and(at::logical_not(wavelen > low_wl));
    inv = at::where(medium, smoothed, inv_l);
  } else if (r.type == "yarn") {
    const double orig = static_cast<double>(r.original_max_position_embeddings);
    const double f = r.factor;
    if (r.attention_factor) {
      scaling = *r.attention_factor;
    } else if (r.mscale != 0.0 && r.mscale_all_dim != 0.0) {
      scaling = yarn_mscale(f, r.mscale) / yarn_mscale(f, r.mscale_all_dim);
    } else {
      scaling = yarn_mscale(f, 1.0);
    }
    auto corr_dim = [&](double rot) {
      return (static_cast<double>(dim) * std::log(orig / (rot * 2.0 * pi))) / (2.0 * std::log(r.theta));
    };
    double low = corr_dim(r.beta_fast), high = corr_dim(r.beta_slow);
    if (r.truncate) {
      low = std::floor(low);
      high = std::ceil(high);
    }
    low = std::max(low, 0.0);
    high = std::min(high, static_cast<double>(dim - 1));
    if (low == high) high += 0.001;
    auto pos_freqs = base_powers(r.theta, dim);
    auto extrap = at::reciprocal(pos_freqs);
    auto interp = at::reciprocal(f * pos_freqs);
    auto ramp = ((at::arange(dim / 2, at::kFloat) - low) / (high - low)).clamp(0.0, 1.0);
    auto extrap_factor = 1.0 - ramp;
    inv = interp * (1.0 - extrap_factor) + extrap * extrap_factor;
  } else if (r.type == "longrope") {
    const double orig = static_cast<double>(r.original_max_position_embeddings);
    double f = r.factor;
    if (cfg_.max_position_embeddings > 0 && r.original_max_position_embeddings > 0)
      f = static_cast<double>(cfg_.max_position_embeddings) / orig;
    scaling = r.attention_factor ? *r.attention_factor
                                 : (f <= 1.0 ? 1.0 : std::sqrt(1.0 + std::log(f) / std::log(orig)));
    const auto& ext = static_cast<double>(seq_len) > orig ? r.long_factor : r.short_factor;
    auto ext_t = at::tensor(std::vector<double>(ext.begin(), ext.end()), at::kDouble).to(at::kFloat);
    inv = at::reciprocal(ext_t * base_powers(r.theta, dim));
  }
  // inv_freq stays fp32 whatever the checkpoint's dtype, as in transformers 5.23 (5.17 rounded the
  // static buffer of a bf16/fp16 checkpoint to that dtype; tests/fixtures/README.md).
  return {inv.contiguous(), scaling};
}

std::pair<at::Tensor, at::Tensor> Rope::cos_sin(const std::vector<int64_t>& lengths, const at::Tensor& positions) {
  int64_t max_len = 0;
  for (int64_t n : lengths) max_len = std::max(max_len, n);
  auto make = [&](int64_t n, int64_t seq_len) {
    auto [inv, scaling] = inv_freq(seq_len);
    auto freqs = at::arange(n, at::kFloat).unsqueeze(1) * inv.unsqueeze(0);  // [n, dim/2]
    auto c = freqs.cos(), s = freqs.sin();
    if (scaling != 1.0) {
      c = c * scaling;
      s = s * scaling;
    }
    return std::make_pair(c, s);
  };
  if (!length_dependent()) {
    if (!cos_table_.defined() || cos_table_.size(0) < max_len) {
      int64_t n = 256;
      while (n < max_len) n *= 2;
      auto [c, s] = make(n, n);
      cos_table_ = c.to(device_);
      sin_table_ = s.to(device_);
    }
    return {cos_table_.index_select(0, positions), sin_table_.index_select(0, positions)};
  }
  std::vector<at::Tensor> cs, ss;
  for (int64_t n : lengths) {
    auto [c, s] = make(n, n);
    cs.push_back(c);
    ss.push_back(s);
  }
  return {at::cat(cs).to(device_), at::cat(ss).to(device_)};
}

at::Tensor Rope::apply(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) const {
  const int64_t hd = x.size(-1), half = dim_ / 2;
  if (cfg_.pos == PosKind::kRopeInterleaved) {
    // ERNIE-4.5: pairs (2i, 2i+1) rotate by frequency i, computed in fp32 then cast back.
    auto xf = x.narrow(-1, 0, dim_).to(at::kFloat).unflatten(-1, {half, 2});  // [N, h, half, 2]
    auto x0 = xf.select(-1, 0), x1 = xf.select(-1, 1);
    auto c = cos.unsqueeze(1), s = sin.unsqueeze(1);  // [N, 1, half]
    auto rot = at::stack({x0 * c - x1 * s, x1 * c + x0 * s}, -1).flatten(-2).to(x.scalar_type());
    if (dim_ == hd) return rot;
    return at::cat({rot, x.narrow(-1, dim_, hd - dim_)}, -1);
  }
  // Half-split (NeoX) convention: q * cos + rotate_half(q) * sin, cos/sin cast to x's dtype.
  auto c = cos.to(x.scalar_type()).unsqueeze(1), s = sin.to(x.scalar_type()).unsqueeze(1);
  auto x1 = x.narrow(-1, 0, half), x2 = x.narrow(-1, half, half);
  std::vector<at::Tensor> parts = {x1 * c - x2 * s, x2 * c + x1 * s};
  if (dim_ < hd) parts.push_back(x.narrow(-1, dim_, hd - dim_));
  return at::cat(parts, -1);
}

}  // namespace ntm::lm
