#include "ntm/topic/train_data.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include "ntm/error.h"

namespace ntm::topic {

TrainData make_train_data(const labels::Chunk& rows, const ModelInputs& inputs, const TeacherSpec& teacher,
                          const std::string& where) {
  const int64_t n = rows.size();
  if (n == 0) input_error(where, ": the label store holds no documents");
  NTM_CHECK(rows.bow_indptr.defined() && rows.bow_indptr.numel() == n + 1, "bow_indptr must be [n+1]");
  auto indptr = rows.bow_indptr.to(torch::kInt64).contiguous();
  auto counts = rows.bow_counts.to(torch::kFloat32).contiguous();
  auto indices = rows.bow_indices.to(torch::kInt32).contiguous();

  // Keep mask: documents with a non-empty BoW (sum of counts > 0) when the model drops them.
  std::vector<int64_t> keep;
  keep.reserve(n);
  const int64_t* ip = indptr.data_ptr<int64_t>();
  const float* cp = counts.data_ptr<float>();
  for (int64_t d = 0; d < n; ++d) {
    bool empty = true;
    for (int64_t j = ip[d]; j < ip[d + 1]; ++j)
      if (cp[j] > 0.0f) { empty = false; break; }
    if (!inputs.drop_empty_bow || !empty) keep.push_back(d);
  }
  TrainData data;
  data.dropped_empty = n - static_cast<int64_t>(keep.size());
  if (keep.empty()) input_error(where, ": every document has an empty BoW; a BoW model cannot train on it");
  if (inputs.drop_empty_bow)
    spdlog::info("dropped {} of {} documents with an empty BoW (as the reference baselines do)", data.dropped_empty, n);
  const bool all = data.dropped_empty == 0;
  auto keep_t = torch::from_blob(keep.data(), {static_cast<int64_t>(keep.size())}, torch::kInt64).clone();
  auto select = [&](const at::Tensor& t) { return all ? t.contiguous() : t.index_select(0, keep_t).contiguous(); };

  data.num_docs = keep_t.size(0);
  data.labels = select(rows.labels.to(torch::kInt64));
  data.doc_index = select(rows.doc_index.to(torch::kInt64));
  data.vocab_size = rows.soft_labels.defined() ? rows.soft_labels.size(1) : 0;
  if (inputs.hidden) {
    if (!rows.hidden.defined() || rows.hidden.dim() != 2) input_error(where, ": the store has no hidden states");
    data.x = select(rows.hidden.to(torch::kFloat32));
    data.hidden_size = data.x.size(1);
  }
  if (inputs.soft_label_target) {
    if (!rows.soft_labels.defined()) input_error(where, ": the store has no soft labels");
    const int64_t V = rows.soft_labels.size(1);
    const int64_t k = resolve_topk(teacher.topk, teacher.sparsity_ratio, V);
    data.target = make_teacher_target(select(rows.soft_labels), k, teacher.mask_mode, teacher.temperature,
                                      teacher.loss_type);
  }
  data.bow_target = inputs.bow_target;
  data.bow_input = inputs.bow_input;
  // Re-based CSR of the kept rows.
  std::vector<int64_t> new_ptr{0};
  std::vector<int32_t> new_idx;
  std::vector<float> new_cnt;
  const int32_t* xp = indices.data_ptr<int32_t>();
  new_idx.reserve(indices.numel());
  new_cnt.reserve(indices.numel());
  for (int64_t d : keep) {
    for (int64_t j = ip[d]; j < ip[d + 1]; ++j) {
      if (xp[j] < 0 || (data.vocab_size > 0 && xp[j] >= data.vocab_size))
        input_error(where, ": BoW index ", xp[j], " of document ", d, " is outside the vocabulary");
      new_idx.push_back(xp[j]);
      new_cnt.push_back(cp[j]);
    }
    new_ptr.push_back(static_cast<int64_t>(new_idx.size()));
  }
  data.bow_indptr = torch::tensor(new_ptr, torch::kInt64);
  data.bow_indices = torch::from_blob(new_idx.data(), {static_cast<int64_t>(new_idx.size())}, torch::kInt32).clone();
  data.bow_counts = torch::from_blob(new_cnt.data(), {static_cast<int64_t>(new_cnt.size())}, torch::kFloat32).clone();
  return data;
}

at::Tensor dense_bow(const TrainData& data, const at::Tensor& rows) {
  auto r = rows.to(torch::kInt64).contiguous();
  const int64_t B = r.size(0);
  auto out = torch::zeros({B, data.vocab_size}, torch::kFloat32);  // [B, V]
  float* op = out.data_ptr<float>();
  const int64_t* rp = r.data_ptr<int64_t>();
  const int64_t* ip = data.bow_indptr.data_ptr<int64_t>();
  const int32_t* xp = data.bow_indices.data_ptr<int32_t>();
  const float* cp = data.bow_counts.data_ptr<float>();
  for (int64_t b = 0; b < B; ++b) {
    float* row = op + b * data.vocab_size;
    for (int64_t j = ip[rp[b]]; j < ip[rp[b] + 1]; ++j) row[xp[j]] += cp[j];
  }
  return out;
}

}  // namespace ntm::topic
