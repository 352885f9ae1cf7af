// Label store: writer/reader round trip, resume after an interrupted writer, and every check the
// reader makes (checksums, shapes, finite values, CSR, contiguity), on small hand-made stores.
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "catch.h"
#include "label_store_test_util.h"
#include "ntm/data/vocab.h"
#include "ntm/error.h"
#include "ntm/io/safetensors.h"
#include "ntm/labels/label_store.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "ntm/util/hash.h"
#include "test_util.h"

using namespace ntm::labels;
using ntm::json;
using ntm::test::TempDir;
using namespace ntm::test::store;

TEST_CASE("label store round trip: chunks, meta.json, read_all", "[unit][store]") {
  TempDir tmp;
  std::string dir = tmp / "labels";
  write_store(dir, {3, 2, 4});
  LabelStoreReader r(dir);
  CHECK(r.meta().num_docs == 9);
  CHECK(r.num_chunks() == 3);
  CHECK(r.meta().vocab == test_vocab());
  CHECK(r.meta().label_names == std::vector<std::string>{"a", "b", "c"});
  CHECK(r.meta().lm["model_type"] == "gpt2");

  Chunk c1 = r.read_chunk(1);  // corpus rows 3, 4
  REQUIRE(c1.size() == 2);
  CHECK(c1.doc_index[0].item<int64_t>() == 3);
  CHECK(c1.soft_labels[1][2].item<float>() == soft_value(4, 2));
  CHECK(c1.hidden[0][4].item<float>() == hidden_value(3, 4));

  Chunk all = r.read_all();
  REQUIRE(all.size() == 9);
  CHECK(all.soft_labels.sizes() == std::vector<int64_t>{9, kV});
  CHECK(all.hidden.sizes() == std::vector<int64_t>{9, kH});
  for (int64_t d = 0; d < 9; ++d) {
    CHECK(all.doc_index[d].item<int64_t>() == d);
    CHECK(all.labels[d].item<int64_t>() == label_value(d));
    for (int64_t v = 0; v < kV; ++v) CHECK(all.soft_labels[d][v].item<float>() == soft_value(d, v));
    for (int64_t h = 0; h < kH; ++h) CHECK(all.hidden[d][h].item<float>() == hidden_value(d, h));
  }
  // Global CSR: the expected rows, built independently of the reader.
  std::vector<int64_t> indptr{0};
  std::vector<int32_t> indices;
  for (int64_t d = 0; d < 9; ++d) {
    for (auto [v, cnt] : bow_row(d)) indices.push_back(v);
    indptr.push_back(static_cast<int64_t>(indices.size()));
  }
  REQUIRE(all.bow_indptr.size(0) == 10);
  for (int64_t i = 0; i <= 9; ++i) CHECK(all.bow_indptr[i].item<int64_t>() == indptr[i]);
  REQUIRE(all.bow_indices.size(0) == static_cast<int64_t>(indices.size()));
  for (size_t k = 0; k < indices.size(); ++k) CHECK(all.bow_indices[k].item<int32_t>() == indices[k]);
  // The dense BoW, from the formula.
  at::Tensor dense = bow_to_dense(all, kV);
  REQUIRE(dense.sizes() == std::vector<int64_t>{9, kV});
  for (int64_t d = 0; d < 9; ++d) {
    std::vector<float> row(kV, 0.0f);
    for (auto [v, cnt] : bow_row(d)) row[v] = cnt;
    for (int64_t v = 0; v < kV; ++v) CHECK(dense[d][v].item<float>() == row[v]);
  }
  CHECK(all.prompt_tokens.defined());
  CHECK(all.prompt_tokens[7].item<int32_t>() == 17);
}

TEST_CASE("label store reads only the columns asked for, checking the others", "[unit][store]") {
  TempDir tmp;
  std::string dir = tmp / "labels";
  write_store(dir, {3, 2, 4});
  const Chunk full = LabelStoreReader(dir).read_all();
  const Chunk bow = LabelStoreReader(dir).read_all({/*soft_labels=*/false, /*hidden=*/false});
  CHECK(!bow.soft_labels.defined());
  CHECK(!bow.hidden.defined());
  CHECK(!bow.layer_hidden.defined());
  CHECK(torch::equal(bow.bow_indptr, full.bow_indptr));
  CHECK(torch::equal(bow.bow_indices, full.bow_indices));
  CHECK(torch::equal(bow.bow_counts, full.bow_counts));
  CHECK(torch::equal(bow.labels, full.labels));
  CHECK(torch::equal(bow.doc_index, full.doc_index));
  const Chunk hidden_only = LabelStoreReader(dir).read_chunk(2, {false, true});
  CHECK(!hidden_only.soft_labels.defined());
  CHECK(hidden_only.hidden[1][4].item<float>() == hidden_value(6, 4));
  // A column that is not copied is still checked: NaN soft labels fail a BoW-only read too.
  tamper_chunk(dir, 1, [](Tensors& ts) { find_tensor(ts, "soft_labels")[0][2] = std::nanf(""); });
  CHECK_THROWS_WITH(LabelStoreReader(dir).read_all({false, false}), Catch::Contains("soft_labels of corpus row 3"));
}

TEST_CASE("label store meta.json records identities and per-chunk sha256", "[unit][store]") {
  TempDir tmp;
  std::string dir = tmp / "labels";
  write_store(dir, {3, 2});
  json j = ntm::load_json_file(dir + "/meta.json");
  CHECK(j["format"] == "ntm-label-store");
  CHECK(j["format_version"] == 1);
  CHECK(j["ntm_version"].is_string());
  CHECK(j["complete"] == true);
  CHECK(j["num_docs"] == 5);
  CHECK(j["vocab_hash"] == ntm::vocab_hash(test_vocab()));
  CHECK(j["inputs"]["vocab"] == ntm::vocab_hash(test_vocab()));
  CHECK(j["hidden_size"] == kH);
  CHECK(j["hidden_dtype"] == "float32");
  REQUIRE(j["chunks"].size() == 2);
  CHECK(j["chunks"][1]["file"] == "chunk-00001.safetensors");
  CHECK(j["chunks"][1]["first_doc"] == 3);
  CHECK(j["chunks"][1]["num_docs"] == 2);
  CHECK(j["chunks"][1]["sha256"] == ntm::sha256_file(dir + "/chunk-00001.safetensors"));
  CHECK(j["chunks"][1]["bytes"] == std::filesystem::file_size(dir + "/chunk-00001.safetensors"));
  // The chunk is a plain safetensors file with the documented tensors.
  auto f = ntm::st::File::open(dir + "/chunk-00000.safetensors");
  CHECK(f->metadata("first_doc") == "0");
  CHECK(f->find("soft_labels")->dtype == ntm::st::DType::kF32);
  CHECK(f->find("bow_indices")->dtype == ntm::st::DType::kI32);
  CHECK(f->find("hidden")->shape == std::vector<int64_t>{3, kH});
}

TEST_CASE("label store: bfloat16 hidden states are widened to float32 by read_all", "[unit][store]") {
  TempDir tmp;
  std::string dir = tmp / "labels";
  write_store(dir, {2, 3}, "bfloat16");
  LabelStoreReader r(dir);
  CHECK(r.meta().hidden_dtype == "bfloat16");
  CHECK(r.read_chunk(0).hidden.scalar_type() == torch::kBFloat16);
  Chunk all = r.read_all();
  CHECK(all.hidden.scalar_type() == torch::kFloat);
  // hidden_value() is exactly representable in bfloat16 (a multiple of 1/4 below 64).
  CHECK(all.hidden[4][1].item<float>() == hidden_value(4, 1));
  CHECK(ntm::st::File::open(dir + "/chunk-00001.safetensors")->find("hidden")->dtype == ntm::st::DType::kBF16);
}

TEST_CASE("label store writer stores float tensors in the store's dtypes", "[unit][store]") {
  TempDir tmp;
  std::string dir = tmp / "labels";
  {
    LabelStoreWriter w(dir, test_meta("bfloat16"));
    Chunk c = make_chunk(0, 3);                      // hidden float32 -> stored as bfloat16
    c.soft_labels = c.soft_labels.to(torch::kHalf);  // half -> stored as float32 (values exact in half)
    w.append(c);
    w.finish();
  }
  auto f = ntm::st::File::open(dir + "/chunk-00000.safetensors");
  CHECK(f->find("hidden")->dtype == ntm::st::DType::kBF16);
  CHECK(f->find("soft_labels")->dtype == ntm::st::DType::kF32);
  Chunk all = LabelStoreReader(dir).read_all();
  CHECK(all.soft_labels[2][3].item<float>() == soft_value(2, 3));
  CHECK(all.hidden[1][4].item<float>() == hidden_value(1, 4));
}

TEST_CASE("label store writer validates chunks before writing", "[unit][store]") {
  TempDir tmp;
  LabelStoreWriter w(tmp / "labels", test_meta());
  SECTION("NaN in soft_labels names the corpus row") {
    Chunk c = make_chunk(0, 3);
    c.soft_labels[2][1] = std::nanf("");
    CHECK_THROWS_WITH(w.append(c), Catch::Contains("soft_labels of corpus row 2") && Catch::Contains("NaN"));
  }
  SECTION("Inf in hidden names the corpus row") {
    Chunk c = make_chunk(0, 3);
    c.hidden[1][0] = -INFINITY;
    CHECK_THROWS_WITH(w.append(c), Catch::Contains("hidden of corpus row 1") && Catch::Contains("-Inf"));
  }
  SECTION("wrong V") {
    Chunk c = make_chunk(0, 3);
    c.soft_labels = c.soft_labels.narrow(1, 0, kV - 1).clone();
    CHECK_THROWS_WITH(w.append(c), Catch::Contains("'soft_labels' has shape [3, 5], expected [3, 6]"));
  }
  SECTION("first chunk must start at corpus row 0") {
    CHECK_THROWS_WITH(w.append(make_chunk(1, 3)), Catch::Contains("doc_index is not contiguous: row 0 holds corpus row 1"));
  }
  SECTION("BoW index outside the vocabulary") {
    Chunk c = make_chunk(0, 3);
    c.bow_indices[0] = static_cast<int32_t>(kV);
    CHECK_THROWS_WITH(w.append(c), Catch::Contains("outside the vocabulary [0, 6)"));
  }
  SECTION("BoW indices not increasing within a row") {
    Chunk c = make_chunk(0, 3);
    REQUIRE(c.bow_indptr[1].item<int64_t>() == 2);  // row 0 = {0, 3}
    c.bow_indices[1] = 0;
    CHECK_THROWS_WITH(w.append(c), Catch::Contains("not strictly increasing"));
  }
  SECTION("label outside label_names") {
    Chunk c = make_chunk(0, 3);
    c.labels[1] = 3;
    CHECK_THROWS_WITH(w.append(c), Catch::Contains("labels of corpus row 1 is 3, outside [-1, 3)"));
  }
  SECTION("wrong hidden dtype") {
    Chunk c = make_chunk(0, 3);
    c.hidden = c.hidden.to(torch::kLong);
    CHECK_THROWS_WITH(w.append(c), Catch::Contains("'hidden' has dtype int64 (I64), expected float32 (F32)"));
  }
  SECTION("wrong doc_index dtype") {
    Chunk c = make_chunk(0, 3);
    c.doc_index = c.doc_index.to(torch::kInt);
    CHECK_THROWS_WITH(w.append(c), Catch::Contains("'doc_index' has dtype int32 (I32), expected int64 (I64)"));
  }
  CHECK(w.committed_docs() == 0);
  CHECK(w.num_chunks() == 0);
}

TEST_CASE("label store refuses unsafe output directories", "[unit][store]") {
  TempDir tmp;
  SECTION("a non-empty directory ntm did not write") {
    ntm::make_dirs(tmp / "x");
    ntm::write_file_atomic(tmp / "x/notes.txt", "mine");
    CHECK_THROWS_WITH(LabelStoreWriter(tmp / "x", test_meta()), Catch::Contains("not written by ntm"));
  }
  SECTION("an existing store without --resume") {
    write_store(tmp / "labels", {2});
    CHECK_THROWS_WITH(LabelStoreWriter(tmp / "labels", test_meta()),
                      Catch::Contains("already holds a label store") && Catch::Contains("it is complete; pass --resume"));
  }
  SECTION("another kind of ntm directory") {
    ntm::make_dirs(tmp / "run");
    ntm::write_file_atomic(tmp / "run/meta.json", R"({"format":"ntm-run","format_version":1})");
    CHECK_THROWS_WITH(LabelStoreWriter(tmp / "run", test_meta()),
                      Catch::Contains("holds one seed of a training run (ntm train), not a label store"));
  }
}

TEST_CASE("label names may grow while the corpus streams by", "[unit][store]") {
  TempDir tmp;
  std::string dir = tmp / "labels";
  {
    LabelStoreWriter w(dir, test_meta());
    w.append(make_chunk(0, 3));
    w.set_label_names({"a", "b", "c", "d"});
    Chunk c = make_chunk(3, 2);
    c.labels[1] = 3;
    w.append(c);
    CHECK_THROWS(w.set_label_names({"a", "c"}));  // existing names keep their indices
    w.finish();
  }
  LabelStoreReader r(dir);
  CHECK(r.meta().label_names == std::vector<std::string>{"a", "b", "c", "d"});
  CHECK(r.read_all().labels[4].item<int64_t>() == 3);
}
