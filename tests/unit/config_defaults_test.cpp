// [cli] Each default lives in one place (issue 21 item 5). For every command `ntm --help` lists:
// --config / --dump-config work; --dump-config without flags prints the option struct's defaults
// (train: the struct under configs/<model>.json); the defaults docs/cli.md shows (`--flag TYPE=VALUE`,
// from --help) and the ones docs/evaluation.md states are the same values.
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "catch.h"
#include "ntm/data/vocab_build.h"
#include "ntm/eval/compare.h"
#include "ntm/eval/evaluate.h"
#include "ntm/labels/build_labels.h"
#include "ntm/labels/show_labels.h"
#include "ntm/lm/lm_run.h"
#include "ntm/text/tokenize_stream.h"
#include "ntm/topic/model.h"
#include "ntm/topic/run.h"
#include "ntm/topic/train_options.h"
#include "ntm/util/fs.h"
#include "test_util.h"

using json = nlohmann::json;
using ntm::test::run_ntm;
using ntm::test::source_path;

namespace {

// The commands `ntm --help` lists (the lines after "Subcommands:").
std::vector<std::string> listed_commands() {
  auto r = run_ntm("--help");
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> out;
  std::istringstream in(r.output.substr(r.output.find("Subcommands:")));
  const std::regex line(R"(^  ([a-z][a-z-]+)  .*)");
  std::smatch m;
  for (std::string l; std::getline(in, l);)
    if (std::regex_match(l, m, line)) out.push_back(m[1].str());
  REQUIRE(out.size() >= 10);
  return out;
}

json dump_config(const std::string& args) {
  auto r = run_ntm(args + " --dump-config");
  INFO("ntm " << args << " --dump-config\n" << r.output);
  REQUIRE(r.exit_code == 0);
  const size_t brace = r.output.find('{');
  REQUIRE(brace != std::string::npos);
  json j = json::parse(r.output.substr(brace), nullptr, false);
  REQUIRE(j.is_object());
  return j;
}

json config_file(const std::string& model) {
  std::ifstream in(source_path("configs/" + model + ".json"));
  REQUIRE(in.good());
  return json::parse(in);
}

// TrainOptions' defaults under configs/<model>.json (what `train --model <model>` starts from).
json train_defaults(const std::string& model) {
  json want = ntm::topic::TrainOptions{};
  const json file = config_file(model);  // (a temporary's items() would dangle in the loop)
  for (const auto& [key, value] : file.items()) want[key] = value;
  want["model"] = model;
  return want;
}

// The defaults of a command's option struct, as --dump-config prints them without flags.
json struct_defaults(const std::string& cmd) {
  if (cmd == "vocab") return ntm::VocabBuildOptions{};
  if (cmd == "build-labels") return ntm::BuildLabelsOptions{};
  if (cmd == "train") return train_defaults(ntm::topic::TrainOptions{}.model);
  if (cmd == "infer") return ntm::topic::InferOptions{};
  if (cmd == "eval") return ntm::eval::EvalOptions{};
  if (cmd == "check-labels") return ntm::labels::ShowLabelsOptions{};
  if (cmd == "tokenize") return ntm::text::TokenizeOptions{};
  if (cmd == "lm-run") return ntm::lm::LmRunOptions{};
  if (cmd == "merge-labels") return ntm::MergeLabelsOptions{};
  if (cmd == "compare") return ntm::eval::CompareOptions{};
  FAIL("no option struct known for the command '" << cmd << "': add it to struct_defaults()");
  return nullptr;
}

// docs/cli.md, section "## ntm <cmd>": flag key -> the default shown (`--flag TYPE=VALUE`), or ""
// when the flag shows none (`--flag TYPE`).
std::map<std::string, std::string> documented_defaults(const std::string& cmd) {
  const std::string doc = ntm::read_file(source_path("docs/cli.md"));
  const size_t begin = doc.find("\n## ntm " + cmd + "\n");
  REQUIRE(begin != std::string::npos);
  const size_t end = doc.find("\n## ", begin + 1);
  std::istringstream in(doc.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
  const std::regex flag(R"(^  --([a-z0-9-]+) (TEXT|INT|UINT|FLOAT)(=(\S+))?( \.\.\.)?(\s.*)?$)");
  std::map<std::string, std::string> out;
  std::smatch m;
  for (std::string l; std::getline(in, l);) {
    if (!std::regex_match(l, m, flag)) continue;
    std::string key = m[1].str();
    for (char& c : key)
      if (c == '-') c = '_';
    out[key] = m[4].str();
  }
  return out;
}

// Whether `shown` (as CLI11 prints a default: 0,1,2 for a list) is the JSON value `v`.
bool same_default(const json& v, const std::string& shown) {
  if (v.is_string()) return v.get<std::string>() == shown;
  if (v.is_number()) {
    try {
      return std::stod(shown) == Approx(v.get<double>());
    } catch (const std::exception&) {
      return false;
    }
  }
  if (v.is_array()) {
    if (shown == "[]") return v.empty();
    std::vector<std::string> parts;
    std::stringstream ss(shown);
    for (std::string p; std::getline(ss, p, ',');) parts.push_back(p);
    if (parts.size() != v.size()) return false;
    for (size_t i = 0; i < parts.size(); ++i)
      if (!same_default(v[i], parts[i])) return false;
    return true;
  }
  return false;
}

}  // namespace

TEST_CASE("every command takes --config and --dump-config; --dump-config prints the option struct's defaults",
          "[e2e][cli]") {
  ntm::test::TempDir tmp;
  for (const std::string& cmd : listed_commands()) {
    INFO("ntm " << cmd);
    const json got = dump_config(cmd);
    const json want = struct_defaults(cmd);
    CHECK(got == want);
    for (const auto& [key, value] : want.items())
      if (!got.contains(key) || got[key] != value) FAIL_CHECK("key " << key << ": --dump-config " << got.value(key, json()) << ", struct " << value);
    // A --config file sets the first key; the flag still wins over the file.
    const std::string key = want.begin().key();
    ntm::write_file_atomic(tmp / "c.json", json{{key, want.begin().value()}}.dump());
    CHECK(dump_config(cmd + " --config " + ntm::test::q(tmp / "c.json")) == got);
    ntm::write_file_atomic(tmp / "bad.json", json{{"no_such_key", 1}}.dump());
    auto r = run_ntm(cmd + " --config " + ntm::test::q(tmp / "bad.json") + " --dump-config");
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("no_such_key") != std::string::npos);
  }
}

TEST_CASE("train --model X: --dump-config is TrainOptions' defaults under configs/X.json, for every model",
          "[e2e][cli][train]") {
  for (const auto& e : ntm::topic::model_registry()) {
    INFO("model " << e.name);
    const json got = dump_config(std::string("train --model ") + e.name);
    const json want = train_defaults(e.name);
    for (const auto& [key, value] : want.items()) {
      INFO("key " << key);
      CHECK(got.value(key, json()) == value);
    }
    CHECK(got.size() == want.size());
  }
}

TEST_CASE("docs/cli.md shows each command's --dump-config defaults", "[e2e][cli][docs]") {
  for (const std::string& cmd : listed_commands()) {
    const json got = dump_config(cmd);
    const auto shown = documented_defaults(cmd);
    for (const auto& [key, text] : shown) {
      if (!got.contains(key)) continue;  // --config, --force, ...: not configuration
      INFO("ntm " << cmd << " --" << key << ": docs/cli.md shows '" << text << "', --dump-config " << got[key]);
      if (text.empty())
        CHECK((got[key] == "" || got[key] == json::array()));
      else
        CHECK(same_default(got[key], text));
    }
    for (const auto& [key, value] : got.items()) {
      if (value.is_boolean()) continue;  // --x{true},--no-x{false}: no default shown
      INFO("ntm " << cmd << ": --dump-config key " << key << " has no `--flag TYPE` line in docs/cli.md");
      CHECK(shown.count(key) == 1);
    }
  }
}

TEST_CASE("the eval defaults docs/evaluation.md states are EvalOptions'", "[unit][cli][docs]") {
  const std::string doc = ntm::read_file(source_path("docs/evaluation.md"));
  const json want = ntm::eval::EvalOptions{};
  for (const std::string key : {"top_n", "window_cv", "window_pmi", "epsilon"}) {
    std::string flag = key;
    for (char& c : flag)
      if (c == '_') c = '-';
    const std::regex stated("`--" + flag + " ([^`]+)`");
    std::smatch m;
    INFO("docs/evaluation.md `--" << flag << " VALUE`");
    REQUIRE(std::regex_search(doc, m, stated));
    CHECK(same_default(want[key], m[1].str()));
  }
}

TEST_CASE("check-labels and merge-labels: a missing directory is exit 2 naming it, also after --config",
          "[e2e][cli]") {
  auto r = run_ntm("check-labels --show 2");
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("check-labels DIR") != std::string::npos);
  r = run_ntm("merge-labels shard0 shard1");
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("--out is required") != std::string::npos);
  ntm::test::TempDir tmp;
  ntm::write_file_atomic(tmp / "m.json", json{{"out", tmp / "merged"}}.dump());
  r = run_ntm("merge-labels --config " + ntm::test::q(tmp / "m.json"));
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("give the shard directories") != std::string::npos);
}
