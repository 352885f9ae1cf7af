#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "catch.h"
#include "ntm/error.h"
#include "ntm/io/safetensors.h"
#include "ntm/util/fs.h"
#include "test_util.h"

namespace fs = std::filesystem;
using ntm::test::fixture;

namespace {

std::vector<std::string> fixture_model_files() {
  std::vector<std::string> out;
  for (const auto& d : fs::directory_iterator(fixture("lm-models"))) {
    for (const auto& f : fs::directory_iterator(d.path())) {
      std::string name = f.path().filename().string();
      if (name.rfind("model", 0) == 0 && f.path().extension() == ".safetensors") out.push_back(f.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string header_bytes(const std::string& json_header, size_t data_bytes) {
  std::string out(8, '\0');
  uint64_t n = json_header.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return out + json_header + std::string(data_bytes, '\0');
}

std::string error_of(const std::string& bytes) {
  try {
    ntm::st::parse_header(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "x.safetensors");
  } catch (const ntm::Error& e) {
    CHECK(e.exit_code() == 2);
    std::string msg = e.what();
    CHECK(msg.find('\n') == std::string::npos);
    return msg;
  }
  return "";
}

}  // namespace

TEST_CASE("every fixture checkpoint file reads and round-trips byte for byte", "[unit][safetensors]") {
  auto files = fixture_model_files();
  REQUIRE(files.size() >= 16);
  for (const auto& path : files) {
    INFO(path);
    auto f = ntm::st::File::open(path);
    REQUIRE(!f->tensors().empty());
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& info : f->tensors()) {
      at::Tensor t = f->tensor(info.name);
      CHECK(t.sizes().vec() == info.shape);
      CHECK(t.scalar_type() == ntm::st::to_scalar_type(info.dtype));
      tensors.emplace_back(info.name, t);
    }
    std::string original = ntm::read_file(path);
    CHECK(ntm::st::serialize(tensors, f->header().metadata, ntm::st::Order::kCanonical) == original);
  }
}

TEST_CASE("mixed-dtype files keep their order with Order::kAsGiven", "[unit][safetensors]") {
  for (const char* rel : {"golden/dsl_prodlda_tiny.safetensors", "lm-models/llama/reference.safetensors"}) {
    std::string path = fixture(rel);
    auto f = ntm::st::File::open(path);
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& info : f->tensors()) tensors.emplace_back(info.name, f->tensor(info.name));
    CHECK(ntm::st::serialize(tensors, f->header().metadata, ntm::st::Order::kAsGiven) == ntm::read_file(path));
  }
  // The Python writer's canonical order puts 8-byte types first.
  auto f = ntm::st::File::open(fixture("lm-models/llama/reference.safetensors"));
  CHECK(f->tensors().front().dtype == ntm::st::DType::kI64);
}

TEST_CASE("bf16 shards read through the index and values survive upcasting", "[unit][safetensors]") {
  ntm::st::Checkpoint bf16(fixture("lm-models/llama_bf16_sharded"));
  ntm::st::Checkpoint f32(fixture("lm-models/llama"));
  CHECK(bf16.files().size() == 6);
  CHECK(bf16.names() == f32.names());
  at::Tensor a = bf16.tensor("model.layers.1.self_attn.q_proj.weight");
  at::Tensor b = f32.tensor("model.layers.1.self_attn.q_proj.weight");
  CHECK(a.scalar_type() == torch::kBFloat16);
  CHECK(torch::allclose(a.to(torch::kFloat), b.to(torch::kBFloat16).to(torch::kFloat)));
  CHECK_THROWS_WITH(bf16.tensor("nope"), Catch::Contains("no tensor 'nope'"));
}

TEST_CASE("a written file reads back (writer -> reader)", "[unit][safetensors]") {
  ntm::test::TempDir dir;
  std::string p = dir / "t.safetensors";
  auto x = torch::arange(12, torch::kFloat).reshape({3, 4});
  auto y = torch::tensor({1, 2, 3}, torch::kLong);
  auto z = torch::ones({0, 5});
  auto s = torch::tensor(3.5, torch::kDouble);
  ntm::st::save(p, {{"x", x}, {"y", y}, {"z", z}, {"s", s}}, {{"format", "pt"}, {"b", "2"}});
  auto f = ntm::st::File::open(p);
  CHECK(torch::equal(f->tensor("x"), x));
  CHECK(torch::equal(f->tensor("y"), y));
  CHECK(f->tensor("z").sizes().vec() == std::vector<int64_t>{0, 5});
  CHECK(f->tensor("s").item<double>() == 3.5);
  CHECK(f->metadata("format") == "pt");
  CHECK(f->metadata("b") == "2");
  CHECK(f->header().metadata.front().first == "format");
  // Tensors outlive the File object.
  at::Tensor keep = f->tensor("x");
  f.reset();
  CHECK(keep.sum().item<float>() == 66.0f);
}

TEST_CASE("corrupt safetensors files give one-line errors", "[unit][safetensors]") {
  const std::string ok_header = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  CHECK(error_of(header_bytes(ok_header, 8)).empty());
  CHECK_THAT(error_of("abc"), Catch::Contains("not a safetensors file"));
  CHECK_THAT(error_of(header_bytes(ok_header, 4)), Catch::Contains("truncated"));
  CHECK_THAT(error_of(header_bytes(ok_header, 12)), Catch::Contains("trailing bytes"));
  std::string past = header_bytes(ok_header, 8);
  past[0] = char(0xff);
  past[1] = char(0x7f);
  CHECK_THAT(error_of(past), Catch::Contains("runs past the end"));
  std::string huge = header_bytes(ok_header, 8);
  huge[5] = 1;
  CHECK_THAT(error_of(huge), Catch::Contains("100 MB"));
  CHECK_THAT(error_of(header_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                   R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12)),
             Catch::Contains("overlapping"));
  CHECK_THAT(error_of(header_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                   R"("b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}})", 20)),
             Catch::Contains("gap"));
  CHECK_THAT(error_of(header_bytes(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8)),
             Catch::Contains("needs 12"));
  CHECK_THAT(error_of(header_bytes(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,8]}})", 8)),
             Catch::Contains("overflow"));
  CHECK_THAT(error_of(header_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_off)", 8)), Catch::Contains("not valid JSON"));
  CHECK_THAT(error_of(header_bytes(R"({"a":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}})", 8)),
             Catch::Contains("dtype 'Q4'"));
  CHECK_THAT(error_of(header_bytes(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8)),
             Catch::Contains("integers >= 0"));
  CHECK_THAT(error_of(header_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                   R"("a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})", 16)),
             Catch::Contains("duplicate"));
  CHECK_THAT(error_of(header_bytes(R"({"__metadata__":{"k":1}})", 0)), Catch::Contains("not a string"));
  CHECK_THAT(error_of(header_bytes("[1,2]", 0)), Catch::Contains("not a JSON object"));
}

TEST_CASE("sharded checkpoint errors name the culprit", "[unit][safetensors]") {
  ntm::test::TempDir dir;
  CHECK_THROWS_WITH(ntm::st::Checkpoint(dir.path()), Catch::Contains("no model.safetensors"));
  std::ofstream(dir / "model.safetensors.index.json") << R"({"weight_map":{"w":"missing.safetensors"}})";
  CHECK_THROWS_WITH(ntm::st::Checkpoint(dir.path()), Catch::Contains("missing.safetensors"));
  std::ofstream(dir / "model.safetensors.index.json") << R"({"weight_map":{"w":"../etc/passwd"}})";
  CHECK_THROWS_WITH(ntm::st::Checkpoint(dir.path()), Catch::Contains("not a plain file name"));
  // A truncated shard.
  std::string shard = ntm::read_file(fixture("lm-models/llama_bf16_sharded/model-00001-of-00006.safetensors"));
  ntm::write_file_atomic(dir / "s.safetensors", shard.substr(0, shard.size() - 10));
  std::ofstream(dir / "model.safetensors.index.json") << R"({"weight_map":{"model.embed_tokens.weight":"s.safetensors"}})";
  CHECK_THROWS_WITH(ntm::st::Checkpoint(dir.path()), Catch::Contains("truncated"));
}
