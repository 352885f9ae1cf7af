// Replays every crasher found by the libFuzzer harnesses (tests/fuzz/regressions/<harness>/*) and
// the minimised corpora of their campaigns (<harness>/corpus/*) through the same harness bodies
// (tests/fuzz/fuzz_targets.h): each must now be handled as normal input (returning or throwing
// ntm::Error, which the bodies catch).
#include <filesystem>
#include <map>
#include <string>

#include "catch.h"
#include "fuzz/fuzz_run_dir_target.h"
#include "fuzz/fuzz_targets.h"
#include "ntm/util/fs.h"
#include "test_util.h"

namespace fs = std::filesystem;

TEST_CASE("fuzz crashers replay cleanly through their harness bodies", "[unit][reliability][fuzz]") {
  using Body = void (*)(const uint8_t*, size_t);
  const std::map<std::string, Body> bodies = {
      {"fuzz_tokenizer_json", ntm::fuzz::run_tokenizer_json}, {"fuzz_tokenizer_encode", ntm::fuzz::run_tokenizer_encode},
      {"fuzz_corpus", ntm::fuzz::run_corpus},                 {"fuzz_words", ntm::fuzz::run_words},
      {"fuzz_vocab", ntm::fuzz::run_vocab},                   {"fuzz_label_store", ntm::fuzz::run_label_store},
      {"fuzz_safetensors", ntm::fuzz::run_safetensors},       {"fuzz_config", ntm::fuzz::run_config},
      {"fuzz_run_dir", ntm::fuzz::run_run_dir},               {"fuzz_gguf", ntm::fuzz::run_gguf},
      {"fuzz_model_config", ntm::fuzz::run_model_config}};
  const fs::path root = ntm::test::source_path("tests/fuzz/regressions");
  // Every folder must belong to a harness listed above, so no crasher is silently skipped.
  for (const auto& e : fs::directory_iterator(root)) {
    if (!e.is_directory()) continue;
    INFO(e.path().string());
    CHECK(bodies.count(e.path().filename().string()) == 1);
  }
  int replayed = 0;
  for (const auto& [name, body] : bodies) {
    if (!fs::is_directory(root / name)) continue;
    // Named crashers at the top, the campaign's minimised corpus under corpus/.
    for (const auto& e : fs::recursive_directory_iterator(root / name)) {
      if (!e.is_regular_file()) continue;
      std::string bytes = ntm::read_file(e.path().string());
      INFO(e.path().string());
      body(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      ++replayed;
    }
  }
  // Also a few hand-picked hostile inputs, so the bodies themselves stay exercised.
  for (const std::string& s : {std::string("\x01{\"text\": \"\xff\"}\n", 15), std::string("\x00\"\t\"\"\n\"", 7), std::string()}) {
    ntm::fuzz::run_corpus(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    ntm::fuzz::run_words(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    ntm::fuzz::run_vocab(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    ntm::fuzz::run_tokenizer_json(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    ntm::fuzz::run_label_store(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    ntm::fuzz::run_safetensors(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    ntm::fuzz::run_gguf(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    ntm::fuzz::run_config(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    ntm::fuzz::run_run_dir(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    ntm::fuzz::run_model_config(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  }
  std::error_code ec;
  fs::remove_all(ntm::fuzz::scratch_dir(), ec);
  SUCCEED("replayed " << replayed << " input(s)");
}
