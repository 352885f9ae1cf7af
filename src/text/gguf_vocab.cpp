// GGUF tokenizer metadata -> the tokenizer.json component graph Hugging Face would build for the
// same tokenizer, run by ntm's tokenizer.json engine (hf_tokenizer.cpp).
#include "text/gguf_vocab.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "ntm/error.h"
#include "ntm/text/gguf_tokenizer.h"
#include "text/hf_components.h"
#include "text/utf8.h"

namespace ntm::text {
namespace {

// tokenizer.json regexes of the Llama-3 and Qwen2 pre-tokenizers (gguf-notes §6.3 L3, Q2).
constexpr const char* kLlama3Regex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr const char* kQwen2Regex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

enum class PreFamily { kGpt2, kSmollm, kLlama3, kQwen2 };

// tokenizer.ggml.pre -> family, as llama.cpp's llama-vocab.cpp groups the names. "default" (and a
// missing key) uses the GPT-2 split, as transformers does (llama.cpp's own "default" chain is a
// fallback it warns about).
const std::vector<std::pair<std::string, PreFamily>>& pre_table() {
  static const std::vector<std::pair<std::string, PreFamily>> t = {
      {"default", PreFamily::kGpt2},      {"gpt-2", PreFamily::kGpt2},         {"gpt2", PreFamily::kGpt2},
      {"phi-2", PreFamily::kGpt2},        {"jina-es", PreFamily::kGpt2},       {"jina-de", PreFamily::kGpt2},
      {"jina-v2-es", PreFamily::kGpt2},   {"jina-v2-de", PreFamily::kGpt2},    {"gigachat", PreFamily::kGpt2},
      {"mellum", PreFamily::kGpt2},       {"a.x-4.0", PreFamily::kGpt2},       {"exaone4", PreFamily::kGpt2},
      {"smollm", PreFamily::kSmollm},     {"starcoder", PreFamily::kSmollm},   {"refact", PreFamily::kSmollm},
      {"command-r", PreFamily::kSmollm},  {"codeshell", PreFamily::kSmollm},   {"exaone", PreFamily::kSmollm},
      {"minerva-7b", PreFamily::kSmollm}, {"llama-bpe", PreFamily::kLlama3},   {"llama3", PreFamily::kLlama3},
      {"llama-v3", PreFamily::kLlama3},   {"falcon3", PreFamily::kLlama3},     {"falcon-h1", PreFamily::kLlama3},
      {"pixtral", PreFamily::kLlama3},    {"midm-2.0", PreFamily::kLlama3},    {"lfm2", PreFamily::kLlama3},
      {"qwen2", PreFamily::kQwen2},       {"deepseek-r1-qwen", PreFamily::kQwen2}, {"kormo", PreFamily::kQwen2},
      {"megrez", PreFamily::kQwen2},
  };
  return t;
}

std::string known_pre_names() {
  std::string s;
  for (const auto& n : gguf_pre_tokenizer_names()) s += (s.empty() ? "" : ", ") + n;
  return s;
}

json split_regex(const char* re) {
  return {{"type", "Split"}, {"pattern", {{"Regex", re}}}, {"behavior", "Isolated"}, {"invert", false}};
}

json byte_level(bool prefix_space, bool use_regex) {
  return {{"type", "ByteLevel"}, {"add_prefix_space", prefix_space}, {"trim_offsets", false}, {"use_regex", use_regex}};
}

// Normalizer, pre-tokenizer, decoder and model flags of a byte-level BPE ("gpt2") tokenizer.
void byte_level_parts(const GgufVocab& v, json& j, bool& default_add_bos) {
  std::string pre = v.pre.value_or("default");
  if (!v.pre) spdlog::warn("{}: no tokenizer.ggml.pre; using the GPT-2 pre-tokenizer", v.source);
  const auto& t = pre_table();
  auto it = std::find_if(t.begin(), t.end(), [&](const auto& e) { return e.first == pre; });
  if (it == t.end())
    input_error(v.source, ": tokenizer.ggml.pre '", pre, "' is not a pre-tokenizer ntm knows (known: ",
                known_pre_names(), "); convert the model with a llama.cpp that names a known one");
  default_add_bos = false;
  bool prefix = v.add_space_prefix.value_or(false);
  switch (it->second) {
    case PreFamily::kGpt2: j["pre_tokenizer"] = byte_level(prefix, true); break;
    case PreFamily::kSmollm:
      j["pre_tokenizer"] = {{"type", "Sequence"},
                            {"pretokenizers", json::array({{{"type", "Digits"}, {"individual_digits", true}},
                                                           byte_level(prefix, true)})}};
      break;
    case PreFamily::kLlama3:
      j["pre_tokenizer"] = {{"type", "Sequence"}, {"pretokenizers", json::array({split_regex(kLlama3Regex), byte_level(false, false)})}};
      j["model"]["ignore_merges"] = true;
      default_add_bos = true;
      break;
    case PreFamily::kQwen2:
      j["normalizer"] = {{"type", "NFC"}};
      j["pre_tokenizer"] = {{"type", "Sequence"}, {"pretokenizers", json::array({split_regex(kQwen2Regex), byte_level(false, false)})}};
      break;
  }
  j["decoder"] = {{"type", "ByteLevel"}};
}

// Normalizer and decoder of a SentencePiece ("llama") tokenizer, as HF's LlamaTokenizer(Fast).
void spm_parts(const GgufVocab& v, json& j) {
  bool prefix = v.add_space_prefix.value_or(true);
  const std::string meta = "\xE2\x96\x81";  // ▁
  json norm = json::array();
  if (prefix) norm.push_back({{"type", "Prepend"}, {"prepend", meta}});
  norm.push_back({{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", meta}});
  j["normalizer"] = {{"type", "Sequence"}, {"normalizers", norm}};
  json dec = json::array({{{"type", "Replace"}, {"pattern", {{"String", meta}}}, {"content", " "}},
                          {{"type", "ByteFallback"}},
                          {{"type", "Fuse"}}});
  if (prefix) dec.push_back({{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}});
  j["decoder"] = {{"type", "Sequence"}, {"decoders", dec}};
  j["model"]["byte_fallback"] = true;
  j["model"]["fuse_unk"] = true;
}

// The id of a special-token key: absent -> dflt; outside the vocabulary -> ignored with a
// warning (as llama.cpp does).
int32_t special_id(const GgufVocab& v, const std::optional<int64_t>& id, const char* key, int32_t dflt) {
  int64_t n = static_cast<int64_t>(v.tokens.size());
  if (!id) return dflt < n ? dflt : -1;
  if (*id >= 0 && *id < n) return static_cast<int32_t>(*id);
  spdlog::warn("{}: tokenizer.ggml.{} = {} is outside the {} tokens; ignored", v.source, key, *id, n);
  return -1;
}

json template_post(const GgufVocab& v, int32_t bos, int32_t eos) {
  json single = json::array(), specials = json::object();
  auto add = [&](int32_t id) {
    const std::string& t = v.tokens[static_cast<size_t>(id)];
    single.push_back({{"SpecialToken", {{"id", t}, {"type_id", 0}}}});
    specials[t] = {{"id", t}, {"ids", json::array({id})}, {"tokens", json::array({t})}};
  };
  if (bos >= 0) add(bos);
  single.push_back({{"Sequence", {{"id", "A"}, {"type_id", 0}}}});
  if (eos >= 0) add(eos);
  return {{"type", "TemplateProcessing"}, {"single", single}, {"special_tokens", specials}};
}

}  // namespace

std::vector<std::string> gguf_pre_tokenizer_names() {
  std::vector<std::string> n;
  for (const auto& e : pre_table()) n.push_back(e.first);
  std::sort(n.begin(), n.end());
  return n;
}

std::vector<std::pair<std::string, std::string>> merges_from_scores(const std::vector<std::string>& tokens,
                                                                    const std::vector<float>& scores) {
  std::unordered_map<std::string_view, int32_t> id;  // later duplicates win, as a Python dict
  for (size_t i = 0; i < tokens.size(); ++i) id[tokens[i]] = static_cast<int32_t>(i);
  struct Merge {
    std::string_view l, r;
    float score;
    int32_t len_l, len_r;
  };
  std::vector<Merge> all;
  std::vector<Merge> local;
  std::vector<size_t> cut;
  std::unordered_set<std::string_view> seen;
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string_view t = tokens[i];
    if (!seen.insert(t).second) continue;  // a repeated token is visited once, at its first position
    float score = scores[static_cast<size_t>(id[t])];
    cut.clear();
    for (size_t p = 0; p < t.size();) {
      next_cp(t, p);
      if (p < t.size()) cut.push_back(p);
    }
    local.clear();
    for (size_t k = 0; k < cut.size(); ++k) {
      std::string_view l = t.substr(0, cut[k]), r = t.substr(cut[k]);
      if (id.count(l) && id.count(r))
        local.push_back({l, r, score, static_cast<int32_t>(k + 1), static_cast<int32_t>(cut.size() - k)});
    }
    std::stable_sort(local.begin(), local.end(), [&](const Merge& a, const Merge& b) {
      int32_t al = id[a.l], bl = id[b.l];
      return al != bl ? al < bl : id[a.r] < id[b.r];
    });
    all.insert(all.end(), local.begin(), local.end());
  }
  std::stable_sort(all.begin(), all.end(), [](const Merge& a, const Merge& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.len_l != b.len_l) return a.len_l > b.len_l;
    return a.len_r > b.len_r;
  });
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(all.size());
  for (const auto& m : all) out.emplace_back(std::string(m.l), std::string(m.r));
  return out;
}

std::unique_ptr<Tokenizer> build_gguf_tokenizer(const GgufVocab& v) {
  const size_t n = v.tokens.size();
  if (n == 0) input_error(v.source, ": tokenizer.ggml.tokens is empty");
  if (n > static_cast<size_t>(INT32_MAX)) input_error(v.source, ": tokenizer.ggml.tokens has too many entries (", n, ")");
  if (!v.types.empty() && v.types.size() != n)
    input_error(v.source, ": tokenizer.ggml.token_type has ", v.types.size(), " entries for ", n, " tokens");
  if (!v.scores.empty() && v.scores.size() != n)
    input_error(v.source, ": tokenizer.ggml.scores has ", v.scores.size(), " entries for ", n, " tokens");
  auto type = [&](size_t i) { return v.types.empty() ? int32_t{kGgufNormal} : v.types[i]; };

  json j = json::object();
  json& model = j["model"] = {{"type", "BPE"}, {"dropout", nullptr}};
  json vocab = json::object();
  for (size_t i = 0; i < n; ++i) vocab[v.tokens[i]] = static_cast<int32_t>(i);
  model["vocab"] = std::move(vocab);
  bool default_add_bos = false;
  int32_t unk = -1;
  if (v.model == "gpt2") {
    byte_level_parts(v, j, default_add_bos);
    unk = special_id(v, v.unk, "unknown_token_id", -1);
  } else if (v.model == "llama") {
    spm_parts(v, j);
    default_add_bos = true;
    unk = special_id(v, v.unk, "unknown_token_id", 0);
    if (unk >= 0) model["unk_token"] = v.tokens[static_cast<size_t>(unk)];
  } else {
    input_error(v.source, ": tokenizer.ggml.model '", v.model,
                "' is not supported by ntm (supported: gpt2 = byte-level BPE, llama = SentencePiece BPE)");
  }
  json merges = json::array();
  if (!v.merges.empty()) {
    std::unordered_set<std::string_view> known(v.tokens.begin(), v.tokens.end());
    for (size_t i = 0; i < v.merges.size(); ++i) {
      const std::string& m = v.merges[i];
      size_t sp = m.size() > 1 ? m.find(' ', 1) : std::string::npos;
      if (sp == std::string::npos)
        input_error(v.source, ": tokenizer.ggml.merges[", i, "] '", m, "' is not two tokens separated by a space");
      std::string l = m.substr(0, sp), r = m.substr(sp + 1);
      if (!known.count(l) || !known.count(r) || !known.count(l + r))
        input_error(v.source, ": tokenizer.ggml.merges[", i, "] '", m, "': '", known.count(l) ? (known.count(r) ? l + r : r) : l,
                    "' is not in tokenizer.ggml.tokens");
      merges.push_back({std::move(l), std::move(r)});
    }
  } else if (v.model == "llama") {
    if (v.scores.empty())
      input_error(v.source, ": a 'llama' tokenizer needs tokenizer.ggml.scores (or tokenizer.ggml.merges); neither is there");
    for (auto& [l, r] : merges_from_scores(v.tokens, v.scores)) merges.push_back({std::move(l), std::move(r)});
  } else {
    input_error(v.source, ": a 'gpt2' tokenizer needs tokenizer.ggml.merges; the key is missing");
  }
  model["merges"] = std::move(merges);

  json added = json::array();
  for (size_t i = 0; i < n; ++i) {
    int32_t t = type(i);
    if ((t != kGgufControl && t != kGgufUserDefined && t != kGgufUnknown) || v.tokens[i].empty()) continue;
    added.push_back({{"id", static_cast<int32_t>(i)}, {"content", v.tokens[i]}, {"single_word", false},
                     {"lstrip", false}, {"rstrip", false}, {"normalized", false}, {"special", t != kGgufUserDefined}});
  }
  j["added_tokens"] = std::move(added);

  int32_t bos = special_id(v, v.bos, "bos_token_id", v.model == "llama" ? 1 : -1);
  int32_t eos = special_id(v, v.eos, "eos_token_id", v.model == "llama" ? 2 : -1);
  int32_t pad = special_id(v, v.pad, "padding_token_id", -1);
  bool add_bos = v.add_bos.value_or(default_add_bos) && bos >= 0;
  bool add_eos = v.add_eos.value_or(false) && eos >= 0;
  if (add_bos || add_eos) j["post_processor"] = template_post(v, add_bos ? bos : -1, add_eos ? eos : -1);

  auto tok = make_hf_tokenizer(j, v.source);
  tok->set_special_ids(bos, eos, pad, unk);
  tok->set_model_max_length(v.context_length);
  tok->set_chat_template(v.chat_template);
  tok->set_source(v.source);
  return tok;
}

}  // namespace ntm::text
