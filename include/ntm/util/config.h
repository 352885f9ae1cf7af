#pragma once
// Option structs and configuration files.
//
// Precedence: struct defaults < --config a.json < --config b.json (later wins) < explicit flags.
// A config file may only contain keys that the command knows, with the same JSON type as the
// default (numbers are interchangeable between integer and float where the default is a float);
// anything else is an error naming the file and the key.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ntm {

using json = nlohmann::json;

// Parses a JSON file; input_error with file, line and column on a syntax error.
json load_json_file(const std::string& path);

// Overlays `overrides` onto `base`, checking every key of `overrides` exists in `base` with a
// compatible type. `where` names the source in error messages (a file path or "--flag").
// Nested objects are merged recursively.
void merge_config(json& base, const json& overrides, const std::string& where);

// Returns a type name for messages ("string", "integer", "number", "boolean", "array", "object").
std::string json_type_name(const json& j);

// Typed access with a clear error naming `where` and `key`.
template <typename T>
T json_get(const json& j, const std::string& key, const std::string& where);

// Like json_get, but returns `fallback` when `j` is not an object or has no `key` (a present key
// of the wrong type is still an input error, never a json::exception).
template <typename T>
T json_get_or(const json& j, const std::string& key, const T& fallback, const std::string& where);

}  // namespace ntm

#include "ntm/error.h"

namespace ntm {
template <typename T>
T json_get(const json& j, const std::string& key, const std::string& where) {
  if (!j.is_object() || !j.contains(key)) input_error(where, ": missing key '", key, "'");
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    input_error(where, ": key '", key, "' has the wrong type (", json_type_name(j.at(key)), ")");
  }
}
template <typename T>
T json_get_or(const json& j, const std::string& key, const T& fallback, const std::string& where) {
  if (!j.is_object() || !j.contains(key)) return fallback;
  return json_get<T>(j, key, where);
}
}  // namespace ntm
