#include "ntm/util/config.h"

#include "ntm/error.h"
#include "ntm/util/fs.h"

#include <cstdint>

namespace ntm {

std::string json_type_name(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "object";
    case json::value_t::array: return "array";
    case json::value_t::string: return "string";
    case json::value_t::boolean: return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer";
    case json::value_t::number_float: return "number";
    default: return "value";
  }
}

json load_json_file(const std::string& path) {
  std::string text = read_file(path);
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    // Turn the byte offset into line:column.
    size_t line = 1, col = 1;
    for (size_t i = 0; i < std::min<size_t>(e.byte ? e.byte - 1 : 0, text.size()); ++i) {
      if (text[i] == '\n') { ++line; col = 1; } else { ++col; }
    }
    input_error(path, ":", line, ":", col, ": invalid JSON (", e.what(), ")");
  } catch (const json::exception& e) {  // e.g. out_of_range 406: a number literal that overflows
    input_error(path, ": invalid JSON (", e.what(), ")");
  }
}

namespace {
bool compatible(const json& def, const json& val) {
  if (def.is_null()) return true;  // optional value: anything goes, validated later
  if (def.is_number_float()) return val.is_number();
  if (def.is_number_integer() || def.is_number_unsigned()) {
    if (val.is_number_integer()) return true;
    if (val.is_number_unsigned()) return val.get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX);
    if (!val.is_number_float()) return false;
    // 3.0 is accepted for an integer option, 3.5 is not (nor 1e300: the cast would overflow).
    const double d = val.get<double>();
    return d >= -9.2e18 && d <= 9.2e18 && d == static_cast<double>(static_cast<long long>(d));
  }
  if (def.is_boolean()) return val.is_boolean();
  if (def.is_string()) return val.is_string();
  if (def.is_array()) {
    if (!val.is_array()) return false;
    // Elements must match the default's element type (seeds: integers, not strings).
    if (!def.empty())
      for (const auto& e : val)
        if (!compatible(def[0], e)) return false;
    return true;
  }
  if (def.is_object()) return val.is_object();
  return false;
}
}  // namespace

void merge_config(json& base, const json& overrides, const std::string& where) {
  if (!overrides.is_object()) input_error(where, ": a config must be a JSON object, got ", json_type_name(overrides));
  for (auto it = overrides.begin(); it != overrides.end(); ++it) {
    const std::string& key = it.key();
    if (!base.contains(key)) {
      std::string known;
      for (auto b = base.begin(); b != base.end(); ++b) known += (known.empty() ? "" : ", ") + b.key();
      input_error(where, ": unknown key '", key, "' (known keys: ", known, ")");
    }
    json& slot = base[key];
    if (!compatible(slot, it.value()))
      input_error(where, ": key '", key, "' must be ", json_type_name(slot), ", got ", json_type_name(it.value()),
                  " (", it.value().dump(), ")");
    if (slot.is_object()) {
      merge_config(slot, it.value(), where + ": " + key);
    } else if ((slot.is_number_integer() || slot.is_number_unsigned()) && it.value().is_number_float()) {
      slot = static_cast<long long>(it.value().get<double>());
    } else if (slot.is_number_float() && it.value().is_number()) {
      // Keeps a real-valued key real: `"alpha": -1` in one layer must not make a later 0.1 an error.
      slot = it.value().get<double>();
    } else {
      slot = it.value();
    }
  }
}

}  // namespace ntm
