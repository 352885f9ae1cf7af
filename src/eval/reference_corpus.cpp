#include "ntm/eval/reference_corpus.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "ntm/data/corpus.h"
#include "ntm/data/words.h"
#include "ntm/error.h"
#include "ntm/util/fs.h"
#include "ntm/util/hash.h"

namespace ntm::eval {

namespace {

class IndexBuilder {
 public:
  explicit IndexBuilder(const std::vector<std::string>& words) {
    std::unordered_set<std::string> seen;
    for (const auto& w : words)
      if (seen.insert(w).second) idx_.words.push_back(w);
    for (size_t i = 0; i < idx_.words.size(); ++i) lookup_.emplace(idx_.words[i], static_cast<int32_t>(i));
    idx_.word_count.assign(idx_.words.size(), 0);
    idx_.doc_offset.push_back(0);
  }
  // Lookup keys point into idx_.words: the index must not be moved while building.
  IndexBuilder(const IndexBuilder&) = delete;

  void token(std::string_view t) {
    auto it = lookup_.find(t);
    if (it != lookup_.end()) {
      idx_.pos.push_back(cur_len_);
      idx_.id.push_back(it->second);
      ++idx_.word_count[it->second];
    }
    ++cur_len_;
  }
  void end_document() {
    idx_.doc_length.push_back(cur_len_);
    idx_.doc_offset.push_back(static_cast<int64_t>(idx_.pos.size()));
    idx_.num_tokens += cur_len_;
    cur_len_ = 0;
  }
  // Splits a line on single spaces (empty pieces skipped) and adds it as one document.
  void tokens_line(std::string_view line) {
    size_t b = 0;
    while (b <= line.size()) {
      size_t e = line.find(' ', b);
      if (e == std::string_view::npos) e = line.size();
      if (e > b) token(line.substr(b, e - b));
      b = e + 1;
    }
    end_document();
  }
  void text_line(std::string_view text) {
    for (const auto& w : extract_words(text)) token(w);
    end_document();
  }
  ReferenceIndex finish() { return std::move(idx_); }

 private:
  ReferenceIndex idx_;
  std::unordered_map<std::string_view, int32_t> lookup_;
  int64_t cur_len_ = 0;
};

std::vector<std::string> list_files(const std::string& path) {
  namespace fs = std::filesystem;
  if (!is_directory(path)) return {path};
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(path))
    if (e.is_regular_file()) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  if (files.empty()) input_error("--reference-corpus ", path, ": directory holds no files");
  return files;
}

}  // namespace

ReferenceIndex build_reference_index(const ReferenceSpec& spec, const std::vector<std::string>& words) {
  if (spec.format != "tokens" && spec.format != "text")
    usage_error("--reference-format ", spec.format, ": expected tokens or text");
  if (!path_exists(spec.path)) input_error("--reference-corpus ", spec.path, ": no such file or directory");
  IndexBuilder b(words);
  Sha256 hash;
  hash.update("ntm-reference:" + spec.format + "\n");
  for (const auto& file : list_files(spec.path)) {
    const std::string fmt = resolve_corpus_format(file, "auto");
    if (fmt == "txt") {
      // Plain lines, read as is (no UTF-8 validation: tokens are compared byte for byte).
      std::ifstream in(file, std::ios::binary);
      if (!in) input_error("--reference-corpus ", file, ": cannot be read");
      std::string line;
      while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        hash.update(line);
        hash.update("\n", 1);
        if (spec.format == "tokens") b.tokens_line(line); else b.text_line(line);
      }
    } else {
      // TSV / JSONL corpora: the text column, read by ntm's corpus reader (same rows as training).
      CorpusOptions co = spec.corpus;
      co.format = fmt;
      co.label_column = "";
      auto reader = CorpusReader::open(file, co);
      Document doc;
      while (reader->next(doc)) {
        hash.update(doc.text);
        hash.update("\n", 1);
        if (spec.format == "tokens") b.tokens_line(doc.text); else b.text_line(doc.text);
      }
    }
  }
  ReferenceIndex idx = b.finish();
  idx.hash = hash.hex_digest();
  idx.description = spec.path + " (" + spec.format + ")";
  spdlog::info("reference corpus {}: {} documents, {} tokens, {} tracked words, sha256 {}", spec.path,
               idx.num_docs(), idx.num_tokens, idx.words.size(), idx.hash.substr(0, 12));
  return idx;
}

ReferenceIndex build_reference_index(const std::vector<std::vector<std::string>>& docs,
                                     const std::vector<std::string>& words) {
  IndexBuilder b(words);
  Sha256 hash;
  hash.update("ntm-reference:tokens\n");
  for (const auto& d : docs) {
    std::string line;
    for (size_t i = 0; i < d.size(); ++i) {
      if (i) line += ' ';
      line += d[i];
      b.token(d[i]);
    }
    b.end_document();
    hash.update(line);
    hash.update("\n", 1);
  }
  ReferenceIndex idx = b.finish();
  idx.hash = hash.hex_digest();
  idx.description = "in-memory (tokens)";
  return idx;
}

}  // namespace ntm::eval

