#include "cli.h"

#include <iostream>

#include "ntm/error.h"

namespace ntm::cli {

OptionBinder::OptionBinder(CLI::App* app) : app_(app) {
  app_->add_option("--config", config_files_,
                   "JSON config file(s); repeatable, later files win, explicit flags win over files");
  app_->add_flag("--dump-config", dump_config_, "print the resolved configuration as JSON and exit");
}

std::string OptionBinder::dashed(std::string key) {
  for (char& c : key)
    if (c == '_') c = '-';
  return key;
}

json OptionBinder::resolve(const json& defaults, const json& current) const {
  auto apply = [&](json resolved) {
    for (const auto& file : config_files_) merge_config(resolved, load_json_file(file), file);
    for (const auto& [key, opt] : keys_) {
      if (opt->count() > 0) {
        json one = json::object();
        one[key] = current.at(key);
        merge_config(resolved, one, "--" + dashed(key));
      }
    }
    return resolved;
  };
  json resolved = apply(defaults);
  if (layer_) {
    json extra = layer_(resolved);
    if (extra.is_object() && !extra.empty()) {
      json base = defaults;
      merge_config(base, extra, "built-in defaults");
      resolved = apply(base);
    }
  }
  return resolved;
}

void OptionBinder::show_defaults(const json& values) {
  for (const auto& [key, opt] : keys_) {
    if (!values.contains(key)) continue;
    const json& v = values.at(key);
    std::string text;
    if (v.is_array()) {  // as typed on the command line: 0,1,2
      for (const auto& e : v) text += (text.empty() ? "" : ",") + (e.is_string() ? e.get<std::string>() : e.dump());
    } else {
      text = v.is_string() ? v.get<std::string>() : v.dump();
    }
    opt->default_str(text);
  }
}

int not_implemented(const std::string& name) {
  usage_error("ntm ", name, " is not implemented yet in this version of ntm");
}

}  // namespace ntm::cli
