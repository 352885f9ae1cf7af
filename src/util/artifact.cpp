#include "ntm/util/artifact.h"

#include <spdlog/spdlog.h>

#include <algorithm>

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

std::string first_difference(const json& a, const json& b, const std::string& prefix) {
  if (a.is_object() && b.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key())) continue;
      std::string d = first_difference(it.value(), b[it.key()], prefix.empty() ? it.key() : prefix + "." + it.key());
      if (!d.empty()) return d;
    }
    return "";
  }
  if (a.is_array() && b.is_array() && a.size() == b.size()) {
    for (size_t i = 0; i < a.size(); ++i) {
      std::string d = first_difference(a[i], b[i], prefix + "[" + std::to_string(i) + "]");
      if (!d.empty()) return d;
    }
    return "";
  }
  if (a == b) return "";
  return prefix.empty() ? "(value)" : prefix;
}

namespace {

const json* at_path(const json& j, const std::string& path) {
  const json* p = &j;
  size_t i = 0;
  while (i < path.size() && p) {
    if (path[i] == '.') ++i;
    if (path[i] == '[') {
      size_t e = path.find(']', i);
      size_t k = std::stoul(path.substr(i + 1, e - i - 1));
      p = p->is_array() && k < p->size() ? &(*p)[k] : nullptr;
      i = e + 1;
      continue;
    }
    size_t e = path.find_first_of(".[", i);
    std::string key = path.substr(i, e == std::string::npos ? std::string::npos : e - i);
    p = p->is_object() && p->contains(key) ? &(*p)[key] : nullptr;
    i = e == std::string::npos ? path.size() : e;
  }
  return p;
}

std::string short_value(const json* v) {
  if (!v) return "(absent)";
  std::string s = v->dump();
  if (v->is_string() && v->get<std::string>().size() == 64) return short_hash(v->get<std::string>());
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

json without_locations(const json& j) {
  if (!j.is_object()) return j;
  json r = json::object();
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "path" && it.key() != "file") r[it.key()] = without_locations(it.value());
  return r;
}

}  // namespace

std::string describe_difference(const json& recorded, const json& now, const std::string& key_path,
                                const std::string& where) {
  const json* a = key_path == "(value)" ? &recorded : at_path(recorded, key_path);
  const json* b = key_path == "(value)" ? &now : at_path(now, key_path);
  return key_path + " is " + short_value(a) + " in " + where + ", " + short_value(b) + " now";
}

std::string identity_difference(const json& a, const json& b) {
  const json sa = without_locations(a), sb = without_locations(b);
  if (!(a.is_object() && b.is_object() && a.contains("sha256") && b.contains("sha256")))
    return first_difference(sa, sb);
  if (a["sha256"] == b["sha256"]) return "";
  json ra = sa, rb = sb;  // name the part that differs (config.sha256, weights[0].sha256, ...)
  ra.erase("sha256");
  rb.erase("sha256");
  const std::string d = first_difference(ra, rb);
  return d.empty() ? "sha256" : d;
}

void report_mismatch(const std::string& where, const std::string& field, const std::string& detail,
                     const std::vector<std::string>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), field) != allowed.end()) {
    spdlog::warn("{}: {} differs ({}); going on because of --allow-mismatch {}", where, field, detail, field);
    return;
  }
  input_error(where, ": ", field, " differs: ", detail, "; give the inputs the output was built from, or pass "
              "--allow-mismatch ", field, " if this is intended");
}

void check_allow_mismatch(const std::vector<std::string>& allowed, const std::vector<std::string>& fields) {
  for (const auto& a : allowed) {
    if (std::find(fields.begin(), fields.end(), a) != fields.end()) continue;
    std::string list;
    for (const auto& f : fields) list += (list.empty() ? "" : ", ") + f;
    usage_error("--allow-mismatch: unknown field '", a, "' (this command checks ", list, ")");
  }
}

}  // namespace ntm
