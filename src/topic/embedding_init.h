#pragma once
// Initial values of embedding matrices (private header: needs torch).
#include <torch/torch.h>

#include <functional>

#include "ntm/topic/model.h"

namespace ntm::topic {

// torch.nn.init.trunc_normal_(t, mean, std, a, b): normal(mean, std²) truncated to [a, b]
// (absolute bounds), drawn with torch's default generator by the inverse-CDF method.
torch::Tensor trunc_normal(std::vector<int64_t> shape, double mean = 0.0, double std = 1.0, double a = -2.0,
                           double b = 2.0);

// Word embeddings [V, E] for a model: rows of shape.word_embeddings where shape.word_found is true,
// `random(V, E)` rows elsewhere; all `random(V, default_size)` (or shape.embedding_size) when the
// shape carries no embeddings.
torch::Tensor initial_word_embeddings(const ModelShape& shape, int64_t default_size,
                                      const std::function<torch::Tensor(int64_t, int64_t)>& random);

}  // namespace ntm::topic
