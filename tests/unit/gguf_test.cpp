// [gguf] the GGUF container reader: metadata of every type, tensor infos, alignment, and hostile
// files (truncation, counts of 2^40, unknown ids, overflowing dims, offsets outside the file,
// misaligned data) -> one-line input errors naming the file and the field, in bounded memory.
#include <fstream>

#include "catch.h"
#include "gguf_test_util.h"
#include "ntm/error.h"
#include "ntm/io/gguf.h"
#include "test_util.h"

using namespace ntm::test;
using ntm::gguf::File;

namespace {

GgufBuilder sample() {
  GgufBuilder b;
  b.kv_string("general.architecture", "llama");
  b.kv_u32("llama.block_count", 2);
  b.kv_f32("llama.rope.freq_base", 10000.5f);
  b.kv_bool("tokenizer.ggml.add_bos_token", true);
  b.kv_strings("tokenizer.ggml.tokens", {"<s>", "a", "", "\xc4\xa0the"});
  b.kv_i32s("tokenizer.ggml.token_type", {3, 1, 1, -2});
  b.kv_raw("x.u8", 0, std::string(1, '\xff'));
  b.kv_raw("x.i8", 1, std::string(1, '\xff'));
  b.f32_tensor("w", {3, 2}, {1, 2, 3, 4, 5, 6});
  b.f32_tensor("n", {4}, {0.5f, -1, 2, 8});
  return b;
}

// Parses `bytes`; must fail with one line naming the file and every needle.
void expect_error(const std::string& bytes, const std::vector<std::string>& needles) {
  std::string msg;
  try {
    File::from_bytes(bytes, "bad.gguf");
  } catch (const ntm::Error& e) {
    msg = e.what();
    CHECK(e.exit_code() == 2);
  }
  INFO("error: " << msg);
  REQUIRE(!msg.empty());
  CHECK(msg.rfind("bad.gguf: ", 0) == 0);
  CHECK(msg.find('\n') == std::string::npos);
  for (const auto& n : needles) CHECK(msg.find(n) != std::string::npos);
}

std::string u64(uint64_t v) {
  std::string s;
  GgufBuilder::put_u64(s, v);
  return s;
}

}  // namespace

TEST_CASE("gguf: metadata and tensors of a valid file", "[gguf][unit]") {
  auto f = File::from_bytes(sample().build(), "ok.gguf");
  CHECK(f->version() == 3);
  CHECK(f->get_string("general.architecture") == "llama");
  CHECK(f->get_u32("llama.block_count") == 2);
  CHECK(f->get_i64("llama.block_count") == 2);
  CHECK(f->get_f32("llama.rope.freq_base") == 10000.5f);
  CHECK(f->get_bool("tokenizer.ggml.add_bos_token"));
  CHECK(f->get_u32("x.u8") == 255);
  CHECK(f->get_i64("x.i8") == -1);
  CHECK(f->get_u32("missing", 7) == 7);
  CHECK(f->get_string_array("tokenizer.ggml.tokens") == std::vector<std::string>{"<s>", "a", "", "\xc4\xa0the"});
  CHECK(f->get_i32_array("tokenizer.ggml.token_type") == std::vector<int32_t>{3, 1, 1, -2});
  CHECK(f->array_size("tokenizer.ggml.tokens") == 4);
  REQUIRE(f->tensors().size() == 2);
  const auto& w = f->info("w");
  CHECK(w.shape() == std::vector<int64_t>{2, 3});
  CHECK(w.nbytes == 24);
  CHECK(f->data_start() % 32 == 0);
  auto t = f->dequantize("w");
  CHECK(t.sizes() == at::IntArrayRef({2, 3}));
  CHECK(t[1][2].item<float>() == 6.0f);
  CHECK(f->dequantize("n")[3].item<float>() == 8.0f);

  // Typed accessors name the file, the key and the type found.
  auto msg_of = [&](auto fn) {
    try {
      fn();
    } catch (const ntm::Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  std::string m = msg_of([&] { f->get_u32("general.architecture"); });
  CHECK(m.find("ok.gguf") != std::string::npos);
  CHECK(m.find("general.architecture") != std::string::npos);
  CHECK(m.find("STRING") != std::string::npos);
  CHECK(msg_of([&] { f->get_u32("x.i8"); }).find("out of range") != std::string::npos);
  CHECK(msg_of([&] { f->get_string("nope"); }).find("missing metadata key 'nope'") != std::string::npos);
  CHECK(msg_of([&] { f->get_string_array("tokenizer.ggml.token_type"); }).find("ARRAY of INT32") !=
        std::string::npos);
  CHECK(msg_of([&] { f->info("nope"); }).find("no tensor named 'nope'") != std::string::npos);
}

TEST_CASE("gguf: open() maps a file and is_gguf_file sniffs it", "[gguf][unit]") {
  TempDir tmp;
  std::ofstream(tmp / "m.gguf", std::ios::binary) << sample().build();
  std::ofstream(tmp / "x.bin", std::ios::binary) << "GGML";
  CHECK(ntm::gguf::is_gguf_file(tmp / "m.gguf"));
  CHECK(!ntm::gguf::is_gguf_file(tmp / "x.bin"));
  auto f = File::open(tmp / "m.gguf");
  CHECK(f->dequantize("w")[0][1].item<float>() == 2.0f);
  CHECK(f->path() == tmp / "m.gguf");
}

TEST_CASE("gguf: alignment from general.alignment", "[gguf][unit]") {
  GgufBuilder b;
  b.alignment = 64;
  b.kv_u32("general.alignment", 64);
  b.f32_tensor("a", {1}, {1});
  b.f32_tensor("b", {2}, {2, 3});
  auto f = File::from_bytes(b.build(), "al.gguf");
  CHECK(f->alignment() == 64);
  CHECK(f->data_start() % 64 == 0);
  CHECK(f->info("b").offset == 64);
  CHECK(f->dequantize("b")[1].item<float>() == 3.0f);
}

TEST_CASE("gguf: hostile files give one-line errors naming the field", "[gguf][unit][hostile]") {
  const std::string good = sample().build();
  SECTION("truncated anywhere") {
    for (size_t n : {size_t(0), size_t(3), size_t(6), size_t(20), size_t(60), good.size() / 2, good.size() - 1})
      expect_error(good.substr(0, n), {});
    expect_error(good.substr(0, 30), {"truncated"});
    expect_error(good.substr(0, good.size() - 1), {"tensor 'n' offset", "past the end"});
  }
  SECTION("bad magic and versions") {
    expect_error("GGML" + good.substr(4), {"magic"});
    std::string v = good;
    v[4] = 1;
    expect_error(v, {"version 1"});
    v[4] = 0, v[7] = 3;
    expect_error(v, {"big-endian"});
  }
  SECTION("counts of 2^40") {
    GgufBuilder b = sample();
    b.kv_count_override = uint64_t(1) << 40;
    expect_error(b.build(), {"kv_count"});
    b = sample();
    b.tensor_count_override = uint64_t(1) << 40;
    expect_error(b.build(), {"tensor_count"});
  }
  SECTION("string and array lengths of 2^40") {
    GgufBuilder b;
    b.kv_raw("k", 8, u64(uint64_t(1) << 40) + "abc");
    expect_error(b.build(), {"metadata 'k'", "length"});
    GgufBuilder c;
    std::string arr;
    GgufBuilder::put_u32(arr, 8);
    arr += u64(uint64_t(1) << 40);
    c.kv_raw("tokenizer.ggml.tokens", 9, arr);
    expect_error(c.build(), {"tokenizer.ggml.tokens", "array count"});
    GgufBuilder d;
    std::string arr2;
    GgufBuilder::put_u32(arr2, 8);
    arr2 += u64(1) + u64(uint64_t(1) << 40);
    d.kv_raw("t", 9, arr2);
    expect_error(d.build(), {"metadata 't' element 0"});
  }
  SECTION("unknown ids, nested arrays, duplicates") {
    GgufBuilder b;
    b.kv_raw("k", 13, u64(0));
    expect_error(b.build(), {"metadata 'k'", "unknown value type id 13"});
    GgufBuilder c;
    std::string arr;
    GgufBuilder::put_u32(arr, 9);
    c.kv_raw("k", 9, arr + u64(0));
    expect_error(c.build(), {"nested arrays"});
    GgufBuilder d;
    d.kv_u32("k", 1);
    d.kv_u32("k", 2);
    expect_error(d.build(), {"metadata 'k'", "duplicate"});
    GgufBuilder e;
    e.tensor("t", {32}, 4, std::string(18, '\0'));
    expect_error(e.build(), {"tensor 't'", "unknown ggml type id 4"});
    GgufBuilder g;
    g.f32_tensor("t", {1}, {1});
    g.f32_tensor("t", {1}, {1});
    expect_error(g.build(), {"tensor 't'", "duplicate"});
  }
  SECTION("dims") {
    GgufBuilder b;
    b.tensor("big", {int64_t(1) << 40, int64_t(1) << 40}, 0, "");
    expect_error(b.build(), {"tensor 'big'", "overflows"});
    GgufBuilder c;
    c.tensor("neg", {-1}, 0, "");
    expect_error(c.build(), {"tensor 'neg'", "negative"});
    GgufBuilder d;
    d.tensor("five", {1, 1, 1, 1, 1}, 0, "");
    expect_error(d.build(), {"tensor 'five'", "n_dims 5"});
    GgufBuilder e;
    e.tensor("q", {16}, 2, std::string(18, '\0'));
    expect_error(e.build(), {"tensor 'q'", "not a multiple", "Q4_0"});
    GgufBuilder g;
    g.tensor(std::string(64, 'n'), {1}, 0, std::string(4, '\0'));
    expect_error(g.build(), {"name of tensor 0", "limit"});
  }
  SECTION("offsets outside the file and misaligned data") {
    GgufBuilder b;
    b.tensor("far", {4}, 0, std::string(16, '\0'), uint64_t(1) << 40);
    expect_error(b.build(), {"tensor 'far' offset", "past the end"});
    GgufBuilder c;
    c.tensor("mis", {1}, 0, std::string(4, '\0'), 4);
    expect_error(c.build(), {"tensor 'mis'", "not a multiple of the alignment 32"});
    GgufBuilder d;
    d.tensor("wrap", {4}, 0, std::string(16, '\0'), ~uint64_t(0) - 31);
    expect_error(d.build(), {"tensor 'wrap'"});
  }
  SECTION("general.alignment") {
    GgufBuilder b;
    b.kv_u32("general.alignment", 48);
    expect_error(b.build(), {"general.alignment", "power of two"});
    GgufBuilder c;
    c.kv_f32("general.alignment", 32);
    expect_error(c.build(), {"general.alignment", "UINT32"});
  }
}

TEST_CASE("gguf: unsupported tensor types are named when dequantized", "[gguf][unit]") {
  GgufBuilder b;
  b.tensor("iq", {256}, 16, std::string(66, '\0'));  // IQ2_XXS: known size, no dequantizer
  auto f = File::from_bytes(b.build(), "iq.gguf");
  try {
    f->dequantize("iq");
    FAIL("expected an error");
  } catch (const ntm::Error& e) {
    std::string m = e.what();
    CHECK(m.find("iq.gguf") != std::string::npos);
    CHECK(m.find("IQ2_XXS") != std::string::npos);
    CHECK(e.exit_code() == 2);
  }
}
