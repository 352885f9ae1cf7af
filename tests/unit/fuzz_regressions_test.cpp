// Replays every crasher found by the libFuzzer harnesses (tests/fuzz/regressions/<harness>/*)
// through the same harness bodies (tests/fuzz/fuzz_targets.h): each must now be handled as
// normal input (returning or throwing ntm::Error, which the bodies catch).
#include <filesystem>
#include <map>
#include <string>

#include "catch.h"
#include "fuzz/fuzz_targets.h"
#include "ntm/util/fs.h"
#include "test_util.h"

namespace fs = std::filesystem;

TEST_CASE("fuzz crashers replay cleanly through their harness bodies", "[unit][reliability][fuzz]") {
  using Body = void (*)(const uint8_t*, size_t);
  const std::map<std::string, Body> bodies = {
      {"fuzz_tokenizer_json", ntm::fuzz::run_tokenizer_json}, {"fuzz_tokenizer_encode", ntm::fuzz::run_tokenizer_encode},
      {"fuzz_corpus", ntm::fuzz::run_corpus},                 {"fuzz_words", ntm::fuzz::run_words},
      {"fuzz_vocab", ntm::fuzz::run_vocab},                   {"fuzz_label_store", ntm::fuzz::run_label_store}};
  const fs::path root = ntm::test::source_path("tests/fuzz/regressions");
  int replayed = 0;
  for (const auto& [name, body] : bodies) {
    if (!fs::is_directory(root / name)) continue;
    for (const auto& e : fs::directory_iterator(root / name)) {
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
  }
  SUCCEED("replayed " << replayed << " crasher(s)");
}
