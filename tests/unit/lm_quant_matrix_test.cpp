// [gguf][lm] GGUF matrices kept in their quantized blocks (lm::QuantMatrix, --gguf-weights quantized):
// tile-by-tile dequantization inside the matmul, fused parts and the llama Q/K row permutation give
// the numbers of the matrix dequantized at load; every GGUF fixture runs the same either way.
#include <torch/torch.h>

#include <cstring>
#include <random>

#include "catch.h"
#include "lm/quant_matrix.h"
#include "lm_test_util.h"
#include "ntm/error.h"
#include "ntm/io/gguf.h"
#include "ntm/lm/model.h"

using namespace ntm::test;
using ntm::lm::QuantMatrix;
using ntm::lm::QuantRows;

namespace {

// rows x cols Q8_0 blocks (f16 scale, 32 int8) with random scales and values.
std::vector<uint8_t> random_q8_0(int64_t rows, int64_t cols, std::mt19937& rng) {
  const int64_t blocks = rows * cols / 32;
  std::vector<uint8_t> out(static_cast<size_t>(blocks * 34));
  std::uniform_int_distribution<int> q(-127, 127);
  std::uniform_real_distribution<float> s(0.001f, 0.05f);
  for (int64_t b = 0; b < blocks; ++b) {
    uint8_t* p = out.data() + b * 34;
    const uint16_t d = c10::Half(s(rng)).x;
    std::memcpy(p, &d, 2);
    for (int i = 0; i < 32; ++i) p[2 + i] = static_cast<uint8_t>(static_cast<int8_t>(q(rng)));
  }
  return out;
}

at::Tensor dequantized(const std::vector<uint8_t>& blocks, int64_t rows, int64_t cols) {
  at::Tensor t = torch::empty({rows, cols}, torch::kFloat);
  ntm::gguf::dequantize_into(8, blocks.data(), t.data_ptr<float>(), rows * cols);
  return t;
}

// HF row h*hd + d <- stored row h*hd + 2*(d mod hd/2) + d/(hd/2) (gguf-notes §4.2).
at::Tensor unpermuted(const at::Tensor& t, int64_t heads) {
  return t.reshape({heads, t.size(0) / heads / 2, 2, t.size(1)}).transpose(1, 2).reshape(t.sizes()).contiguous();
}

}  // namespace

TEST_CASE("quant matrix: several tiles, fused parts and permuted rows equal the dequantized matrix", "[gguf][lm][unit]") {
  std::mt19937 rng(7);
  const int64_t cols = 1024;  // 256 rows per tile: 600 rows run 3 tiles, the last partial
  const int64_t r1 = 344, r2 = 256, heads = 4;
  auto b1 = random_q8_0(r1, cols, rng), b2 = random_q8_0(r2, cols, rng);
  QuantRows p1{b1.data(), 8, r1, cols, 0, nullptr}, p2{b2.data(), 8, r2, cols, heads, nullptr};
  QuantMatrix m({p1, p2});
  REQUIRE(m.rows() == r1 + r2);
  CHECK(m.bytes() == static_cast<int64_t>(b1.size() + b2.size()));
  const at::Tensor want = torch::cat({dequantized(b1, r1, cols), unpermuted(dequantized(b2, r2, cols), heads)});
  CHECK(torch::equal(m.dense(), want));

  const at::Tensor x = torch::randn({37, cols});  // [N, cols]
  const at::Tensor y = m.matmul_t(x), ref = at::linear(x, want);
  REQUIRE(y.sizes() == ref.sizes());
  CHECK(max_abs_diff(y, ref) <= 1e-5 * ref.abs().max().item<double>());

  const at::Tensor ids = torch::tensor(std::vector<int64_t>{0, 599, 344, 345, 7, 344}, torch::kLong);
  CHECK(torch::equal(m.gather(ids), want.index_select(0, ids)));
  ntm::lm::Weight w;
  w.quant = std::make_shared<const QuantMatrix>(std::vector<QuantRows>{p1, p2});
  const at::Tensor bias = torch::randn({r1 + r2});
  CHECK(max_abs_diff(w.linear(x, bias), at::linear(x, want, bias)) <= 1e-5 * ref.abs().max().item<double>());
  CHECK_THROWS_AS(m.gather(torch::tensor(std::vector<int64_t>{600}, torch::kLong)), ntm::Error);
}

TEST_CASE("quant matrix: every GGUF fixture gives the same outputs kept quantized and dequantized at load", "[gguf][lm][e2e]") {
  const std::vector<std::vector<int64_t>> seqs = {{1, 5, 9, 2, 7, 3}, {4, 4, 8}, {11}};
  for (const char* name : {"llama-mixed32", "llama-kquants", "qwen2", "qwen3", "phi3", "gemma", "gemma2", "gpt2"}) {
    INFO("fixture " << name);
    const std::string path = fixture(std::string("gguf/models/") + name + ".gguf");
    ntm::lm::LoadOptions q, f;
    q.dtype = f.dtype = "float32";
    f.gguf_weights = "float";
    auto mq = ntm::lm::CausalLM::load(path, q), mf = ntm::lm::CausalLM::load(path, f);
    CHECK(mq->keeps_quantized_weights());
    CHECK(!mf->keeps_quantized_weights());
    ntm::lm::ForwardOptions fo;
    fo.all_layers = true;
    auto a = mq->forward(seqs, fo), b = mf->forward(seqs, fo);
    const double scale = b.last_logits.abs().max().item<double>();
    CHECK(max_abs_diff(a.last_logits, b.last_logits) <= 1e-5 * scale);
    CHECK(max_abs_diff(a.all_layers_last_hidden, b.all_layers_last_hidden) <=
          1e-5 * b.all_layers_last_hidden.abs().max().item<double>());
    fo.token_ids = {0, 3, 17};  // the selected-rows head
    fo.all_layers = false;
    CHECK(max_abs_diff(mq->forward(seqs, fo).last_logits, mf->forward(seqs, fo).last_logits) <= 1e-5 * scale);
  }
}

TEST_CASE("quant matrix: --gguf-weights takes quantized or float", "[gguf][lm][e2e]") {
  TempDir tmp;
  auto r = run_ntm("--device cpu lm-run --model " + q(fixture("gguf/models/qwen2.gguf")) + " --input " +
                   q(fixture("gguf/models/ids.jsonl")) + " --out " + q(tmp / "o.safetensors") + " --gguf-weights int4");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("--gguf-weights") && Catch::Contains("quantized or float"));
  CHECK(!std::filesystem::exists(tmp / "o.safetensors"));
}
