// Llama 2 / 3.x, SmolLM (model_type "llama"): the reference layout. attention_bias puts biases
// on q, k, v and o; mlp_bias on the MLP; rope_scaling may be llama3, linear, dynamic or yarn.
#include "lm/arch/arch.h"

namespace ntm::lm {
namespace {
void parse(const ConfigReader& r, DecoderConfig& c) {
  parse_llama_like(r, c, /*tie_default=*/false);
  c.qkv_bias = c.o_bias = r.opt_bool("attention_bias", false);
  c.mlp_bias = r.opt_bool("mlp_bias", false);
}
void load(WeightLoader& w, const DecoderConfig& c, DecoderWeights& out) { load_llama_style(w, c, out); }
}  // namespace

ArchAdapter llama_adapter() { return {"llama", parse, load}; }

}  // namespace ntm::lm
