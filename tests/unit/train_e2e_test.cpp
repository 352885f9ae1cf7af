// ntm train / ntm infer end to end on a tiny label store (40 documents, V = 6, H = 5).
#include <torch/torch.h>

#include <filesystem>
#include <set>

#include "catch.h"
#include "ntm/io/safetensors.h"
#include "ntm/data/vocab.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "test_util.h"
#include "unit/label_store_test_util.h"

using ntm::test::run_ntm;
using ntm::test::TempDir;

namespace {

std::string train_cmd(const std::string& store, const std::string& out, const std::string& extra = "") {
  return "train --config '" + ntm::test::source_path("configs/tiny.json") + "' --labels '" + store + "' --out '" +
         out + "' --device cpu --threads 1 " + extra;
}

void check_outputs(const std::string& dir, int64_t n_docs, int64_t K) {
  for (const char* f : {"topics.json", "theta.safetensors", "beta.safetensors", "model.safetensors", "meta.json",
                        "metrics.jsonl"})
    REQUIRE(ntm::path_exists(dir + "/" + f));
  auto topics = ntm::load_json_file(dir + "/topics.json");
  CHECK(topics["format"] == "ntm-topics");
  CHECK(topics["num_topics"] == K);
  CHECK(topics["vocab_hash"] == ntm::vocab_hash(ntm::test::store::test_vocab()));
  auto vocab = ntm::test::store::test_vocab();
  std::set<std::string> words(vocab.begin(), vocab.end());
  REQUIRE(topics["topics"].size() == static_cast<size_t>(K));
  for (const auto& t : topics["topics"]) {
    CHECK(t.size() == 4);
    for (const auto& w : t) CHECK(words.count(w.get<std::string>()) == 1);
  }
  auto f = ntm::st::File::open(dir + "/theta.safetensors");
  auto theta = f->tensor("theta");
  REQUIRE(theta.sizes() == (std::vector<int64_t>{n_docs, K}));
  CHECK((theta >= 0).all().item<bool>());
  CHECK(torch::allclose(theta.sum(1), torch::ones({n_docs}), 1e-5, 1e-5));
  CHECK(f->tensor("doc_index").size(0) == n_docs);
  CHECK(f->tensor("labels").size(0) == n_docs);
  auto beta = ntm::st::File::open(dir + "/beta.safetensors")->tensor("beta");
  CHECK(beta.sizes() == (std::vector<int64_t>{K, 6}));
  auto meta = ntm::load_json_file(dir + "/meta.json");
  CHECK(meta["format"] == "ntm-run");
  CHECK(meta["complete"] == true);
}

bool same_bytes(const std::string& a, const std::string& b) { return ntm::read_file(a) == ntm::read_file(b); }

// model.safetensors records the config (including --out) in its metadata: compare the tensors.
bool same_tensors(const std::string& a, const std::string& b) {
  auto ta = ntm::st::load_all(a), tb = ntm::st::load_all(b);
  if (ta.size() != tb.size()) return false;
  for (size_t i = 0; i < ta.size(); ++i)
    if (ta[i].first != tb[i].first || !torch::equal(ta[i].second, tb[i].second)) return false;
  return true;
}

}  // namespace

TEST_CASE("ntm train dsl-prodlda: outputs, simplex, byte-identical rerun, resume, infer", "[e2e][train]") {
  TempDir tmp;
  const std::string store = tmp / "store";
  ntm::test::store::write_store(store, {24, 16});

  auto r1 = run_ntm(train_cmd(store, tmp / "a"));
  INFO(r1.output);
  REQUIRE(r1.exit_code == 0);
  CHECK(r1.output.find("epoch 2/2") != std::string::npos);
  check_outputs(tmp / "a/seed-0", 40, 3);
  auto set_meta = ntm::load_json_file(tmp / "a/meta.json");
  CHECK(set_meta["seeds"] == ntm::json::array({0}));
  CHECK(set_meta["model"] == "dsl-prodlda");
  auto doc_index = ntm::st::File::open(tmp / "a/seed-0/theta.safetensors")->tensor("doc_index");
  CHECK(torch::equal(doc_index, torch::arange(40, torch::kInt64)));

  // Same seed, same device: identical bytes.
  auto r2 = run_ntm(train_cmd(store, tmp / "b"));
  REQUIRE(r2.exit_code == 0);
  for (const char* f : {"topics.json", "theta.safetensors", "beta.safetensors"}) {
    INFO(f);
    CHECK(same_bytes(tmp / ("a/seed-0/" + std::string(f)), tmp / ("b/seed-0/" + std::string(f))));
  }
  CHECK(same_tensors(tmp / "a/seed-0/model.safetensors", tmp / "b/seed-0/model.safetensors"));

  // A run stopped after epoch 1 and resumed reaches the same final result.
  auto r3 = run_ntm(train_cmd(store, tmp / "c", "--epochs 1"));
  REQUIRE(r3.exit_code == 0);
  std::filesystem::remove(tmp / "c/seed-0/meta.json");  // as if killed before finishing
  auto r4 = run_ntm(train_cmd(store, tmp / "c", "--epochs 2 --resume"));
  INFO(r4.output);
  REQUIRE(r4.exit_code == 0);
  CHECK(r4.output.find("resuming after epoch 1") != std::string::npos);
  for (const char* f : {"topics.json", "theta.safetensors", "beta.safetensors"}) {
    INFO(f);
    CHECK(same_bytes(tmp / ("a/seed-0/" + std::string(f)), tmp / ("c/seed-0/" + std::string(f))));
  }
  CHECK(same_tensors(tmp / "a/seed-0/model.safetensors", tmp / "c/seed-0/model.safetensors"));
  // Resuming with another configuration is refused.
  std::filesystem::remove(tmp / "c/seed-0/meta.json");
  auto r5 = run_ntm(train_cmd(store, tmp / "c", "--epochs 2 --resume --lr 0.01"));
  CHECK(r5.exit_code == 2);
  CHECK(r5.output.find("cannot resume: config.lr is 0.002 in the run, 0.01 now") != std::string::npos);

  // infer on the training store: theta for all 40 documents on the simplex.
  auto r6 = run_ntm("infer --run '" + (tmp / "a/seed-0") + "' --labels '" + store + "' --out '" + (tmp / "t.safetensors") +
                    "' --device cpu");
  INFO(r6.output);
  REQUIRE(r6.exit_code == 0);
  auto theta = ntm::st::File::open(tmp / "t.safetensors")->tensor("theta");
  CHECK(theta.sizes() == (std::vector<int64_t>{40, 3}));
  CHECK(torch::allclose(theta.sum(1), torch::ones({40}), 1e-5, 1e-5));
  auto r7 = run_ntm("infer --run '" + (tmp / "a/seed-0") + "' --labels '" + store + "' --out '" +
                    (tmp / "m.safetensors") + "' --theta mean --device cpu");
  REQUIRE(r7.exit_code == 0);

  // A store with another vocabulary is refused by infer.
  auto meta = ntm::test::store::test_meta();
  meta.vocab = {"u", "v", "w", "x", "y", "z"};
  {
    ntm::labels::LabelStoreWriter w(tmp / "other", meta);
    w.append(ntm::test::store::make_chunk(0, 8));
    w.finish();
  }
  auto r8 = run_ntm("infer --run '" + (tmp / "a/seed-0") + "' --labels '" + (tmp / "other") + "' --out '" +
                    (tmp / "o.safetensors") + "' --device cpu");
  CHECK(r8.exit_code == 2);
  CHECK(r8.output.find("vocabulary hash") != std::string::npos);
}

TEST_CASE("ntm train baselines: empty-BoW documents dropped, every model trains", "[e2e][train]") {
  TempDir tmp;
  const std::string store = tmp / "store";
  ntm::test::store::write_store(store, {40});  // rows with d % 4 == 2 have an empty BoW: 10 of 40
  for (const char* model : {"prodlda", "zeroshot", "combined"}) {
    const std::string out = tmp / model;
    auto r = run_ntm(train_cmd(store, out, std::string("--model ") + model + " --epochs 1 --seeds 3"));
    INFO(model << "\n" << r.output);
    REQUIRE(r.exit_code == 0);
    CHECK(r.output.find("dropped 10 of 40 documents with an empty BoW") != std::string::npos);
    check_outputs(out + "/seed-3", 30, 3);
    auto doc_index = ntm::st::File::open(out + "/seed-3/theta.safetensors")->tensor("doc_index");
    CHECK((doc_index.remainder(4) != 2).all().item<bool>());
    CHECK(ntm::load_json_file(out + "/seed-3/meta.json")["dropped_empty_bow"] == 10);
  }
  // DSL-ProdLDA keeps them.
  auto r = run_ntm(train_cmd(store, tmp / "dsl", "--epochs 1"));
  REQUIRE(r.exit_code == 0);
  check_outputs(tmp / "dsl/seed-0", 40, 3);

  auto bad = run_ntm(train_cmd(store, tmp / "x", "--model prodlad"));
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("valid: dsl-prodlda, prodlda, zeroshot, combined") != std::string::npos);
}
