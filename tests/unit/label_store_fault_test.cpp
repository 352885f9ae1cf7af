// Label store under faults: interrupted writers, resume, corrupted / edited files.
#include <torch/torch.h>

#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "catch.h"
#include "label_store_test_util.h"
#include "ntm/data/vocab.h"
#include "ntm/error.h"
#include "ntm/labels/label_store.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "test_util.h"

using namespace ntm::labels;
using ntm::json;
using ntm::test::TempDir;
using namespace ntm::test::store;
namespace fs = std::filesystem;

namespace {

void flip_byte(const std::string& path, uint64_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char c;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(static_cast<char>(c ^ 0x40));
}

void edit_meta(const std::string& dir, const std::function<void(json&)>& edit) {
  json j = ntm::load_json_file(dir + "/meta.json");
  edit(j);
  ntm::write_file_atomic(dir + "/meta.json", j.dump(1));
}

}  // namespace

TEST_CASE("interrupted writer: store refused naming --resume, then resumed", "[unit][store]") {
  TempDir tmp;
  std::string dir = tmp / "labels";
  {
    // The writer dies after two chunks, in the middle of the third: its temp file is left behind,
    // and so is a chunk file renamed into place just before meta.json could list it.
    write_store(dir, {3, 2}, "float32", /*finish=*/false);
    ntm::write_file_atomic(dir + "/x", "");  // unrelated files are left alone
    std::ofstream(dir + "/chunk-00002.safetensors.tmp-424242") << "half a chunk";
    std::ofstream(dir + "/chunk-00002.safetensors") << "not listed in meta.json";
  }
  CHECK_THROWS_WITH(LabelStoreReader(dir), Catch::Contains("incomplete") && Catch::Contains("--resume"));
  LabelStoreReader partial(dir, /*allow_incomplete=*/true);
  CHECK(partial.meta().num_docs == 5);

  LabelStoreWriter w(dir, test_meta(), /*resume=*/true);
  CHECK(w.committed_docs() == 5);
  CHECK(w.num_chunks() == 2);
  CHECK_FALSE(fs::exists(dir + "/chunk-00002.safetensors.tmp-424242"));
  CHECK_FALSE(fs::exists(dir + "/chunk-00002.safetensors"));
  CHECK(fs::exists(dir + "/x"));
  w.append(make_chunk(5, 4));
  w.finish();

  LabelStoreReader r(dir);
  Chunk all = r.read_all();
  REQUIRE(all.size() == 9);
  for (int64_t d = 0; d < 9; ++d) CHECK(all.soft_labels[d][3].item<float>() == soft_value(d, 3));
  CHECK(validate_label_store(dir).find("documents     9 in 3 chunk(s)") != std::string::npos);
}

TEST_CASE("resume redoes a corrupted chunk and everything after it", "[unit][store]") {
  TempDir tmp;
  std::string dir = tmp / "labels";
  write_store(dir, {3, 2, 2}, "float32", false);
  flip_byte(dir + "/chunk-00001.safetensors", 200);
  LabelStoreWriter w(dir, test_meta(), true);
  CHECK(w.committed_docs() == 3);
  CHECK(w.num_chunks() == 1);
  CHECK_FALSE(fs::exists(dir + "/chunk-00002.safetensors"));
  w.append(make_chunk(3, 4));
  w.finish();
  CHECK(LabelStoreReader(dir).read_all().size() == 7);
}

TEST_CASE("resume of a complete store is a no-op, resume with other inputs is refused", "[unit][store]") {
  TempDir tmp;
  std::string dir = tmp / "labels";
  write_store(dir, {3});
  {
    LabelStoreWriter w(dir, test_meta(), true);
    CHECK(w.complete());
    CHECK(w.committed_docs() == 3);
    w.finish();
  }
  CHECK(LabelStoreReader(dir).meta().num_docs == 3);
  StoreMeta other = test_meta();
  other.vocab.push_back("grape");
  CHECK_THROWS_WITH(LabelStoreWriter(dir, other, true), Catch::Contains("cannot resume: the store was built with vocab"));
  StoreMeta lm = test_meta();
  lm.lm["sha256"] = std::string(64, 'b');
  CHECK_THROWS_WITH(LabelStoreWriter(dir, lm, true),
                    Catch::Contains("cannot resume: the store was built with another lm: lm.sha256 is aaaaaaaa… in the store, bbbbbbbb… now"));
  StoreMeta prompt = test_meta();
  prompt.prompt["template"] = "Text: {text}\nTopic:";
  CHECK_THROWS_WITH(LabelStoreWriter(dir, prompt, true), Catch::Contains("cannot resume") && Catch::Contains("prompt"));
  StoreMeta moved = test_meta();  // the same corpus (same sha256) at another path resumes
  moved.corpus["path"] = "/elsewhere/corpus.tsv";
  CHECK_NOTHROW(LabelStoreWriter(dir, moved, true));
  StoreMeta bf = test_meta("bfloat16");
  CHECK_THROWS_WITH(LabelStoreWriter(dir, bf, true), Catch::Contains("hidden_dtype"));
}

TEST_CASE("a flipped byte in a chunk is detected by its sha256", "[unit][store]") {
  TempDir tmp;
  std::string dir = tmp / "labels";
  write_store(dir, {3, 2});
  uint64_t size = fs::file_size(dir + "/chunk-00001.safetensors");
  flip_byte(dir + "/chunk-00001.safetensors", size - 3);  // inside the tensor data, header still valid
  LabelStoreReader r(dir);
  CHECK_NOTHROW(r.read_chunk(0));
  CHECK_THROWS_WITH(r.read_chunk(1), Catch::Contains("chunk-00001.safetensors: sha256") &&
                                         Catch::Contains("corrupted"));
  CHECK_THROWS_WITH(validate_label_store(dir), Catch::Contains("chunk-00001.safetensors: sha256"));
}

TEST_CASE("truncated or missing chunk files are reported on open", "[unit][store]") {
  TempDir tmp;
  std::string dir = tmp / "labels";
  write_store(dir, {3, 2});
  SECTION("truncated") {
    fs::resize_file(dir + "/chunk-00001.safetensors", 100);
    CHECK_THROWS_WITH(LabelStoreReader(dir), Catch::Contains("chunk-00001.safetensors: is 100 bytes"));
  }
  SECTION("missing") {
    fs::remove(dir + "/chunk-00000.safetensors");
    CHECK_THROWS_WITH(LabelStoreReader(dir), Catch::Contains("chunk-00000.safetensors: missing"));
  }
}

TEST_CASE("content checks on load name the tensor or the corpus row", "[unit][store]") {
  TempDir tmp;
  std::string dir = tmp / "labels";
  write_store(dir, {3, 2});
  SECTION("NaN in soft_labels") {
    tamper_chunk(dir, 1, [](Tensors& ts) { find_tensor(ts, "soft_labels")[1][4] = std::nanf(""); });
    CHECK_THROWS_WITH(LabelStoreReader(dir).read_all(),
                      Catch::Contains("soft_labels of corpus row 4 (row 1 of this chunk, column 4) is NaN"));
  }
  SECTION("Inf in hidden") {
    tamper_chunk(dir, 0, [](Tensors& ts) { find_tensor(ts, "hidden")[2][0] = INFINITY; });
    CHECK_THROWS_WITH(validate_label_store(dir), Catch::Contains("hidden of corpus row 2") && Catch::Contains("+Inf"));
  }
  SECTION("wrong V") {
    tamper_chunk(dir, 1, [](Tensors& ts) {
      auto& t = find_tensor(ts, "soft_labels");
      t = torch::zeros({2, kV + 1});
    });
    CHECK_THROWS_WITH(LabelStoreReader(dir).read_chunk(1),
                      Catch::Contains("tensor 'soft_labels' has shape [2, 7], expected [2, 6]"));
  }
  SECTION("doc_index not contiguous") {
    tamper_chunk(dir, 1, [](Tensors& ts) { find_tensor(ts, "doc_index") = torch::tensor({3, 5}, torch::kLong); });
    CHECK_THROWS_WITH(LabelStoreReader(dir).read_chunk(1),
                      Catch::Contains("doc_index is not contiguous: row 1 holds corpus row 5, expected 4"));
  }
  SECTION("a missing tensor") {
    tamper_chunk(dir, 0, [](Tensors& ts) {
      ts.erase(std::remove_if(ts.begin(), ts.end(), [](auto& p) { return p.first == "labels"; }), ts.end());
    });
    CHECK_THROWS_WITH(LabelStoreReader(dir).read_chunk(0), Catch::Contains("tensor 'labels' is missing"));
  }
  SECTION("CSR row pointers past nnz") {
    tamper_chunk(dir, 0, [](Tensors& ts) {
      auto& p = find_tensor(ts, "bow_indptr");
      p = p.clone();
      p[3] = p[3].item<int64_t>() + 1;
    });
    CHECK_THROWS_WITH(LabelStoreReader(dir).read_chunk(0), Catch::Contains("tensor 'bow_indices' has shape"));
  }
}

TEST_CASE("edited meta.json is explained", "[unit][store]") {
  TempDir tmp;
  std::string dir = tmp / "labels";
  write_store(dir, {3, 2});
  SECTION("vocabulary edited") {
    edit_meta(dir, [](json& j) { j["vocab"][0] = "apricot"; });
    CHECK_THROWS_WITH(LabelStoreReader(dir), Catch::Contains("'vocab_hash'") && Catch::Contains("does not match"));
  }
  SECTION("newer format") {
    edit_meta(dir, [](json& j) { j["format_version"] = 3; });
    CHECK_THROWS_WITH(LabelStoreReader(dir),
                      Catch::Contains("format_version 3 is newer than this ntm supports (1); upgrade ntm"));
  }
  SECTION("a path in a chunk name") {
    edit_meta(dir, [](json& j) { j["chunks"][0]["file"] = "../chunk-00000.safetensors"; });
    CHECK_THROWS_WITH(LabelStoreReader(dir), Catch::Contains("chunks[0]: file is '../chunk-00000.safetensors'"));
  }
  SECTION("a gap between chunks") {
    edit_meta(dir, [](json& j) { j["chunks"][1]["first_doc"] = 4; });
    CHECK_THROWS_WITH(LabelStoreReader(dir), Catch::Contains("chunks[1]: first_doc is 4, expected 3"));
  }
  SECTION("num_docs disagrees with the chunks") {
    edit_meta(dir, [](json& j) { j["num_docs"] = 6; });
    CHECK_THROWS_WITH(LabelStoreReader(dir), Catch::Contains("'num_docs' is 6 but the chunks hold 5"));
  }
  SECTION("an empty vocabulary (V = 0)") {
    edit_meta(dir, [](json& j) {
      j["vocab"] = json::array();
      j["vocab_hash"] = ntm::vocab_hash({});
    });
    CHECK_THROWS_WITH(LabelStoreReader(dir), Catch::Contains("'vocab' is empty (V = 0)"));
  }
  SECTION("not a label store") {
    CHECK_THROWS_WITH(LabelStoreReader(tmp / "nowhere"), Catch::Contains("no such directory"));
    ntm::make_dirs(tmp / "empty");
    CHECK_THROWS_WITH(LabelStoreReader(tmp / "empty"), Catch::Contains("no meta.json"));
  }
}

TEST_CASE("disk full while writing a chunk leaves a resumable store", "[unit][store]") {
  TempDir tmp;
  std::string dir = tmp / "labels";
  {  // the interrupted writer (it holds the directory's lock until it goes)
    LabelStoreWriter w(dir, test_meta());
    w.append(make_chunk(0, 3));
    const uint64_t first_chunk = fs::file_size(dir + "/chunk-00000.safetensors");
    {
      // Simulate a full disk: files of this process may not grow past the size of the first chunk,
      // so the second (bigger) chunk cannot be written. SIGXFSZ is ignored so write() fails (EFBIG).
      struct rlimit old_limit;
      REQUIRE(::getrlimit(RLIMIT_FSIZE, &old_limit) == 0);
      auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
      struct rlimit small = old_limit;
      small.rlim_cur = first_chunk + 16;
      REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
      bool threw = false;
      try {
        w.append(make_chunk(3, 40));
      } catch (const ntm::Error& e) {
        threw = true;
        CHECK(std::string(e.what()).find("write failed") != std::string::npos);
      }
      ::setrlimit(RLIMIT_FSIZE, &old_limit);
      std::signal(SIGXFSZ, old_handler);
      CHECK(threw);
    }
    CHECK(w.committed_docs() == 3);
    // Nothing half-written is left, and meta.json still describes exactly the first chunk.
    for (auto& e : fs::directory_iterator(dir)) CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
    CHECK_FALSE(fs::exists(dir + "/chunk-00001.safetensors"));
  }
  CHECK_THROWS_WITH(LabelStoreReader(dir), Catch::Contains("--resume"));
  LabelStoreWriter resumed(dir, test_meta(), true);
  CHECK(resumed.committed_docs() == 3);
  resumed.append(make_chunk(3, 40));
  resumed.finish();
  Chunk all = LabelStoreReader(dir).read_all();
  REQUIRE(all.size() == 43);
  CHECK(all.soft_labels[42][5].item<float>() == soft_value(42, 5));
}

TEST_CASE("require_vocab explains a vocabulary mismatch with the fixing command", "[unit][store]") {
  StoreMeta m = test_meta();
  m.vocab_hash = ntm::vocab_hash(m.vocab);
  CHECK_NOTHROW(require_vocab(m, "labels", ntm::vocab_hash(test_vocab()), "vocab.json"));
  std::vector<std::string> other = test_vocab();
  std::swap(other[0], other[1]);  // same words, another order: another vocabulary
  CHECK_THROWS_WITH(require_vocab(m, "labels", ntm::vocab_hash(other), "vocab.json"),
                    Catch::StartsWith("labels: labels were built with vocab " + m.vocab_hash.substr(0, 8) +
                                      "…; this run uses " + ntm::vocab_hash(other).substr(0, 8) + "…") &&
                        Catch::EndsWith("re-run `ntm build-labels --vocab vocab.json --out labels`"));
}
