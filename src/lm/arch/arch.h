#pragma once
// Family adapters: each src/lm/arch/<family>.cpp fills a DecoderConfig from config.json and
// loads the family's weights into DecoderWeights. The table in registry.cpp lists them all.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "lm/weights.h"
#include "ntm/error.h"
#include "ntm/lm/config.h"

namespace ntm::lm {

// Typed access to config.json with errors that name the file and the key.
class ConfigReader {
 public:
  ConfigReader(const nlohmann::json& cfg, std::string where) : cfg_(cfg), where_(std::move(where)) {}
  bool has(const std::string& key) const { return cfg_.contains(key) && !cfg_.at(key).is_null(); }
  const nlohmann::json& at(const std::string& key) const { return cfg_.at(key); }
  const nlohmann::json& json() const { return cfg_; }
  const std::string& where() const { return where_; }
  int64_t req_int(const std::string& key) const;
  int64_t opt_int(const std::string& key, int64_t fallback) const;
  double opt_num(const std::string& key, double fallback) const;
  bool opt_bool(const std::string& key, bool fallback) const;
  std::string opt_str(const std::string& key, const std::string& fallback) const;
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;

 private:
  const nlohmann::json& cfg_;
  std::string where_;
};

struct ArchAdapter {
  const char* model_type;
  void (*parse)(const ConfigReader& r, DecoderConfig& cfg);
  void (*load)(WeightLoader& w, const DecoderConfig& cfg, DecoderWeights& out);
};

// The explicit table of supported families (registry.cpp).
const std::vector<ArchAdapter>& arch_table();
const ArchAdapter& find_adapter(const std::string& model_type, const std::string& where);

// Shared parsing for Llama-derived configs: sizes, head_dim, eps, activation, rope (both
// styles), tie_word_embeddings (default `tie_default`), attention scale head_dim^-0.5.
void parse_llama_like(const ConfigReader& r, DecoderConfig& cfg, bool tie_default);
// Rope settings from rope_parameters (v5) or rope_theta + rope_scaling (v4).
RopeConfig parse_rope(const ConfigReader& r, double theta_default);
Act parse_act(const ConfigReader& r, const std::string& key, const std::string& fallback);
// Per-layer sliding window from layer_types when present, else `window` on every layer where
// `sliding(i)` holds.
template <typename F>
std::vector<int64_t> sliding_windows(const ConfigReader& r, int64_t layers, int64_t window, F sliding) {
  std::vector<int64_t> out(static_cast<size_t>(layers), 0);
  if (window <= 0) return out;
  if (r.has("layer_types")) {
    const auto& lt = r.at("layer_types");
    if (!lt.is_array() || static_cast<int64_t>(lt.size()) != layers)
      r.fail("layer_types", "must be an array with one entry per layer (" + std::to_string(layers) + ")");
    for (int64_t i = 0; i < layers; ++i)
      out[static_cast<size_t>(i)] = lt[static_cast<size_t>(i)] == "sliding_attention" ? window : 0;
    return out;
  }
  for (int64_t i = 0; i < layers; ++i) out[static_cast<size_t>(i)] = sliding(i) ? window : 0;
  return out;
}

// Adapters (one file each).
ArchAdapter llama_adapter();
ArchAdapter mistral_adapter();
ArchAdapter qwen2_adapter();
ArchAdapter qwen3_adapter();
ArchAdapter phi3_adapter();
ArchAdapter gemma_adapter();
ArchAdapter gemma2_adapter();
ArchAdapter ernie4_5_adapter();
ArchAdapter gpt2_adapter();

}  // namespace ntm::lm
