#include "store_meta.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <regex>

#include "ntm/data/vocab.h"
#include "ntm/error.h"
#include "ntm/util/artifact.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "ntm/version.h"

namespace ntm::labels {

std::string chunk_file_name(size_t i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "chunk-%05zu.safetensors", i);
  return buf;
}

void write_store_meta(const std::string& dir, const StoreMeta& m, const std::vector<ChunkEntry>& chunks) {
  json inputs = json::object();
  inputs["vocab"] = m.vocab_hash;
  if (m.corpus.is_object() && m.corpus.contains("sha256")) inputs["corpus"] = m.corpus["sha256"];
  if (m.lm.is_object() && m.lm.contains("sha256")) inputs["lm"] = m.lm["sha256"];
  json extra = json::object();
  extra["complete"] = m.complete;
  extra["num_docs"] = m.num_docs;
  extra["vocab_size"] = m.vocab.size();
  extra["vocab_hash"] = m.vocab_hash;
  extra["label_names"] = m.label_names;
  extra["hidden_size"] = m.hidden_size;
  extra["hidden_dtype"] = m.hidden_dtype;
  if (!m.layers.empty()) extra["layers"] = m.layers;
  extra["lm"] = m.lm;
  extra["prompt"] = m.prompt;
  extra["corpus"] = m.corpus;
  extra["extra"] = m.extra;
  json arr = json::array();
  for (const auto& c : chunks)
    arr.push_back({{"file", c.file}, {"first_doc", c.first_doc}, {"num_docs", c.num_docs}, {"sha256", c.sha256},
                   {"bytes", c.bytes}});
  extra["chunks"] = arr;
  if (!m.word_embeddings.is_null()) extra["word_embeddings"] = m.word_embeddings;
  extra["vocab"] = m.vocab;  // last: the long list
  write_meta(dir, kLabelStoreFormat, kLabelStoreFormatVersion, m.config, inputs, extra);
}

namespace {

template <typename T>
T get(const json& j, const std::string& key, const std::string& where) {
  return json_get<T>(j, key, where);
}

json get_object(const json& j, const std::string& key, const std::string& where) {
  if (!j.contains(key)) return json::object();
  if (!j[key].is_object()) input_error(where, ": key '", key, "' must be an object, not ", json_type_name(j[key]));
  return j[key];
}

bool is_hex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

void parse_store_meta(const json& j, const std::string& dir, StoreMeta& m, std::vector<ChunkEntry>& chunks) {
  const std::string where = path_join(dir, "meta.json");
  m.vocab = get<std::vector<std::string>>(j, "vocab", where);
  if (m.vocab.empty()) input_error(where, ": 'vocab' is empty (V = 0); rebuild the store with a non-empty --vocab");
  m.vocab_hash = get<std::string>(j, "vocab_hash", where);
  std::string actual = vocab_hash(m.vocab);
  if (actual != m.vocab_hash)
    input_error(where, ": 'vocab_hash' ", short_hash(m.vocab_hash), " does not match the stored vocab (",
                short_hash(actual), "); the file was edited — rebuild the store with `ntm build-labels`");
  m.label_names = get<std::vector<std::string>>(j, "label_names", where);
  m.hidden_size = get<int64_t>(j, "hidden_size", where);
  if (m.hidden_size < 1) input_error(where, ": 'hidden_size' must be >= 1, found ", m.hidden_size);
  m.hidden_dtype = get<std::string>(j, "hidden_dtype", where);
  if (m.hidden_dtype != "float32" && m.hidden_dtype != "bfloat16")
    input_error(where, ": 'hidden_dtype' must be float32 or bfloat16, found '", m.hidden_dtype, "'");
  m.layers.clear();
  if (j.contains("layers")) {
    m.layers = get<std::vector<int64_t>>(j, "layers", where);
    for (int64_t l : m.layers)
      if (l < 0) input_error(where, ": 'layers' holds ", l, "; layer indices are >= 0 (0 = embeddings)");
  }
  m.lm = get_object(j, "lm", where);
  m.prompt = get_object(j, "prompt", where);
  m.corpus = get_object(j, "corpus", where);
  m.extra = get_object(j, "extra", where);
  m.config = get_object(j, "config", where);
  m.complete = get<bool>(j, "complete", where);
  m.num_docs = get<int64_t>(j, "num_docs", where);

  m.word_embeddings = nullptr;
  if (j.contains("word_embeddings") && !j["word_embeddings"].is_null()) {
    const json& e = j["word_embeddings"];
    const std::string w = where + ": word_embeddings";
    if (!e.is_object()) input_error(w, ": must be an object, not ", json_type_name(e));
    if (get<std::string>(e, "file", w) != kWordEmbeddingsFile)
      input_error(w, ": file must be '", kWordEmbeddingsFile, "'");
    if (!is_hex64(get<std::string>(e, "sha256", w))) input_error(w, ": sha256 is not 64 lowercase hex digits");
    get<uint64_t>(e, "bytes", w);
    auto shape = get<std::vector<int64_t>>(e, "shape", w);
    if (shape.size() != 2 || shape[0] != m.vocab_size() || shape[1] < 1)
      input_error(w, ": shape must be [V, E] with V = ", m.vocab_size(), " and E >= 1");
    m.word_embeddings = e;
  }

  if (!j.contains("chunks") || !j["chunks"].is_array()) input_error(where, ": missing array 'chunks'");
  chunks.clear();
  int64_t next = 0;
  for (size_t i = 0; i < j["chunks"].size(); ++i) {
    const json& e = j["chunks"][i];
    std::string w = where + ": chunks[" + std::to_string(i) + "]";
    ChunkEntry c;
    c.file = get<std::string>(e, "file", w);
    c.first_doc = get<int64_t>(e, "first_doc", w);
    c.num_docs = get<int64_t>(e, "num_docs", w);
    c.sha256 = get<std::string>(e, "sha256", w);
    c.bytes = get<uint64_t>(e, "bytes", w);
    // The name is fixed by the position: no path ever comes from the file (no '../x').
    if (c.file != chunk_file_name(i))
      input_error(w, ": file is '", c.file, "', expected '", chunk_file_name(i), "'");
    if (c.first_doc != next)
      input_error(w, ": first_doc is ", c.first_doc, ", expected ", next,
                  " (chunks must cover the corpus rows contiguously, in order)");
    if (c.num_docs < 1) input_error(w, ": num_docs must be >= 1, found ", c.num_docs);
    if (!is_hex64(c.sha256)) input_error(w, ": sha256 is not 64 lowercase hex digits");
    next += c.num_docs;
    chunks.push_back(c);
  }
  if (m.complete && next != m.num_docs)
    input_error(where, ": 'num_docs' is ", m.num_docs, " but the chunks hold ", next, " documents");
  m.num_docs = next;
}

json prompt_identity(const json& prompt) {
  json p = prompt;
  if (p.is_object()) p.erase("tokenizer");
  return p;
}

size_t remove_stale_files(const std::string& dir, size_t num_listed) {
  namespace fs = std::filesystem;
  static const std::regex tmp_re(R"((meta\.json|chunk-\d+\.safetensors|word_embeddings\.safetensors)\.tmp-\d+)");
  static const std::regex chunk_re(R"(chunk-(\d{5,9})\.safetensors)");
  size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    std::string name = entry.path().filename().string();
    std::smatch mt;
    bool stale = std::regex_match(name, tmp_re);
    if (!stale && std::regex_match(name, mt, chunk_re)) stale = std::stoull(mt[1].str()) >= num_listed;
    if (!stale) continue;
    spdlog::info("{}: removing leftover of an interrupted writer: {}", dir, name);
    fs::remove(entry.path(), ec);
    if (ec) input_error(entry.path().string(), ": cannot remove stale file (", ec.message(), ")");
    ++removed;
  }
  if (ec) input_error(dir, ": cannot list directory (", ec.message(), ")");
  return removed;
}

int64_t truncated_docs(const StoreMeta& meta, const std::string& dir) {
  if (!meta.extra.is_object() || !meta.extra.contains("truncated_docs")) return 0;
  const json& v = meta.extra["truncated_docs"];
  if (!v.is_number_integer() || v.get<int64_t>() < 0)
    input_error(dir, "/meta.json: key 'extra.truncated_docs' must be a non-negative integer (found ", v.dump(), ")");
  return v.get<int64_t>();
}

}  // namespace ntm::labels
