// validate_label_store: the whole-store check behind `ntm check-labels DIR`.
#include <torch/torch.h>

#include <sstream>

#include "ntm/error.h"
#include "ntm/labels/label_store.h"
#include "ntm/util/artifact.h"
#include "ntm/version.h"

namespace ntm::labels {

void require_vocab(const StoreMeta& meta, const std::string& store_dir, const std::string& vocab_hash,
                   const std::string& vocab_path) {
  check_input_identity(store_dir + ": labels were built with vocab", meta.vocab_hash, vocab_hash,
                       "ntm build-labels --vocab " + vocab_path + " --out " + store_dir);
}

namespace {
// One-line JSON, shortened for the summary.
std::string brief(const nlohmann::json& j) {
  if (j.empty()) return "(not recorded)";
  std::string s = j.dump();
  return s.size() > 160 ? s.substr(0, 157) + "..." : s;
}
}  // namespace

std::string validate_label_store(const std::string& dir) {
  LabelStoreReader reader(dir);
  const StoreMeta& m = reader.meta();
  int64_t empty_bow = 0, nnz = 0, unlabelled = 0;
  uint64_t bytes = 0;
  std::vector<int64_t> per_label(m.label_names.size(), 0);
  bool has_prompt_tokens = true, has_next_token = true;
  for (size_t i = 0; i < reader.num_chunks(); ++i) {
    Chunk c = reader.read_chunk(i);  // checksum, shapes, dtypes, values
    auto indptr = c.bow_indptr.accessor<int64_t, 1>();
    auto labels = c.labels.accessor<int64_t, 1>();
    for (int64_t r = 0; r < c.size(); ++r) {
      if (indptr[r + 1] == indptr[r]) ++empty_bow;
      if (labels[r] < 0) ++unlabelled; else ++per_label[labels[r]];
    }
    nnz += c.bow_indices.size(0);
    bytes += reader.chunks()[i].bytes;
    has_prompt_tokens = has_prompt_tokens && c.prompt_tokens.defined();
    has_next_token = has_next_token && c.next_token.defined();
  }
  std::string word_embeddings = "none (ETM/ECRTM start from --word-vectors or random vectors)";
  if (reader.has_word_embeddings()) {
    auto e = reader.read_word_embeddings();  // checksum, shape, finite values
    word_embeddings = "[" + std::to_string(e.size(0)) + ", " + std::to_string(e.size(1)) + "] float32";
  }
  std::ostringstream os;
  os << "label store " << dir << ": OK\n";
  os << "  format        " << kLabelStoreFormat << " v" << kLabelStoreFormatVersion << "\n";
  os << "  documents     " << m.num_docs << " in " << reader.num_chunks() << " chunk(s), " << bytes << " bytes\n";
  os << "  vocabulary    V = " << m.vocab_size() << ", hash " << short_hash(m.vocab_hash) << "\n";
  os << "  hidden        H = " << m.hidden_size << ", " << m.hidden_dtype << "\n";
  if (!m.layers.empty()) {
    os << "  layer_hidden  " << m.layers.size() << " layer(s):";
    for (int64_t l : m.layers) os << " " << l;
    os << "\n";
  }
  os << "  bow           " << nnz << " nonzeros, " << empty_bow << " document(s) with an empty BoW\n";
  os << "  labels        " << m.label_names.size() << " class(es)";
  if (unlabelled) os << ", " << unlabelled << " unlabelled document(s)";
  os << "\n";
  for (size_t k = 0; k < m.label_names.size() && k < 50; ++k)
    os << "    " << k << "  " << m.label_names[k] << "  (" << per_label[k] << ")\n";
  if (m.label_names.size() > 50) os << "    ... " << m.label_names.size() - 50 << " more\n";
  os << "  optional      prompt_tokens " << (has_prompt_tokens ? "yes" : "no") << ", next_token "
     << (has_next_token ? "yes" : "no") << "\n";
  os << "  word emb.     " << word_embeddings << "\n";
  os << "  lm            " << brief(m.lm) << "\n";
  os << "  prompt        " << brief(m.prompt) << "\n";
  os << "  corpus        " << brief(m.corpus) << "\n";
  return os.str();
}

}  // namespace ntm::labels
