// check_chunk: the rules every label-store chunk obeys (label_store.h), used by the writer before
// it writes and by the reader after it reads.
#include <torch/torch.h>

#include <cmath>
#include <sstream>

#include "ntm/error.h"
#include "ntm/labels/label_store.h"

namespace ntm::labels {
namespace {

std::string shape_str(const at::Tensor& t) {
  std::ostringstream os;
  os << "[";
  for (int64_t i = 0; i < t.dim(); ++i) os << (i ? ", " : "") << t.size(i);
  os << "]";
  return os.str();
}

std::string shape_str(const std::vector<int64_t>& s) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < s.size(); ++i) os << (i ? ", " : "") << s[i];
  os << "]";
  return os.str();
}

const char* dtype_str(c10::ScalarType t) {
  switch (t) {
    case c10::kFloat: return "float32 (F32)";
    case c10::kBFloat16: return "bfloat16 (BF16)";
    case c10::kLong: return "int64 (I64)";
    case c10::kInt: return "int32 (I32)";
    default: return c10::toString(t);
  }
}

void require(const at::Tensor& t, const char* name, c10::ScalarType dtype, const std::vector<int64_t>& shape,
             const char* meaning, const std::string& where) {
  if (!t.defined()) input_error(where, ": tensor '", name, "' is missing");
  if (t.scalar_type() != dtype)
    input_error(where, ": tensor '", name, "' has dtype ", dtype_str(t.scalar_type()), ", expected ", dtype_str(dtype));
  if (t.sizes().vec() != shape)
    input_error(where, ": tensor '", name, "' has shape ", shape_str(t), ", expected ", shape_str(shape), " (", meaning,
                ")");
}

// Rows of a 2-D float tensor must be finite; the error names the corpus row.
void require_finite_rows(const at::Tensor& t, const char* name, const at::Tensor& doc_index, const std::string& where) {
  at::Tensor f = t.scalar_type() == c10::kFloat ? t.contiguous() : t.to(c10::kFloat).contiguous();
  const float* p = f.data_ptr<float>();
  const int64_t n = f.size(0), w = f.size(1);
  for (int64_t i = 0; i < n; ++i) {
    const float* row = p + i * w;
    for (int64_t j = 0; j < w; ++j) {
      if (std::isfinite(row[j])) continue;
      input_error(where, ": ", name, " of corpus row ", doc_index[i].item<int64_t>(), " (row ", i,
                  " of this chunk, column ", j, ") is ", std::isnan(row[j]) ? "NaN" : (row[j] > 0 ? "+Inf" : "-Inf"),
                  "; the store is unusable — rebuild it with `ntm build-labels` (an LM overflowing in half precision needs float32)");
    }
  }
}

}  // namespace

void check_chunk(const Chunk& c, const StoreMeta& m, int64_t first_doc, int64_t expected_n, const std::string& where) {
  if (!c.doc_index.defined()) input_error(where, ": tensor 'doc_index' is missing");
  if (c.doc_index.dim() != 1)
    input_error(where, ": tensor 'doc_index' has shape ", shape_str(c.doc_index), ", expected [n] (one row per document)");
  const int64_t n = c.doc_index.size(0);
  if (n < 1) input_error(where, ": the chunk holds no documents (doc_index is empty)");
  if (expected_n >= 0 && n != expected_n)
    input_error(where, ": tensor 'doc_index' has shape [", n, "], expected [", expected_n, "] (meta.json num_docs)");
  const int64_t V = m.vocab_size(), H = m.hidden_size;
  require(c.doc_index, "doc_index", c10::kLong, {n}, "n documents", where);
  require(c.soft_labels, "soft_labels", c10::kFloat, {n, V}, "n documents x V vocabulary words", where);
  c10::ScalarType hidden_type = m.hidden_dtype == "bfloat16" ? c10::kBFloat16 : c10::kFloat;
  require(c.hidden, "hidden", hidden_type, {n, H}, "n documents x H hidden size", where);
  require(c.labels, "labels", c10::kLong, {n}, "n documents", where);
  if (!c.bow_indptr.defined()) input_error(where, ": tensor 'bow_indptr' is missing");
  require(c.bow_indptr, "bow_indptr", c10::kLong, {n + 1}, "n documents + 1", where);
  if (c.prompt_tokens.defined()) require(c.prompt_tokens, "prompt_tokens", c10::kInt, {n}, "n documents", where);
  if (c.next_token.defined()) require(c.next_token, "next_token", c10::kLong, {n}, "n documents", where);
  const int64_t S = static_cast<int64_t>(m.layers.size());
  if (S > 0)
    require(c.layer_hidden, "layer_hidden", hidden_type, {n, S, H}, "n documents x S stored layers x H hidden size",
            where);
  else if (c.layer_hidden.defined())
    input_error(where, ": tensor 'layer_hidden' is present but meta.json lists no 'layers'");

  at::Tensor doc = c.doc_index.contiguous();
  const int64_t* d = doc.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i)
    if (d[i] != first_doc + i)
      input_error(where, ": doc_index is not contiguous: row ", i, " holds corpus row ", d[i], ", expected ",
                  first_doc + i, " (documents must be stored in corpus order without gaps)");

  at::Tensor indptr = c.bow_indptr.contiguous();
  const int64_t* ip = indptr.data_ptr<int64_t>();
  if (ip[0] != 0) input_error(where, ": bow_indptr[0] is ", ip[0], ", expected 0");
  for (int64_t i = 0; i < n; ++i)
    if (ip[i + 1] < ip[i])
      input_error(where, ": bow_indptr decreases at corpus row ", d[i], " (", ip[i], " then ", ip[i + 1], ")");
  const int64_t nnz = ip[n];
  require(c.bow_indices, "bow_indices", c10::kInt, {nnz}, "nnz = bow_indptr[n]", where);
  require(c.bow_counts, "bow_counts", c10::kFloat, {nnz}, "nnz = bow_indptr[n]", where);
  at::Tensor idx = c.bow_indices.contiguous(), cnt = c.bow_counts.contiguous();
  const int32_t* ix = idx.data_ptr<int32_t>();
  const float* ct = cnt.data_ptr<float>();
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t k = ip[i]; k < ip[i + 1]; ++k) {
      if (ix[k] < 0 || ix[k] >= V)
        input_error(where, ": bow_indices of corpus row ", d[i], " holds ", ix[k], ", outside the vocabulary [0, ", V, ")");
      if (k > ip[i] && ix[k] <= ix[k - 1])
        input_error(where, ": bow_indices of corpus row ", d[i], " are not strictly increasing (", ix[k - 1], " then ",
                    ix[k], ")");
      if (!std::isfinite(ct[k]) || ct[k] < 0)
        input_error(where, ": bow_counts of corpus row ", d[i], " holds ", ct[k], " (counts must be finite and >= 0)");
    }
  }

  at::Tensor lab = c.labels.contiguous();
  const int64_t* lp = lab.data_ptr<int64_t>();
  const int64_t L = static_cast<int64_t>(m.label_names.size());
  for (int64_t i = 0; i < n; ++i)
    if (lp[i] < -1 || lp[i] >= L)
      input_error(where, ": labels of corpus row ", d[i], " is ", lp[i], ", outside [-1, ", L,
                  ") (meta.json label_names has ", L, " names)");

  require_finite_rows(c.soft_labels, "soft_labels", doc, where);
  require_finite_rows(c.hidden, "hidden", doc, where);
  if (S > 0) require_finite_rows(c.layer_hidden.reshape({n, S * H}), "layer_hidden", doc, where);
}

}  // namespace ntm::labels
