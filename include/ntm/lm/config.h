#pragma once
// DecoderConfig: everything the generic decoder needs to know about one checkpoint, filled
// from config.json by the adapter of its family (src/lm/arch/<family>.cpp).
//
// Both config.json styles are read: transformers-4 (rope_theta / rope_scaling at the top level)
// and transformers-5 (rope_parameters holding rope_theta, rope_type, factor, ...).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ntm::lm {

enum class NormKind {
  kRms,        // Llama: w * (x32 * rsqrt(mean(x32^2) + eps)).to(dtype)
  kRmsOnePlus, // Gemma: ((x32 * rsqrt(...)) * (1 + w32)).to(dtype)
  kLayerNorm,  // GPT-2: LayerNorm with weight and bias
};
enum class PosKind {
  kRopeHalf,        // rotate_half on split halves (Llama, most families)
  kRopeInterleaved, // GLM style on even/odd pairs, computed in fp32 (ERNIE-4.5)
  kLearned,         // absolute position table added to the embeddings (GPT-2)
};
enum class Act { kSilu, kGeluErf, kGeluTanh, kRelu };

struct RopeConfig {
  std::string type = "default";  // default | linear | dynamic | yarn | llama3 | longrope
  double theta = 10000.0;
  double partial_rotary_factor = 1.0;
  double factor = 1.0;
  double low_freq_factor = 1.0, high_freq_factor = 4.0;  // llama3
  int64_t original_max_position_embeddings = 0;           // llama3 / yarn / longrope
  std::optional<double> attention_factor;                 // yarn / longrope
  double beta_fast = 32.0, beta_slow = 1.0;               // yarn
  double mscale = 0.0, mscale_all_dim = 0.0;              // yarn
  bool truncate = true;                                   // yarn
  std::vector<double> long_factor, short_factor;          // longrope
};

struct DecoderConfig {
  std::string model_type;
  int64_t vocab_size = 0, hidden_size = 0, num_layers = 0;
  int64_t num_heads = 0, num_kv_heads = 0, head_dim = 0, intermediate_size = 0;
  int64_t max_position_embeddings = 0;
  double norm_eps = 1e-6;
  NormKind norm = NormKind::kRms;
  PosKind pos = PosKind::kRopeHalf;
  RopeConfig rope;
  Act act = Act::kSilu;
  bool gated_mlp = true;        // down(act(gate) * up); false: fc -> act -> proj (GPT-2)
  bool qkv_bias = false, o_bias = false, mlp_bias = false;
  bool qk_norm = false;         // Qwen3: RMSNorm over head_dim on q and k before RoPE
  bool sandwich_norms = false;  // Gemma2: post-attention and pre/post-feedforward norms
  bool embed_scale = false;     // Gemma: embeddings * sqrt(hidden), cast to the activation dtype
  double attn_scale = 0.0;      // multiplies q.k (head_dim^-0.5 unless the family says otherwise)
  double attn_softcap = 0.0;    // Gemma2: tanh(s / c) * c on attention scores (0 = off)
  double final_softcap = 0.0;   // Gemma2: on the logits (0 = off)
  bool attn_scale_by_layer = false;     // GPT-2 scale_attn_by_inverse_layer_idx
  std::vector<int64_t> sliding_window;  // per layer, 0 = full attention
  bool tie_word_embeddings = false;

  int64_t rotary_dim() const;  // head_dim * partial_rotary_factor, even
};

// Parses <dir>/config.json with the adapter registered for its model_type (or, when `dir` is a
// .gguf file, the config its metadata implies: src/lm/gguf_model.h). Errors name the file and
// the key; an unknown model_type lists the supported ones.
DecoderConfig load_decoder_config(const std::string& dir);
DecoderConfig parse_decoder_config(const nlohmann::json& cfg, const std::string& where);

// model_type values ntm can run, in table order.
std::vector<std::string> supported_model_types();

}  // namespace ntm::lm
