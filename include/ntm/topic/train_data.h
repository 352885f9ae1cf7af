#pragma once
// The in-memory training set: what a topic model sees of a label store, on the CPU.
//
// Built once per `ntm train` from the label store's rows (corpus order). Which parts are kept
// depends on the model (ModelInputs): the LM hidden state as encoder input, the reconstruction
// target (teacher distribution precomputed from the soft labels, or BoW counts), the BoW CSR for
// BoW encoders. BoW baselines drop documents with an empty BoW, as the reference does.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

#include "ntm/labels/label_store.h"
#include "ntm/topic/objective.h"

namespace ntm::topic {

// What a model needs from the store.
struct ModelInputs {
  bool hidden = false;          // LM hidden state as encoder input (x)
  bool bow_input = false;       // dense BoW rows as encoder input
  bool soft_label_target = false;  // teacher distribution from the soft labels
  bool bow_target = false;      // BoW counts as reconstruction weights
  bool drop_empty_bow = false;  // drop documents whose BoW is empty (reference baselines)
  bool word_embeddings = false; // the model starts from word embeddings (--word-embeddings, --word-vectors)
  // > 0: the model's own fixed target, ignoring the teacher flags: softmax(neg_inf-top-k(logits)/T)
  // as probabilities (no 1e-9 clamp) — DSL-FASTopic's top-20 (method-spec §5.4).
  int64_t fixed_topk = 0;
  // The label-store columns these inputs read (a BoW model skips the soft labels and hidden states).
  labels::ReadColumns columns() const { return {soft_label_target, hidden}; }
};

// How the soft labels become the teacher (method-spec §4).
struct TeacherSpec {
  int64_t topk = 0;              // > 0 overrides sparsity_ratio
  double sparsity_ratio = 1.0;
  MaskMode mask_mode = MaskMode::kNegInf;
  double temperature = 3.0;
  LossType loss_type = LossType::kKL;
};

struct TrainData {
  int64_t num_docs = 0;    // D (after dropping)
  int64_t vocab_size = 0;  // V
  int64_t hidden_size = 0; // H (0 when unused)
  at::Tensor x;            // [D, H] float32 contiguous, or undefined
  ReconTarget target;      // weight [D, V] (soft-label models) or undefined (BoW target: built per batch)
  at::Tensor bow_indptr;   // [D+1] int64, rows re-based after dropping
  at::Tensor bow_indices;  // [nnz] int32
  at::Tensor bow_counts;   // [nnz] float32
  at::Tensor labels;       // [D] int64
  at::Tensor doc_index;    // [D] int64 corpus rows
  int64_t dropped_empty = 0;  // documents dropped for an empty BoW
  bool bow_target = false;    // reconstruction target = BoW counts
  bool bow_input = false;     // dense BoW rows are an encoder input
};

// Builds the training set from all rows of a store. `where` names the store in messages.
TrainData make_train_data(const labels::Chunk& rows, const ModelInputs& inputs, const TeacherSpec& teacher,
                          const std::string& where);

// Dense BoW rows [B, V] float32 for the given row indices (int64 [B]) of the training set.
at::Tensor dense_bow(const TrainData& data, const at::Tensor& rows);

}  // namespace ntm::topic
