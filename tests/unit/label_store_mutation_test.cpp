// Random single-byte mutations of a label store never crash the reader: every outcome is a clean
// read or an ntm::Error (never a torch/JSON/std exception or a signal).
#include <random>

#include "catch.h"
#include "label_store_test_util.h"
#include "ntm/error.h"
#include "ntm/labels/label_store.h"
#include "test_util.h"

using namespace ntm::labels;
using namespace ntm::test::store;
using ntm::test::TempDir;

namespace {

// 0 = read fine, 1 = ntm::Error; anything else fails the test.
int try_read(const std::string& dir, std::string& other) {
  try {
    validate_label_store(dir);
    LabelStoreReader(dir).read_all();
    return 0;
  } catch (const ntm::Error&) {
    return 1;
  } catch (const std::exception& e) {
    other = e.what();
    return 2;
  }
}

}  // namespace

TEST_CASE("mutated label stores give clean errors", "[unit][store]") {
  TempDir tmp;
  std::string good = tmp / "good";
  write_store(good, {3, 2});
  const std::string meta = ntm::read_file(good + "/meta.json");
  const std::string chunk = ntm::read_file(good + "/chunk-00001.safetensors");
  std::mt19937 rng(12345);
  int errors = 0, fine = 0;
  for (int it = 0; it < 150; ++it) {
    std::string dir = tmp / ("m" + std::to_string(it));
    std::filesystem::copy(good, dir);
    std::string other;
    if (it % 2 == 0) {
      // meta.json: one byte replaced by a random printable character.
      std::string m = meta;
      m[rng() % m.size()] = static_cast<char>(32 + rng() % 95);
      ntm::write_file_atomic(dir + "/meta.json", m);
    } else {
      // chunk: one random byte anywhere (header or data) with its sha256 fixed up, so the
      // safetensors parser and the content checks see the damage.
      std::string c = chunk;
      c[rng() % c.size()] = static_cast<char>(rng() % 256);
      ntm::write_file_atomic(dir + "/chunk-00001.safetensors", c);
      auto j = ntm::load_json_file(dir + "/meta.json");
      j["chunks"][1]["sha256"] = ntm::sha256_hex(c);
      j["chunks"][1]["bytes"] = c.size();
      ntm::write_file_atomic(dir + "/meta.json", j.dump());
    }
    int r = try_read(dir, other);
    INFO("mutation " << it << ": " << other);
    CHECK(r != 2);
    (r == 0 ? fine : errors)++;
    std::filesystem::remove_all(dir);
  }
  CHECK(errors > 0);
}
