// `ntm train --model X` without --config starts from configs/X.json (built in); --config files and
// flags still win. Checked through --dump-config against the files in configs/.
#include <fstream>
#include <nlohmann/json.hpp>

#include "catch.h"
#include "test_util.h"

using ntm::test::run_ntm;
using ntm::test::source_path;

namespace {

nlohmann::json dump(const std::string& args) {
  auto r = run_ntm("train " + args + " --dump-config");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.output.substr(r.output.find('{')));
}

nlohmann::json config_file(const std::string& model) {
  std::ifstream in(source_path("configs/" + model + ".json"));
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("train --model X takes configs/X.json as its defaults", "[unit][train]") {
  for (const std::string model : {"ecrtm", "fastopic", "etm", "lda", "prodlda", "dsl-prodlda"}) {
    INFO("model " << model);
    const auto want = config_file(model);
    const auto got = dump("--model " + model);
    for (const auto& [key, value] : want.items()) {
      INFO("key " << key);
      CHECK(got.at(key) == value);
    }
  }
  // Flags and config files still win over the model's defaults.
  auto j = dump("--model ecrtm --epochs 3 --lr 0.5");
  CHECK(j["epochs"] == 3);
  CHECK(j["lr"] == 0.5);
  CHECK(j["beta1"] == config_file("ecrtm")["beta1"]);
  j = dump("--config " + source_path("configs/tiny.json") + " --model ecrtm");
  CHECK(j["epochs"] == config_file("tiny")["epochs"]);
  CHECK(j["model"] == "ecrtm");
}
