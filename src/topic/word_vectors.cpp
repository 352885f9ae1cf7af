#include "ntm/topic/word_vectors.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string_view>
#include <unordered_map>

#include "ntm/error.h"
#include "ntm/util/fs.h"

namespace ntm::topic {
namespace {

// Splits on spaces and tabs (a trailing '\r' is dropped).
std::vector<std::string_view> split_fields(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

bool parse_count(std::string_view s, int64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

}  // namespace

WordVectors read_word_vectors(const std::string& path, const std::vector<std::string>& vocab) {
  std::ifstream in(path, std::ios::binary);
  if (!in) input_error("--word-vectors ", path, ": cannot open the file");
  std::unordered_map<std::string, int64_t> index;
  for (size_t i = 0; i < vocab.size(); ++i) index.emplace(vocab[i], static_cast<int64_t>(i));
  const int64_t V = static_cast<int64_t>(vocab.size());
  WordVectors wv;
  std::vector<float> data;
  std::vector<char> found(static_cast<size_t>(V), 0);
  int64_t header_n = -1, duplicates = 0, line_no = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++line_no;
    auto f = split_fields(line);
    if (f.empty()) continue;  // blank lines (e.g. a trailing newline)
    const std::string where = path + ":" + std::to_string(line_no);
    int64_t n = 0, d = 0;
    if (line_no == 1 && f.size() == 2 && parse_count(f[0], n) && parse_count(f[1], d)) {
      if (d < 1) input_error(where, ": the header says ", d, " dimensions; expected \"N D\" with D >= 1");
      header_n = n;
      wv.dim = d;
      continue;
    }
    if (wv.dim == 0) {
      if (f.size() < 2) input_error(where, ": expected \"word v1 ... vD\" (a word and at least one value)");
      wv.dim = static_cast<int64_t>(f.size()) - 1;
    }
    if (static_cast<int64_t>(f.size()) - 1 != wv.dim)
      input_error(where, ": expected ", wv.dim, " values after the word '", std::string(f[0]).substr(0, 40), "', found ",
                  f.size() - 1, " (word2vec/GloVe text format, one vector per line; binary files are not read: "
                  "convert them with gensim's save_word2vec_format(binary=False))");
    ++wv.file_words;
    auto it = index.find(std::string(f[0]));
    if (it == index.end()) continue;
    if (found[static_cast<size_t>(it->second)]) {
      ++duplicates;
      continue;
    }
    if (data.empty()) data.assign(static_cast<size_t>(V * wv.dim), 0.0f);
    float* row = data.data() + it->second * wv.dim;
    for (int64_t j = 0; j < wv.dim; ++j) {
      std::string tok(f[static_cast<size_t>(j + 1)]);
      char* end = nullptr;
      errno = 0;
      const float x = std::strtof(tok.c_str(), &end);
      if (end == tok.c_str() || *end != '\0' || !std::isfinite(x))
        input_error(where, ": value ", j + 1, " of '", it->first, "' is '", tok.substr(0, 40),
                    "', not a finite number");
      row[j] = x;
    }
    found[static_cast<size_t>(it->second)] = 1;
    ++wv.num_found;
  }
  if (in.bad()) input_error("--word-vectors ", path, ": read error");
  if (wv.dim == 0) input_error(path, ": holds no word vectors (empty file?)");
  if (header_n >= 0 && header_n != wv.file_words)
    input_error(path, ":1: the header says ", header_n, " vectors but the file holds ", wv.file_words,
                " (truncated file?)");
  if (duplicates > 0) spdlog::warn("{}: {} vocabulary words appear more than once; the first vector is used", path, duplicates);
  if (data.empty()) data.assign(static_cast<size_t>(V * wv.dim), 0.0f);
  wv.vectors = torch::from_blob(data.data(), {V, wv.dim}, torch::kFloat32).clone();
  wv.found = torch::from_blob(found.data(), {V}, torch::kBool).clone();
  return wv;
}

nlohmann::json resolve_word_embeddings(const TrainOptions& o, const labels::LabelStoreReader& store,
                                       ModelShape& shape) {
  std::string source = o.word_embeddings;
  if (source == "auto") {
    if (!o.word_vectors.empty()) source = "file";
    else if (store.has_word_embeddings()) source = "lm";
    else {
      spdlog::warn("{}: the label store has no LM word embeddings (built by an older ntm build-labels?) and no "
                   "--word-vectors FILE was given: {} starts from random word embeddings",
                   store.dir(), o.model);
      source = "random";
    }
  }
  nlohmann::json record = {{"source", source}};
  if (source == "random") return record;
  if (source == "lm") {
    if (!store.has_word_embeddings())
      usage_error("--word-embeddings lm: ", store.dir(), " has no word_embeddings.safetensors; rebuild it with this "
                  "version of ntm build-labels, or use --word-vectors FILE / --word-embeddings random");
    shape.word_embeddings = store.read_word_embeddings();  // [V, E]
    shape.word_found = torch::ones({shape.vocab_size}, torch::kBool);
    record["size"] = shape.word_embeddings.size(1);
    spdlog::info("{}: word embeddings from the LM's input embeddings ({} x {})", o.model, shape.vocab_size,
                 shape.word_embeddings.size(1));
    return record;
  }
  WordVectors wv = read_word_vectors(o.word_vectors, store.meta().vocab);
  shape.word_embeddings = wv.vectors;
  shape.word_found = wv.found;
  const int64_t missing = shape.vocab_size - wv.num_found;
  spdlog::info("{}: {} of {} vocabulary words found in {} ({} dimensions); {} missing words get random vectors",
               o.model, wv.num_found, shape.vocab_size, o.word_vectors, wv.dim, missing);
  if (wv.num_found == 0)
    spdlog::warn("{}: no vocabulary word is in {}; every word embedding is random", o.model, o.word_vectors);
  record["file"] = o.word_vectors;
  record["size"] = wv.dim;
  record["found"] = wv.num_found;
  record["missing"] = missing;
  return record;
}

}  // namespace ntm::topic
