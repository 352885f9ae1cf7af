#pragma once
// Shared command-line plumbing for the ntm subcommands: global options, the option binder that
// implements "struct defaults < --config files < explicit flags", and the command table type.
#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ntm/util/config.h"

namespace ntm::cli {

// Options every subcommand sees (given before or after the subcommand name).
struct GlobalOptions {
  std::string log_level;    // trace|debug|info|warn|error|off; empty = $NTM_LOG_LEVEL or info
  std::string log_file;     // also append logs to this file
  int threads = 0;          // intra-op CPU threads; 0 = libtorch default (all cores)
  uint64_t seed = 0;        // seed for every random generator ntm uses
  std::string device = "auto";  // auto|cpu|cuda|cuda:N
};

// Binds fields of an options struct to flags named after their JSON keys (num_topics ->
// --num-topics), and adds --config (repeatable) and --dump-config to the subcommand.
class OptionBinder {
 public:
  explicit OptionBinder(CLI::App* app);

  template <typename T>
  CLI::Option* add(const std::string& key, T& field, const std::string& help) {
    CLI::Option* opt;
    if constexpr (std::is_same_v<T, bool>) {
      opt = app_->add_flag("--" + dashed(key) + "{true},--no-" + dashed(key) + "{false}", field, help);
    } else {
      opt = app_->add_option("--" + dashed(key), field, help)->capture_default_str();
    }
    keys_.push_back({key, opt});
    return opt;
  }

  // defaults: JSON of a default-constructed struct; current: JSON of the struct after parsing
  // (defaults + explicit flags). Returns the resolved configuration.
  json resolve(const json& defaults, const json& current) const;
  bool dump_config() const { return dump_config_; }
  // An extra layer between the struct defaults and the --config files, computed from a first
  // resolution (e.g. the chosen model's own defaults); it never overrides files or flags.
  void set_defaults_layer(std::function<json(const json& resolved)> layer) { layer_ = std::move(layer); }
  // Shows `values` (e.g. the default model's own defaults, which the layer applies) as the
  // defaults in --help instead of the struct's, so help never shows a default that does not apply.
  void show_defaults(const json& values);

  static std::string dashed(std::string key);

 private:
  CLI::App* app_;
  std::vector<std::string> config_files_;
  bool dump_config_ = false;
  std::vector<std::pair<std::string, CLI::Option*>> keys_;
  std::function<json(const json&)> layer_;
};

// What a subcommand's setup function fills in: the code to run when it is selected.
struct CommandContext {
  const GlobalOptions* global = nullptr;
  std::function<int()> run;
};

using SetupFn = void (*)(CLI::App& sub, CommandContext& ctx);

struct Command {
  const char* name;
  const char* summary;
  SetupFn setup;
  const char* examples;  // shown at the end of `ntm <name> --help` (a test checks their flags)
};

// For subcommands whose issue has not landed yet.
int not_implemented(const std::string& name);

// Resolves an options struct T (to_json/from_json + validate()) from the binder. Returns false
// when --dump-config printed the configuration and the command should stop.
template <typename T>
bool resolve_options(const OptionBinder& binder, T& opts) {
  json resolved = binder.resolve(json(T{}), json(opts));
  opts = resolved.get<T>();
  if (binder.dump_config()) {
    std::cout << resolved.dump(2) << std::endl;
    return false;
  }
  opts.validate();
  return true;
}

}  // namespace ntm::cli
