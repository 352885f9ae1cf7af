#pragma once
// Per-model defaults for `ntm train`: the contents of configs/<model>.json as built into the
// binary, so `ntm train --model ecrtm` trains with ECRTM's settings (200 epochs, its Adam betas,
// ...) even without --config. Layering: built-in struct defaults < model defaults < --config files
// < flags.
#include <nlohmann/json.hpp>

#include <string>

namespace ntm::topic {

// The object of configs/<model>.json, or an empty object when there is none.
nlohmann::json model_defaults(const std::string& model);

}  // namespace ntm::topic
