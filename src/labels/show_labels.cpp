// show_label_examples: documents and their top soft-label words (`ntm check-labels --show N`).
#include "ntm/labels/show_labels.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <cstdio>
#include <sstream>

#include "ntm/data/corpus.h"
#include "ntm/error.h"
#include "ntm/labels/label_store.h"
#include "ntm/util/fs.h"

namespace ntm::labels {
namespace {

std::string json_string(const nlohmann::json& j, const char* key, const std::string& fallback) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : fallback;
}

// The first `bytes` bytes of text on one line: whitespace runs become one space; cut on a
// UTF-8 boundary, "..." when shortened.
std::string text_start(const std::string& text, int64_t bytes) {
  std::string out;
  bool space = false;
  for (char c : text) {
    const bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (ws) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    if (static_cast<int64_t>(out.size()) > bytes) break;
  }
  if (static_cast<int64_t>(out.size()) <= bytes) return out;
  size_t cut = static_cast<size_t>(bytes);
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  return out.substr(0, cut) + "...";
}

}  // namespace

void ShowLabelsOptions::validate() const {
  if (count < 0) usage_error("--show must be >= 0 (got ", count, ")");
  if (top_words < 1) usage_error("--top-words must be >= 1 (got ", top_words, ")");
  if (text_bytes < 0) usage_error("--text-bytes must be >= 0 (got ", text_bytes, ")");
}

std::string show_label_examples(const std::string& dir, const ShowLabelsOptions& o) {
  o.validate();
  LabelStoreReader reader(dir);
  const StoreMeta& m = reader.meta();
  const int64_t n = std::min(o.count, m.num_docs);
  if (n == 0) return "";
  // Soft labels and gold labels of the first n documents.
  std::vector<Chunk> chunks;
  int64_t have = 0;
  for (size_t i = 0; i < reader.num_chunks() && have < n; ++i) {
    chunks.push_back(reader.read_chunk(i, ReadColumns{true, false}));
    have += chunks.back().size();
  }
  // Corpus rows: a shard store counts documents from its first corpus row.
  int64_t first_row = 0;
  if (m.extra.is_object() && m.extra.contains("shard") && m.extra["shard"].is_object())
    first_row = m.extra["shard"].value("first_doc", int64_t{0});
  const std::string corpus = o.corpus.empty() ? json_string(m.corpus, "path", "") : o.corpus;
  if (corpus.empty()) input_error(dir, "/meta.json records no corpus path; pass --corpus FILE");
  if (!path_exists(corpus))
    input_error(corpus, ": the corpus recorded in ", dir, "/meta.json is not there; pass --corpus FILE");
  CorpusOptions co;
  co.format = json_string(m.config, "format", "auto");
  co.text_column = json_string(m.corpus, "text_column", "text");
  co.label_column = "";
  auto in = CorpusReader::open(corpus, co);
  Document doc;
  for (int64_t r = 0; r < first_row; ++r)
    if (!in->next(doc))
      input_error(corpus, ": ended before row ", first_row, " (not the store's corpus? pass --corpus)");

  std::ostringstream os;
  os << "first " << n << " document(s) of " << dir << ": text, gold label, top " << o.top_words
     << " soft-label words (softmax over the " << m.vocab_size() << " vocabulary words)\n";
  int64_t shown = 0;
  for (const Chunk& c : chunks) {
    const int64_t k = std::min<int64_t>(o.top_words, c.soft_labels.size(1));
    auto probs = torch::softmax(c.soft_labels.to(torch::kDouble), 1);  // [n, V]
    auto [top_p, top_i] = probs.topk(k, 1);                            // [n, k]
    for (int64_t r = 0; r < c.size() && shown < n; ++r, ++shown) {
      if (!in->next(doc))
        input_error(corpus, ": ended after ", first_row + shown,
                    " documents; not the store's corpus? pass --corpus");
      const int64_t label = c.labels[r].item<int64_t>();
      os << "\n[" << c.doc_index[r].item<int64_t>() << "] label: "
         << (label >= 0 && label < static_cast<int64_t>(m.label_names.size()) ? m.label_names[size_t(label)]
                                                                              : "(none)")
         << "\n";
      os << "  text:  " << text_start(doc.text, o.text_bytes) << "\n";
      os << "  words:";
      for (int64_t j = 0; j < k; ++j) {
        char buf[32];
        std::snprintf(buf, sizeof buf, " %.3f", top_p[r][j].item<double>());
        os << " " << m.vocab[size_t(top_i[r][j].item<int64_t>())] << buf;
      }
      os << "\n";
    }
  }
  return os.str();
}

}  // namespace ntm::labels
