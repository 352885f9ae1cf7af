// NaN/Inf and empty shapes in eval inputs (theta/beta) are refused, naming the row (issue 10).
#include <torch/torch.h>

#include <limits>
#include <string>

#include "catch.h"
#include "ntm/error.h"
#include "ntm/eval/inputs.h"
#include "ntm/io/safetensors.h"
#include "test_util.h"

using ntm::test::TempDir;

namespace {
std::string theta_error(const at::Tensor& theta) {
  TempDir dir;
  ntm::st::save(dir / "theta.safetensors", {{"theta", theta}});
  ntm::eval::SeedInput seed;
  try {
    ntm::eval::load_theta_file(dir / "theta.safetensors", seed);
  } catch (const ntm::Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("eval: theta with NaN/Inf or K = 0 is refused, naming the document row", "[unit][reliability]") {
  auto theta = torch::full({5, 3}, 1.0f / 3);
  CHECK(theta_error(theta).empty());
  theta[3][1] = std::numeric_limits<float>::quiet_NaN();
  CHECK(theta_error(theta).find("row (document) 3 holds NaN or Inf") != std::string::npos);
  theta[3][1] = 0.5f;
  theta[1][0] = std::numeric_limits<float>::infinity();
  CHECK(theta_error(theta).find("row (document) 1 holds NaN or Inf") != std::string::npos);
  CHECK(theta_error(torch::zeros({4, 0})).find("K and D must be > 0") != std::string::npos);
}
