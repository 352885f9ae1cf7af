#include <dlfcn.h>
#include <torch/torch.h>

#include <fstream>

#include "catch.h"
#include "ntm/error.h"
#include "ntm/util/config.h"
#include "ntm/util/device.h"
#include "ntm/util/fs.h"
#include "ntm/util/hash.h"
#include "test_util.h"

using ntm::json;

TEST_CASE("sha256 matches FIPS 180-4 test vectors", "[unit][util]") {
  // Both compression functions: the CPU's SHA extensions (where present) and the portable code.
  const bool hardware = GENERATE(true, false);
  const bool used = ntm::sha256_use_hardware(hardware);
  INFO("SHA extensions in use: " << used);
  if (hardware && !used) WARN("this CPU has no SHA extensions; the portable code is checked twice");
  CHECK(ntm::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(ntm::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(ntm::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  std::string million(1000000, 'a');
  CHECK(ntm::sha256_hex(million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Incremental updates agree with one-shot.
  ntm::Sha256 h;
  for (size_t i = 0; i < million.size(); i += 777) h.update(million.data() + i, std::min<size_t>(777, million.size() - i));
  CHECK(h.hex_digest() == ntm::sha256_hex(million));
  ntm::sha256_use_hardware(true);
}

TEST_CASE("sha256: hardware and portable code agree on every length and split", "[unit][util]") {
  std::string data(4099, '\0');
  uint32_t x = 12345;
  for (char& c : data) c = static_cast<char>((x = x * 1103515245u + 12345u) >> 24);
  for (size_t len : {0, 1, 55, 56, 63, 64, 65, 127, 128, 129, 1000, 4099}) {
    const std::string_view part(data.data(), len);
    ntm::sha256_use_hardware(false);
    const std::string portable = ntm::sha256_hex(part);
    ntm::sha256_use_hardware(true);
    ntm::Sha256 h;  // uneven pieces through the buffered path
    for (size_t i = 0; i < len; i += 37) h.update(part.substr(i, 37));
    INFO("length " << len);
    CHECK(ntm::sha256_hex(part) == portable);
    CHECK(h.hex_digest() == portable);
  }
}

TEST_CASE("merge_config: later files win, unknown keys and wrong types are errors", "[unit][config]") {
  json base = {{"num_topics", 50}, {"lr", 0.002}, {"model", "dsl-prodlda"}, {"seeds", {0}}, {"flag", false}};
  ntm::merge_config(base, json{{"num_topics", 25}, {"lr", 1}}, "a.json");
  CHECK(base["num_topics"] == 25);
  CHECK(base["lr"].get<double>() == 1.0);
  // An integer written for a real-valued key keeps it real for the next layer (lda.json has
  // "alpha": -1, then --alpha 0.1 must be accepted).
  CHECK(base["lr"].is_number_float());
  ntm::merge_config(base, json{{"lr", 0.5}}, "a2.json");
  CHECK(base["lr"].get<double>() == 0.5);
  ntm::merge_config(base, json{{"num_topics", 75.0}}, "b.json");
  CHECK(base["num_topics"].is_number_integer());
  CHECK(base["num_topics"] == 75);
  try {
    ntm::merge_config(base, json{{"num_topic", 10}}, "c.json");
    FAIL("expected error");
  } catch (const ntm::Error& e) {
    CHECK(std::string(e.what()).find("c.json: unknown key 'num_topic'") != std::string::npos);
    CHECK(e.exit_code() == 2);
  }
  try {
    ntm::merge_config(base, json{{"model", 3}}, "d.json");
    FAIL("expected error");
  } catch (const ntm::Error& e) {
    CHECK(std::string(e.what()).find("d.json: key 'model' must be string, got integer") != std::string::npos);
  }
  CHECK_THROWS_AS(ntm::merge_config(base, json{{"num_topics", 2.5}}, "e.json"), ntm::Error);
  CHECK_THROWS_AS(ntm::merge_config(base, json::array(), "f.json"), ntm::Error);
}

TEST_CASE("load_json_file reports line and column of a syntax error", "[unit][config]") {
  ntm::test::TempDir dir;
  std::string p = dir / "bad.json";
  std::ofstream(p) << "{\n  \"a\": 1,\n  \"b\": oops\n}\n";
  try {
    ntm::load_json_file(p);
    FAIL("expected error");
  } catch (const ntm::Error& e) {
    std::string msg = e.what();
    CHECK(msg.find(p + ":3:") != std::string::npos);
  }
  CHECK_THROWS_AS(ntm::load_json_file(dir / "missing.json"), ntm::Error);
}

TEST_CASE("AtomicFile leaves nothing behind unless committed", "[unit][fs]") {
  ntm::test::TempDir dir;
  std::string p = dir / "out.bin";
  {
    ntm::AtomicFile f(p);
    f.write("partial");
  }
  CHECK_FALSE(ntm::path_exists(p));
  CHECK(std::filesystem::is_empty(dir.path()));
  ntm::write_file_atomic(p, "hello");
  CHECK(ntm::read_file(p) == "hello");
}

TEST_CASE("global option threads N sizes libtorch's OpenMP pool and OpenBLAS alike", "[unit][util]") {
  using GetThreads = int (*)();
  auto openblas = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  const int torch_before = torch::get_num_threads();
  ntm::configure_runtime(1, 0);
  CHECK(torch::get_num_threads() == 1);
  if (openblas != nullptr) CHECK(openblas() == 1);
  ntm::configure_runtime(2, 0);
  CHECK(torch::get_num_threads() == 2);
  if (openblas != nullptr) CHECK(openblas() == 2);
  else WARN("libtorch's BLAS is not OpenBLAS here; only the OpenMP pool was checked");
  ntm::configure_runtime(torch_before, 0);
}
