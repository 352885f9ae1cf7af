// Fuzzes configuration merging: a JSON document overlaid on a fixed set of defaults.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ntm/error.h"
#include "ntm/util/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ntm::json defaults = {{"num_topics", 50}, {"lr", 0.002}, {"model", "dsl-prodlda"}, {"seeds", {0, 1}},
                        {"flag", false}, {"nested", {{"a", 1}, {"b", "x"}}}};
  try {
    ntm::json j = ntm::json::parse(std::string(reinterpret_cast<const char*>(data), size));
    ntm::merge_config(defaults, j, "fuzz.json");
  } catch (const ntm::Error&) {
  } catch (const ntm::json::exception&) {
  }
  return 0;
}
