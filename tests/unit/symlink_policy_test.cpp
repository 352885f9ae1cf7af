// Symlinks in a model folder are followed only inside it (or into the HF cache's blobs/), unless
// external symlinks are allowed (issue 10).
#include <filesystem>
#include <functional>
#include <string>

#include "catch.h"
#include "ntm/error.h"
#include "ntm/io/safetensors.h"
#include "ntm/lm/config.h"
#include "ntm/text/tokenizer.h"
#include "ntm/util/symlinks.h"
#include "test_util.h"

namespace fs = std::filesystem;
using ntm::test::source_path;
using ntm::test::TempDir;

namespace {

const char* kFiles[] = {"config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors"};

std::string load_error(const std::string& dir) {
  try {
    ntm::lm::load_decoder_config(dir);
    ntm::text::load_tokenizer(dir);
    ntm::st::Checkpoint ck(dir);
  } catch (const ntm::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("model-folder symlinks pointing outside the folder are refused unless allowed", "[unit][reliability]") {
  TempDir tmp;
  const std::string tiny = source_path("data/tiny-lm");
  ntm::set_allow_external_symlinks(false);
  for (const char* name : kFiles) {
    std::string dir = tmp / (std::string("ext-") + name);
    fs::create_directories(dir);
    for (const char* f : kFiles) {
      if (std::string(f) == name)
        fs::create_symlink(tiny + "/" + f, dir + "/" + f);
      else
        fs::copy_file(tiny + "/" + f, dir + "/" + f);
    }
    std::string err = load_error(dir);
    INFO(name << ": " << err);
    CHECK(err.find(std::string(name) + ": is a symlink to") != std::string::npos);
    CHECK(err.find("--allow-external-symlinks") != std::string::npos);
    ntm::set_allow_external_symlinks(true);
    CHECK(load_error(dir).empty());
    ntm::set_allow_external_symlinks(false);
  }
}

TEST_CASE("model-folder symlinks inside the folder and the HF hub cache layout are followed", "[unit][reliability]") {
  TempDir tmp;
  const std::string tiny = source_path("data/tiny-lm");
  ntm::set_allow_external_symlinks(false);
  // Links to other names inside the same folder.
  std::string inside = tmp / "inside";
  fs::create_directories(inside + "/real");
  for (const char* f : kFiles) {
    fs::copy_file(tiny + "/" + f, inside + "/real/" + f);
    fs::create_symlink(std::string("real/") + f, inside + "/" + f);
  }
  CHECK(load_error(inside).empty());
  // models--x/snapshots/<rev>/<file> -> ../../blobs/<name>
  std::string repo = tmp / "models--x";
  fs::create_directories(repo + "/blobs");
  fs::create_directories(repo + "/snapshots/abc");
  for (const char* f : kFiles) {
    fs::copy_file(tiny + "/" + f, repo + "/blobs/" + f + ".blob");
    fs::create_symlink(std::string("../../blobs/") + f + ".blob", repo + "/snapshots/abc/" + f);
  }
  CHECK(load_error(repo + "/snapshots/abc").empty());
  CHECK(load_error(repo + "/snapshots/abc/").empty());
}
