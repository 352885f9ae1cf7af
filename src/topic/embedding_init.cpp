#include "embedding_init.h"

#include <cmath>

#include "ntm/error.h"

namespace ntm::topic {

torch::Tensor trunc_normal(std::vector<int64_t> shape, double mean, double std, double a, double b) {
  auto cdf = [](double x) { return 0.5 * (1.0 + std::erf(x / std::sqrt(2.0))); };
  const double lo = cdf((a - mean) / std), hi = cdf((b - mean) / std);
  auto t = torch::empty(shape).uniform_(2 * lo - 1, 2 * hi - 1);
  t.erfinv_().mul_(std * std::sqrt(2.0)).add_(mean).clamp_(a, b);
  return t;
}

torch::Tensor initial_word_embeddings(const ModelShape& shape, int64_t default_size,
                                      const std::function<torch::Tensor(int64_t, int64_t)>& random) {
  const int64_t V = shape.vocab_size;
  if (!shape.word_embeddings.defined())
    return random(V, shape.embedding_size > 0 ? shape.embedding_size : default_size);
  NTM_CHECK(shape.word_embeddings.dim() == 2 && shape.word_embeddings.size(0) == V,
            "word embeddings must be [V, E]");
  const int64_t E = shape.word_embeddings.size(1);
  auto out = shape.word_embeddings.to(torch::kFloat32).clone();  // [V, E]
  if (shape.word_found.defined()) {
    auto missing = shape.word_found.logical_not();  // [V]
    if (missing.any().item<bool>()) {
      auto rnd = random(V, E);  // drawn for every row so the draw does not depend on which are missing
      out.index_put_({missing}, rnd.index({missing}));
    }
  }
  return out;
}

}  // namespace ntm::topic
