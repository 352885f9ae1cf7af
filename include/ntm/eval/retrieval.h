#pragma once
// Retrieval precision@k (method-spec §7.5, the DSL paper's metric).
//
// Rows of Θ are renormalised to P; D_ij = KL(P_i || P_j) = Σ_k P_ik (log(P_ik+1e-12) − log(P_jk+1e-12))
// in float32, computed block-wise as a_i − P_i · log(P_j+1e-12)ᵀ (a libtorch matmul; on the GPU
// when `device` is CUDA) so N = 100k documents never need an N×N matrix. For each query i the
// documents j ≠ i are ranked by ascending D_ij; ties are broken by the LOWER DOCUMENT INDEX FIRST
// (deterministic, unlike the reference's unstable np.argsort). P@k(i) = fraction of the first k
// retrieved documents sharing i's label; P@k = mean over queries. Documents with a negative
// label (no gold label) are removed before ranking (neither queries nor candidates).
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <vector>

namespace ntm::eval {

struct RetrievalOptions {
  std::vector<int> ks = {1, 5, 10};
  int64_t block_rows = 0;  // queries per block; 0 = automatic (about 256 MB of float32 per block)
  c10::Device device = c10::Device(c10::kCPU);
};

struct RetrievalScores {
  std::vector<int> ks;
  std::vector<double> precision;  // one per k
  int64_t num_documents = 0;
};

// theta: [D, K] float (any floating dtype; converted to float32); labels: [D] gold ids.
RetrievalScores retrieval_precision(const at::Tensor& theta, const std::vector<int64_t>& labels,
                                    const RetrievalOptions& options = {});

// The ranked neighbour lists themselves ([D, k_max] int64, indices into the labelled subset in
// input order), exposed for tests.
at::Tensor retrieval_neighbours(const at::Tensor& theta, int64_t k_max, const RetrievalOptions& options = {});

}  // namespace ntm::eval
