// bow_to_dense: CSR BoW of a label-store chunk -> dense [n, V] float32.
#include <torch/torch.h>

#include "ntm/error.h"
#include "ntm/labels/label_store.h"

namespace ntm::labels {

at::Tensor bow_to_dense(const Chunk& c, int64_t V) {
  NTM_CHECK(c.bow_indptr.defined() && c.bow_indptr.dim() == 1 && c.bow_indptr.size(0) >= 1, "bow_indptr missing");
  const int64_t n = c.bow_indptr.size(0) - 1;
  at::Tensor indptr = c.bow_indptr.to(torch::kLong).contiguous();
  at::Tensor rows = torch::repeat_interleave(torch::arange(n, torch::kLong), indptr.diff());  // [nnz]
  at::Tensor cols = c.bow_indices.to(torch::kLong);                                          // [nnz]
  at::Tensor dense = torch::zeros({n, V}, torch::kFloat);                                    // [n, V]
  dense.index_put_({rows, cols}, c.bow_counts.to(torch::kFloat), /*accumulate=*/true);
  return dense;
}

}  // namespace ntm::labels
