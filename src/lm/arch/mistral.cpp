// Mistral (model_type "mistral"): Llama blocks + an optional sliding window on every layer.
#include "lm/arch/arch.h"

namespace ntm::lm {
namespace {
void parse(const ConfigReader& r, DecoderConfig& c) {
  parse_llama_like(r, c, /*tie_default=*/false);
  int64_t window = r.opt_int("sliding_window", 0);
  c.sliding_window = sliding_windows(r, c.num_layers, window, [](int64_t) { return true; });
}
void load(WeightLoader& w, const DecoderConfig& c, DecoderWeights& out) { load_llama_style(w, c, out); }
}  // namespace

ArchAdapter mistral_adapter() { return {"mistral", parse, load}; }

}  // namespace ntm::lm
