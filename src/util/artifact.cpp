#include "ntm/util/artifact.h"

#include "ntm/error.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "ntm/version.h"

namespace ntm {

namespace {
const char* const kStandardKeys[] = {"format", "format_version", "ntm_version", "config", "inputs"};
}

void write_meta(const std::string& dir, const std::string& format, int format_version, const json& config,
                const json& inputs, const json& extra) {
  NTM_CHECK(!format.empty() && format_version >= 1, "bad artifact format ", format, " v", format_version);
  NTM_CHECK(extra.is_object(), "meta.json extra must be an object, got ", json_type_name(extra));
  json j = json::object();
  j["format"] = format;
  j["format_version"] = format_version;
  j["ntm_version"] = version();
  j["config"] = config.is_null() ? json::object() : config;
  j["inputs"] = inputs.is_null() ? json::object() : inputs;
  for (auto it = extra.begin(); it != extra.end(); ++it) {
    for (const char* k : kStandardKeys) NTM_CHECK(it.key() != k, "meta.json extra may not override '", k, "'");
    j[it.key()] = it.value();
  }
  write_file_atomic(path_join(dir, "meta.json"), j.dump(1) + "\n");
}

void check_format(const json& meta, const std::string& where, const std::string& expected_format, int max_version) {
  if (!meta.is_object()) input_error(where, ": meta.json is not a JSON object");
  if (!meta.contains("format") || !meta["format"].is_string())
    input_error(where, ": meta.json has no \"format\" string; not an ntm ", expected_format, " directory");
  std::string format = meta["format"].get<std::string>();
  if (format != expected_format) input_error(where, " is a ", format, " directory, expected ", expected_format);
  if (!meta.contains("format_version") || !meta["format_version"].is_number_integer())
    input_error(where, ": meta.json has no integer \"format_version\"");
  int64_t v = meta["format_version"].get<int64_t>();
  if (v < 1) input_error(where, ": format_version ", v, " is invalid (versions start at 1)");
  if (v > max_version)
    input_error(where, ": format_version ", v, " is newer than this ntm supports (", max_version, "); upgrade ntm",
                meta.contains("ntm_version") && meta["ntm_version"].is_string()
                    ? " (it was written by ntm " + meta["ntm_version"].get<std::string>() + ")"
                    : std::string());
}

json read_meta(const std::string& dir, const std::string& expected_format, int max_version) {
  if (!path_exists(dir)) input_error(dir, ": no such directory (expected an ", expected_format, " directory)");
  if (!is_directory(dir)) input_error(dir, ": not a directory (expected an ", expected_format, " directory)");
  std::string path = path_join(dir, "meta.json");
  if (!path_exists(path))
    input_error(dir, ": no meta.json; not an ntm output directory (expected ", expected_format, ")");
  json meta = load_json_file(path);
  check_format(meta, dir, expected_format, max_version);
  return meta;
}

std::string short_hash(const std::string& hash) {
  if (hash.size() <= 8) return hash.empty() ? "(none)" : hash;
  return hash.substr(0, 8) + "…";
}

void check_input_identity(const std::string& what, const std::string& expected_hash, const std::string& found_hash,
                          const std::string& fix_command) {
  if (expected_hash == found_hash) return;
  input_error(what, " ", short_hash(expected_hash), "; this run uses ", short_hash(found_hash), " — re-run `",
              fix_command, "`");
}

}  // namespace ntm
