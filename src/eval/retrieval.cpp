#include "ntm/eval/retrieval.h"

#include <ATen/Parallel.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <limits>

#include "ntm/error.h"

namespace ntm::eval {

namespace {

// The first k entries of one row by (value, index) ascending; self excluded. Heap-free insertion
// into a sorted buffer: cheap because k is small and most values fail the first comparison.
void select_row(const float* d, int64_t n, int64_t self, int64_t k, int64_t* out) {
  std::vector<std::pair<float, int64_t>> best;
  best.reserve(k + 1);
  for (int64_t j = 0; j < n; ++j) {
    if (j == self) continue;
    const float v = d[j];
    if (static_cast<int64_t>(best.size()) == k && !(v < best.back().first)) continue;  // ties: keep lower j
    auto pos = std::upper_bound(best.begin(), best.end(), v,
                                [](float x, const std::pair<float, int64_t>& e) { return x < e.first; });
    best.insert(pos, {v, j});
    if (static_cast<int64_t>(best.size()) > k) best.pop_back();
  }
  for (int64_t i = 0; i < k; ++i) out[i] = i < static_cast<int64_t>(best.size()) ? best[i].second : -1;
}

}  // namespace

at::Tensor retrieval_neighbours(const at::Tensor& theta_in, int64_t k_max, const RetrievalOptions& options) {
  torch::NoGradGuard no_grad;
  NTM_CHECK(theta_in.dim() == 2, "theta must be [D, K]");
  const int64_t N = theta_in.size(0);
  const int64_t k = std::min<int64_t>(k_max, std::max<int64_t>(N - 1, 0));
  auto result = torch::full({N, k_max}, -1, torch::kInt64);
  if (N < 2 || k == 0) return result;

  auto theta = theta_in.to(options.device, torch::kFloat32).contiguous();  // [D, K]
  auto sums = theta.sum(1, /*keepdim=*/true);
  auto P = theta / sums.clamp_min(1e-30);                          // [D, K]; all-zero rows stay 0
  auto logP = torch::log(P + 1e-12f);                              // [D, K]
  auto self_term = (P * logP).sum(1);                              // [D]
  auto logP_t = logP.t().contiguous();                             // [K, D]

  int64_t block = options.block_rows;
  if (block <= 0) block = std::max<int64_t>(1, (int64_t{64} << 20) / N);  // 64M floats = 256 MB
  const bool cuda = options.device.is_cuda();
  auto res_acc = result.accessor<int64_t, 2>();
  for (int64_t r0 = 0; r0 < N; r0 += block) {
    const int64_t r1 = std::min(N, r0 + block);
    auto D = self_term.slice(0, r0, r1).unsqueeze(1) - torch::matmul(P.slice(0, r0, r1), logP_t);  // [B, D]
    if (cuda) {
      // Exclude self with +inf, then a stable sort gives (value, index) order on the device.
      auto rows = torch::arange(r0, r1, torch::TensorOptions().dtype(torch::kInt64).device(options.device));
      D.index_put_({rows - r0, rows}, std::numeric_limits<float>::infinity());
      auto sorted = std::get<1>(D.sort(/*stable=*/true, /*dim=*/1, /*descending=*/false));
      auto top = sorted.slice(1, 0, k).to(torch::kCPU).contiguous();  // [B, k]
      result.slice(0, r0, r1).slice(1, 0, k).copy_(top);
    } else {
      D = D.contiguous();
      const float* base = D.data_ptr<float>();
      at::parallel_for(r0, r1, 16, [&](int64_t b, int64_t e) {
        std::vector<int64_t> out(k);
        for (int64_t i = b; i < e; ++i) {
          select_row(base + (i - r0) * N, N, i, k, out.data());
          for (int64_t t = 0; t < k; ++t) res_acc[i][t] = out[t];
        }
      });
    }
  }
  return result;
}

RetrievalScores retrieval_precision(const at::Tensor& theta, const std::vector<int64_t>& labels,
                                    const RetrievalOptions& options) {
  NTM_CHECK(theta.dim() == 2 && theta.size(0) == static_cast<int64_t>(labels.size()),
            "theta rows must match labels");
  std::vector<int64_t> keep;
  for (size_t d = 0; d < labels.size(); ++d)
    if (labels[d] >= 0) keep.push_back(static_cast<int64_t>(d));
  RetrievalScores s;
  s.ks = options.ks;
  s.precision.assign(options.ks.size(), 0.0);
  s.num_documents = static_cast<int64_t>(keep.size());
  if (keep.size() < 2) return s;
  auto idx = torch::from_blob(keep.data(), {static_cast<int64_t>(keep.size())}, torch::kInt64).clone();
  auto sub = theta.index_select(0, idx.to(theta.device()));
  int64_t k_max = 0;
  for (int k : options.ks) k_max = std::max<int64_t>(k_max, k);
  auto nb = retrieval_neighbours(sub, k_max, options);
  auto acc = nb.accessor<int64_t, 2>();
  const int64_t N = s.num_documents;
  std::vector<double> sums(options.ks.size(), 0.0);
  for (int64_t i = 0; i < N; ++i) {
    const int64_t li = labels[keep[i]];
    for (size_t m = 0; m < options.ks.size(); ++m) {
      const int k = options.ks[m];
      int64_t hits = 0;
      for (int t = 0; t < k; ++t) {
        const int64_t j = acc[i][t];
        if (j >= 0 && labels[keep[j]] == li) ++hits;
      }
      sums[m] += static_cast<double>(hits) / static_cast<double>(k);
    }
  }
  for (size_t m = 0; m < sums.size(); ++m) s.precision[m] = sums[m] / static_cast<double>(N);
  return s;
}

}  // namespace ntm::eval
