// config.json parsing shared by the family adapters, and the entry points of config.h.
#include "ntm/util/symlinks.h"
#include "ntm/lm/config.h"

#include <cmath>
#include <sstream>

#include "lm/arch/arch.h"
#include "lm/gguf_model.h"
#include "ntm/error.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"

namespace ntm::lm {

using nlohmann::json;

int64_t DecoderConfig::rotary_dim() const {
  int64_t d = static_cast<int64_t>(static_cast<double>(head_dim) * rope.partial_rotary_factor);
  return d - d % 2;
}

void ConfigReader::fail(const std::string& key, const std::string& what) const {
  input_error(where_, ": key '", key, "' ", what);
}

int64_t ConfigReader::req_int(const std::string& key) const {
  if (!has(key)) input_error(where_, ": missing key '", key, "' (required for this model_type)");
  const auto& v = cfg_.at(key);
  if (!v.is_number_integer()) fail(key, "must be an integer (found " + json_type_name(v) + ")");
  return v.get<int64_t>();
}

int64_t ConfigReader::opt_int(const std::string& key, int64_t fallback) const {
  if (!has(key)) return fallback;
  const auto& v = cfg_.at(key);
  if (!v.is_number_integer()) fail(key, "must be an integer (found " + json_type_name(v) + ")");
  return v.get<int64_t>();
}

double ConfigReader::opt_num(const std::string& key, double fallback) const {
  if (!has(key)) return fallback;
  const auto& v = cfg_.at(key);
  if (!v.is_number()) fail(key, "must be a number (found " + json_type_name(v) + ")");
  return v.get<double>();
}

bool ConfigReader::opt_bool(const std::string& key, bool fallback) const {
  if (!has(key)) return fallback;
  const auto& v = cfg_.at(key);
  if (!v.is_boolean()) fail(key, "must be true or false (found " + json_type_name(v) + ")");
  return v.get<bool>();
}

std::string ConfigReader::opt_str(const std::string& key, const std::string& fallback) const {
  if (!has(key)) return fallback;
  const auto& v = cfg_.at(key);
  if (!v.is_string()) fail(key, "must be a string (found " + json_type_name(v) + ")");
  return v.get<std::string>();
}

Act parse_act(const ConfigReader& r, const std::string& key, const std::string& fallback) {
  std::string a = r.opt_str(key, fallback);
  if (a == "silu" || a == "swish") return Act::kSilu;
  if (a == "gelu") return Act::kGeluErf;  // exact erf GELU, as current transformers' ACT2FN
  if (a == "gelu_new" || a == "gelu_pytorch_tanh" || a == "gelu_fast") return Act::kGeluTanh;
  if (a == "relu") return Act::kRelu;
  r.fail(key, "= '" + a + "' is not supported (supported: silu, swish, gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu)");
}

RopeConfig parse_rope(const ConfigReader& r, double theta_default) {
  // v5 folds everything into rope_parameters; v4 has rope_theta + rope_scaling at the top level.
  json params = json::object();
  const char* src = "rope_scaling";
  if (r.has("rope_scaling")) {
    if (!r.at("rope_scaling").is_object()) r.fail("rope_scaling", "must be an object or null");
    params = r.at("rope_scaling");
  }
  if (r.has("rope_parameters")) {
    const auto& p = r.at("rope_parameters");
    if (!p.is_object()) r.fail("rope_parameters", "must be an object");
    if (p.contains("full_attention") && p["full_attention"].is_object())
      r.fail("rope_parameters", "has per-layer-type settings, which ntm does not support");
    for (auto it = p.begin(); it != p.end(); ++it) params[it.key()] = it.value();
    src = "rope_parameters";
  }
  ConfigReader p(params, r.where() + " (" + src + ")");
  RopeConfig rope;
  rope.theta = p.opt_num("rope_theta", r.opt_num("rope_theta", theta_default));
  rope.partial_rotary_factor = p.opt_num("partial_rotary_factor", r.opt_num("partial_rotary_factor", 1.0));
  if (!(rope.partial_rotary_factor > 0.0 && rope.partial_rotary_factor <= 1.0))
    p.fail("partial_rotary_factor", "must be in (0, 1]");
  rope.type = p.opt_str("rope_type", p.opt_str("type", "default"));
  if (rope.type == "su") rope.type = "longrope";
  rope.factor = p.opt_num("factor", 1.0);
  rope.low_freq_factor = p.opt_num("low_freq_factor", 1.0);
  rope.high_freq_factor = p.opt_num("high_freq_factor", 4.0);
  rope.original_max_position_embeddings = p.opt_int(
      "original_max_position_embeddings",
      r.opt_int("original_max_position_embeddings", r.opt_int("max_position_embeddings", 0)));
  if (p.has("attention_factor")) rope.attention_factor = p.opt_num("attention_factor", 1.0);
  rope.beta_fast = p.opt_num("beta_fast", 32.0);
  rope.beta_slow = p.opt_num("beta_slow", 1.0);
  rope.mscale = p.opt_num("mscale", 0.0);
  rope.mscale_all_dim = p.opt_num("mscale_all_dim", 0.0);
  rope.truncate = p.opt_bool("truncate", true);
  auto read_list = [&](const char* key) {
    std::vector<double> out;
    if (!p.has(key)) return out;
    if (!p.at(key).is_array()) p.fail(key, "must be an array of numbers");
    for (const auto& x : p.at(key)) {
      if (!x.is_number()) p.fail(key, "must be an array of numbers");
      out.push_back(x.get<double>());
    }
    return out;
  };
  rope.long_factor = read_list("long_factor");
  rope.short_factor = read_list("short_factor");

  const std::string& t = rope.type;
  if (t != "default" && t != "linear" && t != "dynamic" && t != "yarn" && t != "llama3" && t != "longrope")
    p.fail("rope_type", "= '" + t + "' is not supported (supported: default, linear, dynamic, yarn, llama3, longrope)");
  if (t == "llama3" && !p.has("original_max_position_embeddings"))
    input_error(p.where(), ": rope_type llama3 needs key 'original_max_position_embeddings'");
  if ((t == "linear" || t == "dynamic" || t == "yarn" || t == "llama3") && !p.has("factor"))
    input_error(p.where(), ": rope_type ", t, " needs key 'factor'");
  if (t == "longrope" && (rope.long_factor.empty() || rope.short_factor.empty()))
    input_error(p.where(), ": rope_type longrope needs keys 'long_factor' and 'short_factor'");
  if (rope.original_max_position_embeddings <= 0 && t != "default" && t != "linear")
    input_error(p.where(), ": rope_type ", t, " needs 'original_max_position_embeddings' or 'max_position_embeddings'");
  return rope;
}

void parse_llama_like(const ConfigReader& r, DecoderConfig& cfg, bool tie_default) {
  cfg.vocab_size = r.req_int("vocab_size");
  cfg.hidden_size = r.req_int("hidden_size");
  cfg.num_layers = r.req_int("num_hidden_layers");
  cfg.num_heads = r.req_int("num_attention_heads");
  cfg.intermediate_size = r.req_int("intermediate_size");
  cfg.num_kv_heads = r.opt_int("num_key_value_heads", cfg.num_heads);
  if (cfg.num_heads <= 0) r.fail("num_attention_heads", "must be positive");
  if (!r.has("head_dim") && cfg.hidden_size % cfg.num_heads != 0)
    r.fail("hidden_size", "is not divisible by num_attention_heads and no head_dim is given");
  cfg.head_dim = r.opt_int("head_dim", cfg.hidden_size / cfg.num_heads);
  cfg.max_position_embeddings = r.opt_int("max_position_embeddings", 0);
  cfg.norm_eps = r.opt_num("rms_norm_eps", 1e-6);
  cfg.act = parse_act(r, "hidden_act", "silu");
  cfg.rope = parse_rope(r, 10000.0);
  cfg.tie_word_embeddings = r.opt_bool("tie_word_embeddings", tie_default);
  cfg.attn_scale = 1.0 / std::sqrt(static_cast<double>(cfg.head_dim));
  cfg.sliding_window.assign(static_cast<size_t>(std::max<int64_t>(cfg.num_layers, 0)), 0);
}

namespace {
void validate(const DecoderConfig& c, const std::string& where) {
  auto positive = [&](int64_t v, const char* what) {
    if (v <= 0) input_error(where, ": ", what, " must be positive (found ", v, ")");
  };
  positive(c.vocab_size, "vocab size");
  positive(c.hidden_size, "hidden size");
  positive(c.num_layers, "number of layers");
  positive(c.num_heads, "number of attention heads");
  positive(c.num_kv_heads, "number of key/value heads");
  positive(c.head_dim, "head_dim");
  positive(c.intermediate_size, "intermediate size");
  if (c.num_heads % c.num_kv_heads != 0)
    input_error(where, ": num_attention_heads (", c.num_heads, ") is not a multiple of num_key_value_heads (",
                c.num_kv_heads, ")");
  if (c.pos != PosKind::kLearned && c.rotary_dim() <= 0)
    input_error(where, ": rotary dimension is 0 (head_dim x partial_rotary_factor)");
  if (c.rope.type == "longrope" &&
      (static_cast<int64_t>(c.rope.long_factor.size()) != c.rotary_dim() / 2 ||
       static_cast<int64_t>(c.rope.short_factor.size()) != c.rotary_dim() / 2))
    input_error(where, ": longrope long_factor/short_factor need ", c.rotary_dim() / 2, " entries (found ",
                c.rope.long_factor.size(), "/", c.rope.short_factor.size(), ")");
}
}  // namespace

DecoderConfig parse_decoder_config(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) input_error(where, ": not a JSON object");
  if (!j.contains("model_type") || !j["model_type"].is_string())
    input_error(where, ": missing key 'model_type' (supported: ", [] {
      std::string s;
      for (const auto& t : supported_model_types()) s += (s.empty() ? "" : ", ") + t;
      return s;
    }(), ")");
  ConfigReader r(j, where);
  const ArchAdapter& a = find_adapter(j["model_type"].get<std::string>(), where);
  DecoderConfig cfg;
  cfg.model_type = a.model_type;
  a.parse(r, cfg);
  validate(cfg, where);
  return cfg;
}

DecoderConfig load_decoder_config(const std::string& dir) {
  if (is_gguf_model(dir)) {
    auto f = gguf::File::open(dir);
    return parse_decoder_config(gguf_hf_config(*f), dir);
  }
  std::string path = path_join(dir, "config.json");
  if (!path_exists(path)) input_error(dir, ": no config.json (not a Hugging Face model folder?)");
  check_inside_model_dir(dir, path);
  return parse_decoder_config(load_json_file(path), path);
}

std::vector<std::string> supported_model_types() {
  std::vector<std::string> out;
  for (const auto& a : arch_table()) out.push_back(a.model_type);
  return out;
}

const ArchAdapter& find_adapter(const std::string& model_type, const std::string& where) {
  for (const auto& a : arch_table())
    if (model_type == a.model_type) return a;
  std::string list;
  for (const auto& t : supported_model_types()) list += (list.empty() ? "" : ", ") + t;
  input_error(where, ": model_type '", model_type, "' is not supported (supported: ", list, ")");
}

}  // namespace ntm::lm
