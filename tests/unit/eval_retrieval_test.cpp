// Retrieval precision@k on hand-made Θ with known neighbours (method-spec §7.5).
#include <torch/torch.h>

#include "catch.h"
#include "ntm/eval/retrieval.h"

using namespace ntm::eval;

TEST_CASE("Retrieval P@k on 3 documents and 2 topics", "[unit][eval]") {
  // KL(P1||P0) = .8 ln(.8/.9) + .2 ln 2 = 0.0444 < KL(P1||P2) = 0.534; KL(P2||P1) = 0.583 < KL(P2||P0) = 1.033.
  auto theta = torch::tensor({0.9f, 0.1f, 0.8f, 0.2f, 0.3f, 0.7f}).view({3, 2});
  RetrievalOptions opt;
  opt.ks = {1, 2};
  auto nb = retrieval_neighbours(theta, 2, opt);
  CHECK(nb[0][0].item<int64_t>() == 1);
  CHECK(nb[1][0].item<int64_t>() == 0);
  CHECK(nb[2][0].item<int64_t>() == 1);
  auto s = retrieval_precision(theta, {0, 1, 1}, opt);
  // Query 0 -> doc 1 (miss); query 1 -> doc 0 (miss); query 2 -> doc 1 (hit).
  CHECK(s.precision[0] == Approx(1.0 / 3));
  // k = 2 retrieves both other documents: 0/2, 1/2, 1/2.
  CHECK(s.precision[1] == Approx(1.0 / 3));
  CHECK(s.num_documents == 3);
}

TEST_CASE("Retrieval uses KL(query || doc), not the reverse", "[unit][eval]") {
  // q = (.6,.4), A = (.999,.001), B = (.1,.9): KL(q||A) = 2.09 > KL(q||B) = 0.751,
  // but KL(A||q) = 0.503 < KL(B||q) = 0.551, so the direction decides the neighbour.
  auto theta = torch::tensor({0.6f, 0.4f, 0.999f, 0.001f, 0.1f, 0.9f}).view({3, 2});
  auto nb = retrieval_neighbours(theta, 1);
  CHECK(nb[0][0].item<int64_t>() == 2);
  auto s = retrieval_precision(theta, {0, 1, 0}, RetrievalOptions{{1}, 0, c10::Device(c10::kCPU)});
  // q -> B (hit); A -> q (KL(A||q) = 0.503 < KL(A||B) = 2.29: miss); B -> q (0.551 < 5.89: hit).
  CHECK(s.precision[0] == Approx((1.0 + 0.0 + 1.0) / 3));
}

TEST_CASE("Retrieval ties go to the lower index; self excluded; blocks agree", "[unit][eval]") {
  // Four identical rows and one different: every query among 0..3 sees ties at distance 0.
  auto theta = torch::tensor({0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.9f, 0.1f}).view({5, 2});
  RetrievalOptions opt;
  opt.block_rows = 2;  // several blocks
  auto nb = retrieval_neighbours(theta, 3, opt);
  std::vector<std::vector<int64_t>> expected = {{1, 2, 3}, {0, 2, 3}, {0, 1, 3}, {0, 1, 2}, {0, 1, 2}};
  for (int i = 0; i < 5; ++i)
    for (int t = 0; t < 3; ++t) CHECK(nb[i][t].item<int64_t>() == expected[i][t]);
  // Unlabelled documents (label -1) are neither queries nor candidates.
  auto s = retrieval_precision(theta, {0, 0, -1, 1, 1}, RetrievalOptions{{1}, 0, c10::Device(c10::kCPU)});
  CHECK(s.num_documents == 4);
  // Subset rows 0,1,3 identical, 4 differs: 0->1 hit, 1->0 hit, 3->0 miss, 4->0 miss.
  CHECK(s.precision[0] == Approx(0.5));
}

TEST_CASE("Retrieval blockwise equals a direct computation on random Θ", "[unit][eval]") {
  torch::manual_seed(3);
  auto theta = torch::softmax(torch::randn({300, 7}) * 2, 1);
  auto P = theta / theta.sum(1, true);
  auto logP = torch::log(P + 1e-12f);
  auto D = (P.unsqueeze(1) * (logP.unsqueeze(1) - logP.unsqueeze(0))).sum(2);  // [D, D]
  D.fill_diagonal_(std::numeric_limits<float>::infinity());
  auto direct = std::get<1>(D.sort(true, 1, false)).slice(1, 0, 10);
  RetrievalOptions opt;
  opt.block_rows = 64;
  auto nb = retrieval_neighbours(theta, 10, opt);
  // Float rounding of the matmul form may swap near-equal neighbours: demand >= 99% agreement.
  const double agree = nb.eq(direct).to(torch::kFloat64).mean().item<double>();
  CHECK(agree > 0.99);
}
