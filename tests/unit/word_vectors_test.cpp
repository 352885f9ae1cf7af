// Word embeddings for ETM / ECRTM: the --word-vectors text reader (src/topic/word_vectors.cpp), the
// label store's word_embeddings.safetensors (writer, reader checks, merge-labels), and
// `ntm train --word-vectors` end to end.
#include <torch/torch.h>

#include <fstream>

#include "catch.h"
#include "ntm/error.h"
#include "ntm/io/safetensors.h"
#include "ntm/labels/build_labels.h"
#include "ntm/text/tokenizer.h"
#include "ntm/topic/word_vectors.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "test_util.h"
#include "unit/label_store_test_util.h"

using ntm::test::TempDir;
namespace store = ntm::test::store;

namespace {

using ntm::test::error_of;

std::string write_text(const TempDir& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name, std::ios::binary) << text;
  return dir / name;
}

const std::vector<std::string> kVocab = {"apple", "banana", "cherry"};

}  // namespace

TEST_CASE("read_word_vectors: word2vec header, GloVe without header, missing words, duplicates", "[unit][models]") {
  TempDir dir;
  SECTION("word2vec text with an N D header") {
    auto p = write_text(dir, "w2v.txt", "3 2\nbanana 1.5 -2\nzebra 9 9\napple 0.25 4e-1 \n");
    auto wv = ntm::topic::read_word_vectors(p, kVocab);
    CHECK(wv.dim == 2);
    CHECK(wv.file_words == 3);
    CHECK(wv.num_found == 2);
    REQUIRE(wv.vectors.sizes() == (std::vector<int64_t>{3, 2}));
    CHECK(wv.vectors[0][0].item<float>() == 0.25f);
    CHECK(wv.vectors[0][1].item<float>() == 0.4f);
    CHECK(wv.vectors[1][0].item<float>() == 1.5f);
    CHECK(wv.vectors[1][1].item<float>() == -2.0f);
    CHECK(wv.found[0].item<bool>());
    CHECK(wv.found[1].item<bool>());
    CHECK_FALSE(wv.found[2].item<bool>());  // cherry is missing: zeros, random init later
    CHECK(wv.vectors[2].abs().sum().item<float>() == 0.0f);
  }
  SECTION("GloVe: no header, tabs and CRLF, first duplicate wins") {
    auto p = write_text(dir, "glove.txt", "cherry\t1 2 3\r\napple 4 5 6\r\ncherry 7 8 9\r\n\n");
    auto wv = ntm::topic::read_word_vectors(p, kVocab);
    CHECK(wv.dim == 3);
    CHECK(wv.num_found == 2);
    CHECK(wv.vectors[2][2].item<float>() == 3.0f);
    CHECK(wv.vectors[0][0].item<float>() == 4.0f);
  }
}

TEST_CASE("read_word_vectors: malformed files name FILE:LINE", "[unit][models]") {
  TempDir dir;
  auto err = [&](const std::string& text) {
    auto p = write_text(dir, "bad.txt", text);
    return error_of([&] { ntm::topic::read_word_vectors(p, kVocab); });
  };
  const std::string f = dir / "bad.txt";
  CHECK_THAT(err("apple 1 2\nbanana 1 2 3\n"), Catch::Contains(f + ":2: expected 2 values after the word 'banana', found 3"));
  CHECK_THAT(err("2 2\napple 1 2\nbanana 1\n"), Catch::Contains(f + ":3: expected 2 values"));
  CHECK_THAT(err("apple 1 x2\n"), Catch::Contains(f + ":1: value 2 of 'apple' is 'x2', not a finite number"));
  CHECK_THAT(err("apple 1 nan\n"), Catch::Contains(f + ":1: value 2 of 'apple' is 'nan', not a finite number"));
  CHECK_THAT(err("5 2\napple 1 2\n"), Catch::Contains(f + ":1: the header says 5 vectors but the file holds 1"));
  CHECK_THAT(err("\n\n"), Catch::Contains("holds no word vectors"));
  CHECK_THAT(err("apple\n"), Catch::Contains(f + ":1: expected \"word v1 ... vD\""));
  CHECK_THAT(error_of([&] { ntm::topic::read_word_vectors(dir / "none.txt", kVocab); }),
             Catch::Contains("none.txt: cannot open"));
}

TEST_CASE("label store word embeddings: written, listed with sha256, checked on read, merged", "[unit][models]") {
  TempDir dir;
  const std::string a = dir / "a", b = dir / "b";
  auto emb = torch::arange(store::kV * 4, torch::kFloat32).reshape({store::kV, 4}) * 0.5;  // [V, 4]
  for (const auto& [path, first, n, index] :
       std::vector<std::tuple<std::string, int64_t, int64_t, int64_t>>{{a, 0, 3, 0}, {b, 3, 2, 1}}) {
    auto meta = store::test_meta();
    meta.extra = {{"shard", {{"index", index}, {"count", 2}, {"first_doc", first}, {"end_doc", first + n}}},
                  {"chunk_size", 3}};
    meta.corpus["num_docs"] = 5;
    ntm::labels::LabelStoreWriter w(path, meta);
    w.set_word_embeddings(emb, {{"kind", "test"}});
    w.append(store::make_chunk(0, n));
    w.finish();
  }
  ntm::labels::LabelStoreReader ra(a);
  REQUIRE(ra.has_word_embeddings());
  CHECK(torch::equal(ra.read_word_embeddings(), emb));
  auto meta_json = ntm::load_json_file(a + "/meta.json");
  CHECK(meta_json["word_embeddings"]["file"] == "word_embeddings.safetensors");
  CHECK(meta_json["word_embeddings"]["sha256"] == ntm::sha256_file(a + "/word_embeddings.safetensors"));
  CHECK(meta_json["word_embeddings"]["shape"] == nlohmann::json::array({store::kV, 4}));

  // merge-labels carries the file over.
  const std::string merged = dir / "merged";
  ntm::merge_label_stores({b, a}, merged);
  ntm::labels::LabelStoreReader rm(merged);
  REQUIRE(rm.has_word_embeddings());
  CHECK(torch::equal(rm.read_word_embeddings(), emb));
  CHECK(rm.meta().num_docs == 5);

  // A modified file is refused (sha256), and shards with different embeddings do not merge.
  {
    ntm::labels::LabelStoreWriter w(dir / "c", [&] {
      auto m = store::test_meta();
      m.extra = {{"shard", {{"index", 1}, {"count", 2}, {"first_doc", 3}, {"end_doc", 5}}}, {"chunk_size", 3}};
      m.corpus["num_docs"] = 5;
      return m;
    }());
    w.set_word_embeddings(emb + 1, {{"kind", "test"}});
    w.append(store::make_chunk(0, 2));
    w.finish();
  }
  CHECK_THAT(error_of([&] { ntm::merge_label_stores({a, dir / "c"}, dir / "merged2"); }),
             Catch::Contains("differ in word embeddings"));
  std::ofstream(a + "/word_embeddings.safetensors", std::ios::binary | std::ios::app) << "x";
  CHECK_THAT(error_of([&] { ntm::labels::LabelStoreReader(a).read_word_embeddings(); }),
             Catch::Contains("word_embeddings.safetensors: sha256"));
}

TEST_CASE("ntm train --model ecrtm / etm: word-embedding sources recorded in meta.json", "[e2e][models]") {
  TempDir dir;
  const std::string labels = dir / "labels";
  store::write_store(labels, {20, 20});
  // Two of the six vocabulary words have vectors.
  auto vec = write_text(dir, "vec.txt", "2 3\nbanana 1 0 0\nfig 0 1 0\n");
  auto common = " --labels '" + labels + "' --device cpu --threads 1 --num-topics 3 --epochs 2 --seeds 0"
                " --hidden-sizes 8,8 --top-n 3 --theta mean";
  auto r = ntm::test::run_ntm("train --model ecrtm --word-vectors '" + vec + "' --out '" + (dir / "ecrtm") + "'" + common);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  auto meta = ntm::load_json_file(dir / "ecrtm/seed-0/meta.json");
  CHECK(meta["word_embeddings"]["source"] == "file");
  CHECK(meta["word_embeddings"]["found"] == 2);
  CHECK(meta["word_embeddings"]["missing"] == 4);
  CHECK(meta["word_embeddings"]["size"] == 3);
  CHECK_THAT(r.output, Catch::Contains("2 of 6 vocabulary words found"));
  // The store has no LM embeddings: auto falls back to random, with a warning; infer rebuilds the model.
  r = ntm::test::run_ntm("train --model etm --out '" + (dir / "etm") + "'" + common);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("random word embeddings"));
  CHECK(ntm::load_json_file(dir / "etm/seed-0/meta.json")["word_embeddings"]["source"] == "random");
  r = ntm::test::run_ntm("infer --run '" + (dir / "ecrtm/seed-0") + "' --labels '" + labels + "' --out '" +
                         (dir / "theta.safetensors") + "' --device cpu");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  // --word-embeddings lm on a store without them: one line naming the fix.
  r = ntm::test::run_ntm("train --model ecrtm --word-embeddings lm --out '" + (dir / "x") + "'" + common);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("has no word_embeddings.safetensors"));
}

TEST_CASE("build-labels stores the LM's input embeddings of the vocabulary words", "[e2e][models]") {
  TempDir dir;
  std::ifstream in(ntm::test::fixture("e2e/e2e.json"));
  auto j = nlohmann::json::parse(in);
  auto vocab = j["vocab"].get<std::vector<std::string>>();
  {
    std::ofstream out(dir / "corpus.jsonl");
    for (const auto& d : j["documents"]) out << nlohmann::json{{"text", d}, {"label", "x"}}.dump() << "\n";
  }
  ntm::write_file_atomic(dir / "vocab.json", nlohmann::json(vocab).dump());
  auto r = ntm::test::run_ntm("build-labels --corpus '" + (dir / "corpus.jsonl") + "' --model '" +
                              ntm::test::fixture("e2e") + "' --vocab '" + (dir / "vocab.json") + "' --out '" +
                              (dir / "labels") + "' --chunk-size 4");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  ntm::labels::LabelStoreReader store(dir / "labels");
  REQUIRE(store.has_word_embeddings());
  auto got = store.read_word_embeddings();  // [V, 64]
  // Expected: mean of model.embed_tokens.weight rows over the ids of " " + word (this tokenizer has
  // no shared SentencePiece prefix piece), read straight from the checkpoint file.
  auto table = ntm::st::File::open(ntm::test::fixture("e2e/model.safetensors"))->tensor("model.embed_tokens.weight");
  auto tok = ntm::text::load_tokenizer(ntm::test::fixture("e2e"));
  REQUIRE(got.sizes() == (std::vector<int64_t>{static_cast<int64_t>(vocab.size()), table.size(1)}));
  int multi = 0;
  for (size_t v = 0; v < vocab.size(); ++v) {
    auto ids = tok->encode(" " + vocab[v], false);
    multi += ids.size() > 1;
    auto want = torch::zeros({table.size(1)});
    for (auto id : ids) want += table[id];
    want /= static_cast<double>(ids.size());
    INFO(vocab[v]);
    CHECK(torch::allclose(got[static_cast<int64_t>(v)], want, 1e-6, 1e-6));
  }
  CHECK(multi > 0);  // some words span several tokens, so the mean is exercised
  // scripts/read-label-store.py verifies and prints it too (numpy only).
  if (ntm::test::run_command("/usr/bin/python3 -c 'import numpy'").exit_code == 0) {
    auto py = ntm::test::run_command("/usr/bin/python3 '" + ntm::test::source_path("scripts/read-label-store.py") +
                                     "' '" + (dir / "labels") + "' --word " + vocab[1]);
    INFO(py.output);
    CHECK(py.exit_code == 0);
    CHECK_THAT(py.output, Catch::Contains("tensor word_embeddings float32 [12, 64]"));
    const std::string tag = "word " + vocab[1] + " ";
    const auto at = py.output.find(tag);
    REQUIRE(at != std::string::npos);
    CHECK(std::stod(py.output.substr(at + tag.size())) == static_cast<double>(got[1][0].item<float>()));
  } else {
    WARN("/usr/bin/python3 with numpy not available; skipping the read-label-store.py check");
  }
  // Shards carry the same file and merge-labels keeps it.
  auto common = "build-labels --corpus '" + (dir / "corpus.jsonl") + "' --model '" + ntm::test::fixture("e2e") +
                "' --vocab '" + (dir / "vocab.json") + "' --chunk-size 2";
  REQUIRE(ntm::test::run_ntm(common + " --shard 0/2 --out '" + (dir / "s0") + "'").exit_code == 0);
  REQUIRE(ntm::test::run_ntm(common + " --shard 1/2 --out '" + (dir / "s1") + "'").exit_code == 0);
  r = ntm::test::run_ntm("merge-labels --out '" + (dir / "merged") + "' '" + (dir / "s0") + "' '" + (dir / "s1") + "'");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(torch::equal(ntm::labels::LabelStoreReader(dir / "merged").read_word_embeddings(), got));
}
