// The model registry, the configs/ files and the model tables of README.md and docs/models.md must name
// the same models.
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "catch.h"
#include "ntm/topic/model.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "test_util.h"

namespace {

std::set<std::string> registry_names() {
  std::set<std::string> names;
  for (const auto& e : ntm::topic::model_registry()) names.insert(e.name);
  return names;
}

// `--model` names in the first table of a Markdown file whose header row starts with "| `--model`".
std::set<std::string> table_names(const std::string& rel_path) {
  std::istringstream in(ntm::read_file(ntm::test::source_path(rel_path)));
  std::set<std::string> names;
  std::string line;
  bool in_table = false;
  const std::regex row(R"(^\| `([a-z0-9-]+)` \|)");
  while (std::getline(in, line)) {
    if (line.rfind("| `--model`", 0) == 0) {
      in_table = true;  // the header row
      continue;
    }
    if (in_table && line.rfind("|", 0) != 0) break;
    std::smatch m;
    if (in_table && std::regex_search(line, m, row)) names.insert(m[1]);
  }
  return names;
}

}  // namespace

TEST_CASE("model registry, configs/*.json and the README and docs/models.md tables agree", "[unit][models][docs]") {
  const auto registered = registry_names();
  REQUIRE(registered.count("lda") == 1);
  REQUIRE(registered.size() == ntm::topic::model_registry().size());  // no name registered twice

  // Every config names a registered model; every registered model has configs/<name>.json.
  std::set<std::string> config_models;
  for (const auto& entry : std::filesystem::directory_iterator(ntm::test::source_path("configs"))) {
    if (entry.path().extension() != ".json") continue;
    auto j = ntm::load_json_file(entry.path().string());
    INFO(entry.path().string());
    REQUIRE(j.contains("model"));
    const std::string model = j["model"].get<std::string>();
    CHECK(registered.count(model) == 1);
    config_models.insert(model);
    if (entry.path().stem() != "tiny") CHECK(entry.path().stem().string() == model);
  }
  for (const auto& name : registered) {
    INFO(name);
    CHECK(ntm::path_exists(ntm::test::source_path("configs/" + name + ".json")));
  }
  CHECK(config_models == registered);

  CHECK(table_names("README.md") == registered);
  CHECK(table_names("docs/models.md") == registered);
}
