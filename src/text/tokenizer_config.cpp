#include "text/tokenizer_config.h"

#include <climits>
#include <cmath>
#include <limits>

#include "ntm/error.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"

namespace ntm::text {
namespace {

// A special token is either a string or an object with "content" (AddedToken serialisation).
std::optional<std::string> token_field(const json& j, const char* key, const std::string& path) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  const json& v = j[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("content") && v["content"].is_string()) return v["content"].get<std::string>();
  input_error(path, ": key '", key, "' must be a string, {\"content\": ...} or null");
}

std::optional<bool> bool_field(const json& j, const char* key, const std::string& path) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  if (!j[key].is_boolean()) input_error(path, ": key '", key, "' must be true or false");
  return j[key].get<bool>();
}

}  // namespace

TokenizerConfig read_tokenizer_config(const std::string& path) {
  TokenizerConfig c;
  if (path.empty() || !path_exists(path)) return c;
  json j = load_json_file(path);
  if (!j.is_object()) input_error(path, ": expected a JSON object");
  c.bos_token = token_field(j, "bos_token", path);
  c.eos_token = token_field(j, "eos_token", path);
  c.pad_token = token_field(j, "pad_token", path);
  c.unk_token = token_field(j, "unk_token", path);
  c.add_bos_token = bool_field(j, "add_bos_token", path);
  c.add_eos_token = bool_field(j, "add_eos_token", path);
  c.legacy = bool_field(j, "legacy", path);
  c.add_prefix_space = bool_field(j, "add_prefix_space", path);
  if (j.contains("tokenizer_class") && !j["tokenizer_class"].is_null()) {
    if (!j["tokenizer_class"].is_string()) input_error(path, ": key 'tokenizer_class' must be a string");
    c.tokenizer_class = j["tokenizer_class"];
  }
  if (j.contains("model_max_length") && !j["model_max_length"].is_null()) {
    const json& m = j["model_max_length"];
    if (!m.is_number() || m.get<double>() < 0)
      input_error(path, ": key 'model_max_length' must be a non-negative number (found ", m.dump(), ")");
    double v = m.get<double>();
    c.model_max_length = v >= 9.2e18 || !std::isfinite(v) ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(v);
  }
  if (j.contains("added_tokens_decoder") && !j["added_tokens_decoder"].is_null()) {
    const json& added = j["added_tokens_decoder"];
    if (!added.is_object()) input_error(path, ": key 'added_tokens_decoder' must be an object id -> token");
    for (auto it = added.begin(); it != added.end(); ++it) {
      const std::string& key = it.key();
      const bool digits = !key.empty() && key.size() <= 10 && key.find_first_not_of("0123456789") == std::string::npos;
      if (!digits || std::stoll(key) > INT32_MAX)
        input_error(path, ": added_tokens_decoder key '", key, "' is not a token id (0 to 2147483647)");
      const std::string w = path + ": added_tokens_decoder['" + key + "']";
      const json& v = it.value();
      if (!v.is_object() || !v.contains("content") || !v["content"].is_string())
        input_error(w, " needs a string 'content'");
      const std::optional<bool> special = bool_field(v, "special", w);
      c.added_tokens[static_cast<int32_t>(std::stoll(key))] = {v["content"].get<std::string>(), special.value_or(false)};
    }
  }
  return c;
}

}  // namespace ntm::text
