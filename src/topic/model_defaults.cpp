// The paper's default options of each model: configs/<model>.json, compiled in at build time.
#include "ntm/topic/model_defaults.h"

#include <cstring>

#include "ntm/error.h"
#include "ntm_model_configs.h"

namespace ntm::topic {

nlohmann::json model_defaults(const std::string& model) {
  for (const auto& c : generated::kModelConfigs) {
    if (model != c.name) continue;
    nlohmann::json j = nlohmann::json::parse(c.json, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) internal_error("built-in configs/", model, ".json is not a JSON object");
    if (j.value("model", model) != model) return nlohmann::json::object();  // e.g. tiny.json: not a model's defaults
    return j;
  }
  return nlohmann::json::object();
}

}  // namespace ntm::topic
