#pragma once
// Self-contained HTML report of an evaluation (no network, no JavaScript): the metric table, one
// SVG bar chart per topic (top words weighted by β), topic sizes (documents per argmax topic),
// a 2-D topic map (classical MDS on Jensen-Shannon distances between β rows) and a topic × gold
// label heat map. Topic visuals show the first seed.
#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "ntm/eval/inputs.h"

namespace ntm::eval {

void write_report(const std::string& path, const nlohmann::json& metrics, const EvalInputs& inputs);
std::string render_report(const nlohmann::json& metrics, const EvalInputs& inputs);

// Rows of β as probability distributions: used as is when non-negative and summing to 1
// (within 1e-3), otherwise softmax over each row (β given as logits/decoder weights).
at::Tensor beta_distributions(const at::Tensor& beta);  // [K, V] float64

// Jensen-Shannon distances (sqrt of the divergence, natural log) between rows. [K, K]
at::Tensor js_distances(const at::Tensor& dist);

// Classical (Torgerson) MDS to 2-D. [K, 2]
at::Tensor classical_mds(const at::Tensor& distances);

}  // namespace ntm::eval
