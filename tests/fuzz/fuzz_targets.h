#pragma once
// The bodies of the libFuzzer harnesses, shared with tests/unit/fuzz_regressions_test.cpp so that
// every crasher is replayed through exactly the same code. Each run_X() must return normally or
// throw nothing but ntm::Error (caught here) for any input.
#include "fuzz_util.h"
#include "ntm/data/bow.h"
#include "ntm/data/corpus.h"
#include "ntm/data/vocab.h"
#include "ntm/data/words.h"
#include "ntm/error.h"
#include "ntm/eval/evaluate.h"
#include "ntm/io/gguf.h"
#include "ntm/io/safetensors.h"
#include "ntm/labels/build_labels.h"
#include "ntm/labels/label_store.h"
#include "ntm/data/vocab_build.h"
#include "ntm/lm/config.h"
#include "text/tokenizer_config.h"
#include "ntm/util/config.h"
#include "ntm/text/tokenizer.h"
#include "ntm/topic/train_options.h"
#include "ntm/util/hash.h"
#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#ifndef NTM_FUZZ_SOURCE_DIR
#define NTM_FUZZ_SOURCE_DIR NTM_SOURCE_DIR
#endif

namespace ntm::fuzz {

// Fuzzes the safetensors header parser and, for inputs that parse, tensor access.
inline void run_safetensors(const uint8_t* data, size_t size) {
  try {
    ntm::st::Header h = ntm::st::parse_header(data, size, "fuzz.safetensors");
    // Every accepted tensor must lie inside the buffer.
    for (const auto& t : h.tensors) {
      if (h.data_start + t.end > size) __builtin_trap();
      volatile uint8_t sink = 0;
      for (uint64_t i = t.begin; i < t.end && i < t.begin + 64; ++i) sink ^= data[h.data_start + i];
      (void)sink;
    }
  } catch (const ntm::Error&) {
  }
}

// Fuzzes the GGUF reader: header, metadata (every typed accessor), tensor infos and, for small
// tensors of supported types, dequantization. Accepted tensors must lie inside the input.
inline void run_gguf(const uint8_t* data, size_t size) {
  try {
    auto f = ntm::gguf::File::from_bytes(std::string(reinterpret_cast<const char*>(data), size), "fuzz.gguf");
    for (const auto& kv : f->metadata()) {
      try {
        if (kv.type == ntm::gguf::ValueType::kArray) {
          if (kv.elem_type == ntm::gguf::ValueType::kString) (void)f->get_string_array(kv.key);
          else (void)f->get_f32_array(kv.key), (void)f->get_i64_array(kv.key);
        } else {
          (void)f->get_u32(kv.key);
        }
      } catch (const ntm::Error&) {
      }
    }
    for (const auto& t : f->tensors()) {
      if (f->data_start() + t.offset + t.nbytes > size) __builtin_trap();
      if (ntm::gguf::type_supported(t.type) && t.numel() <= (1 << 16)) (void)f->dequantize(t);
    }
  } catch (const ntm::Error&) {
  }
}

// Fuzzes the option loader as --config uses it: a JSON document merged over the defaults of the
// train and eval option structs, converted to the struct and validated. Only ntm::Error may come
// out for valid JSON (a json::exception from the conversion would be an internal error).
template <typename Options>
void load_options(const ntm::json& j) {
  try {
    ntm::json base = ntm::json(Options{});
    ntm::merge_config(base, j, "fuzz.json");
    Options o = base.template get<Options>();
    o.validate();
  } catch (const ntm::Error&) {
  }
}
inline void run_config(const uint8_t* data, size_t size) {
  ntm::json j = ntm::json::parse(reinterpret_cast<const char*>(data), reinterpret_cast<const char*>(data) + size,
                                 nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return;
  ntm::json defaults = {{"num_topics", 50}, {"lr", 0.002}, {"model", "dsl-prodlda"}, {"seeds", {0, 1}},
                        {"flag", false}, {"nested", {{"a", 1}, {"b", "x"}}}};
  try {
    ntm::merge_config(defaults, j, "fuzz.json");
  } catch (const ntm::Error&) {
  }
  load_options<ntm::topic::TrainOptions>(j);
  load_options<ntm::eval::EvalOptions>(j);
  load_options<ntm::BuildLabelsOptions>(j);
  load_options<ntm::VocabBuildOptions>(j);
}

// Fuzzes the readers of a checkpoint's small JSON files. The first byte picks the file:
// even = config.json (parse_decoder_config), odd = tokenizer_config.json (read_tokenizer_config,
// from a scratch file). Only ntm::Error may come out.
inline void run_model_config(const uint8_t* data, size_t size) {
  if (size == 0) return;
  const bool tokenizer_config = data[0] & 1;
  ++data;
  --size;
  try {
    if (tokenizer_config) {
      const std::string path = scratch_dir() + "/tokenizer_config.json";
      write_bytes(path, data, size);
      ntm::text::read_tokenizer_config(path);
    } else {
      ntm::json j = ntm::json::parse(reinterpret_cast<const char*>(data), reinterpret_cast<const char*>(data) + size,
                                     nullptr, /*allow_exceptions=*/false);
      if (j.is_discarded()) return;
      ntm::lm::parse_decoder_config(j, "fuzz/config.json");
    }
  } catch (const ntm::Error&) {
  }
}

// Fuzzes tokenizer.json loading (parse_hf_tokenizer_json) and, when it loads, encode/decode of a
// few fixed texts.
inline void run_tokenizer_json(const uint8_t* data, size_t size) {
  try {
    auto tok = ntm::text::parse_hf_tokenizer_json(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
    for (const char* text : {"Hello world! 123", " the  <s> caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87\n\t", "\xFF\xFE bad utf8", ""}) {
      auto ids = tok->encode(text, true);
      tok->decode(ids, false);
      tok->decode(ids, true);
    }
    tok->decode({0, 1, -1, 1 << 30}, false);
    tok->token_to_id("the");
    tok->id_to_token(-5);
    tok->id_to_token(1 << 30);
  } catch (const ntm::Error&) {
  }
}

// Fuzzes encoding arbitrary bytes with the real tokenizers of the fixtures (BPE byte-level,
// SentencePiece-style metaspace, added/special tokens), then decoding the ids back.
inline std::vector<std::unique_ptr<ntm::text::Tokenizer>>& tokenizers() {
  static std::vector<std::unique_ptr<ntm::text::Tokenizer>> all = [] {
    std::vector<std::unique_ptr<ntm::text::Tokenizer>> v;
    const char* src = NTM_FUZZ_SOURCE_DIR;
    for (const char* rel : {"/data/tiny-lm/tokenizer.json", "/tests/fixtures/e2e/tokenizer.json"})
      v.push_back(ntm::text::load_hf_tokenizer_json(std::string(src) + rel));
    return v;
  }();
  return all;
}
inline void run_tokenizer_encode(const uint8_t* data, size_t size) {
  if (size == 0) return;
  auto& toks = tokenizers();
  const auto& tok = toks[data[0] % toks.size()];
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    auto ids = tok->encode(text, (data[0] & 2) != 0);
    tok->decode(ids, (data[0] & 4) != 0);
  } catch (const ntm::Error&) {
  }
}

// Fuzzes the corpus readers: the first byte picks format (tsv/jsonl/txt), TSV quoting and
// on_bad_row; the rest is the file content.
inline void run_corpus(const uint8_t* data, size_t size) {
  if (size == 0) return;
  const uint8_t mode = data[0];
  static const char* formats[] = {"tsv", "jsonl", "txt", "tsv"};
  static const char* quoting[] = {"auto", "csv", "none", "auto"};
  ntm::CorpusOptions o;
  o.format = formats[mode & 3];
  o.quoting = quoting[(mode >> 2) & 3];
  o.on_bad_row = (mode & 16) ? "skip" : "error";
  if (mode & 32) o.label_column = "";
  if (mode & 64) o.max_doc_bytes = 64;
  const std::string path = ntm::fuzz::scratch_dir() + "/corpus";
  ntm::fuzz::write_bytes(path, data + 1, size - 1);
  try {
    auto r = ntm::CorpusReader::open(path, o);
    ntm::Document d;
    int64_t rows = 0;
    while (r->next(d)) {
      if (d.row != rows++) __builtin_trap();  // rows are numbered in order
    }
    r->format();
    r->quoting();
  } catch (const ntm::Error&) {
  }
}

// Fuzzes the topic-word filter (extract_words, tokenize_words) and the BoW of a text.
inline void run_words(const uint8_t* data, size_t size) {
  static const ntm::Vocab vocab({"market", "prices", "caf\xC3\xA9", "linux", "game"});
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto words = ntm::extract_words(text);
    size_t n = 0;
    ntm::for_each_word(text, [&](std::string_view) { ++n; });
    if (n != words.size()) __builtin_trap();  // the two entry points must agree
    for (const auto& w : words)
      if (w.empty()) __builtin_trap();
    ntm::tokenize_words(text);
    ntm::is_blank_text(text);
    ntm::bow_string(text, vocab);
  } catch (const ntm::Error&) {
  }
}

// Fuzzes vocab.json loading (Vocab::load): the ntm format and plain JSON arrays.
inline void run_vocab(const uint8_t* data, size_t size) {
  const std::string path = ntm::fuzz::scratch_dir() + "/vocab.json";
  ntm::fuzz::write_bytes(path, data, size);
  try {
    ntm::Vocab v = ntm::Vocab::load(path);
    for (size_t i = 0; i < v.size(); ++i)
      if (v.find(v.word(i)) != static_cast<long>(i)) __builtin_trap();
  } catch (const ntm::Error&) {
  }
}

// Fuzzes the label-store reader. Input: meta.json bytes, the separator "\n--chunk--\n", then the
// bytes of chunk-00000.safetensors. When meta.json parses and lists a chunk, the harness rewrites
// that entry's sha256/bytes to match the chunk so the fuzzer also reaches the chunk checks (a
// mismatch is covered by the unmodified half of the inputs: odd sizes are left alone).
inline void run_label_store(const uint8_t* data, size_t size) {
  const std::string dir = ntm::fuzz::scratch_dir() + "/store";
  ::mkdir(dir.c_str(), 0700);
  std::string in(reinterpret_cast<const char*>(data), size);
  const std::string sep = "\n--chunk--\n";
  size_t cut = in.find(sep);
  std::string meta = in.substr(0, cut);
  std::string chunk = cut == std::string::npos ? "" : in.substr(cut + sep.size());
  if (size % 2 == 0) {
    auto j = nlohmann::json::parse(meta, nullptr, false);
    if (j.is_object() && j.contains("chunks") && j["chunks"].is_array() && !j["chunks"].empty() &&
        j["chunks"][0].is_object()) {
      j["chunks"][0]["sha256"] = ntm::sha256_hex(chunk);
      j["chunks"][0]["bytes"] = chunk.size();
      j["chunks"][0]["file"] = "chunk-00000.safetensors";
      meta = j.dump();
    }
  }
  ntm::fuzz::write_bytes(dir + "/meta.json", reinterpret_cast<const uint8_t*>(meta.data()), meta.size());
  ntm::fuzz::write_bytes(dir + "/chunk-00000.safetensors", reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size());
  try {
    ntm::labels::LabelStoreReader r(dir, (size & 4) != 0);
    for (size_t i = 0; i < r.num_chunks() && i < 2; ++i) {
      auto c = r.read_chunk(i);
      ntm::labels::bow_to_dense(c, r.meta().vocab_size());
    }
  } catch (const ntm::Error&) {
  }
}

}  // namespace ntm::fuzz
