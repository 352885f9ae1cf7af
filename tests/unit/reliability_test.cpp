// Reliability: resource limits with clear errors, clean stops on SIGTERM/SIGINT, disk full
// during build-labels (issue 10). Fuzz crashers live in fuzz_regressions_test.cpp.
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "catch.h"
#include "ntm/data/corpus.h"
#include "ntm/error.h"
#include "ntm/labels/label_store.h"
#include "ntm/text/tokenizer.h"
#include "ntm/util/fs.h"
#include "ntm/util/signals.h"
#include "test_util.h"

using ntm::test::run_ntm;
using ntm::test::source_path;
using ntm::test::TempDir;

namespace {

using ntm::test::error_of;

using ntm::test::q;
using ntm::test::write_random_corpus;

void read_all(const std::string& path, const ntm::CorpusOptions& o) {
  auto r = ntm::CorpusReader::open(path, o);
  ntm::Document d;
  while (r->next(d)) {
  }
}

}  // namespace

TEST_CASE("corpus readers refuse a document above --max-doc-bytes, naming file:line", "[unit][reliability]") {
  TempDir dir;
  const std::string big(3000, 'a');
  for (std::string fmt : {"txt", "jsonl", "tsv"}) {
    std::string path = dir / ("c." + fmt);
    {
      std::ofstream out(path, std::ios::binary);
      if (fmt == "tsv") out << "text\tlabel\n";
      for (int i = 0; i < 3; ++i) {
        std::string t = i == 2 ? big : "short text";
        if (fmt == "jsonl") out << "{\"text\": \"" << t << "\"}\n";
        else if (fmt == "tsv") out << t << "\tx\n";
        else out << t << "\n";
      }
    }
    ntm::CorpusOptions o;
    o.max_doc_bytes = 1000;
    std::string err = error_of([&] { read_all(path, o); });
    INFO(fmt << ": " << err);
    CHECK(err.find(path + ":" + (fmt == "tsv" ? "4" : "3") + ": document larger than 1000 bytes") != std::string::npos);
    CHECK(err.find("--max-doc-bytes") != std::string::npos);
    o.max_doc_bytes = 4000;
    CHECK(error_of([&] { read_all(path, o); }).empty());
  }
  ntm::CorpusOptions bad;
  bad.max_doc_bytes = 0;
  CHECK_THROWS_AS(ntm::validate_corpus_options(bad), ntm::Error);
}

TEST_CASE("a 100 MB document is refused by the default 64 MiB limit without reading it all", "[unit][reliability]") {
  TempDir dir;
  std::string path = dir / "huge.txt";
  {
    std::ofstream out(path, std::ios::binary);
    out << "first document\n";
  }
  // A sparse 100 MB line of NUL bytes after the first line: no disk space used.
  REQUIRE(::truncate(path.c_str(), 100LL << 20) == 0);
  std::string err = error_of([&] { read_all(path, ntm::CorpusOptions{}); });
  INFO(err);
  CHECK(err.find(path + ":2: document larger than 67108864 bytes") != std::string::npos);
}

TEST_CASE("a 1 GB tokenizer.json is refused before reading", "[unit][reliability]") {
  TempDir dir;
  std::string path = dir / "tokenizer.json";
  { std::ofstream out(path); }
  REQUIRE(::truncate(path.c_str(), 1LL << 30) == 0);  // sparse
  std::string err = error_of([&] { ntm::text::load_hf_tokenizer_json(path); });
  INFO(err);
  CHECK(err.find("larger than the tokenizer file limit") != std::string::npos);
  CHECK(err.find("NTM_MAX_TOKENIZER_BYTES") != std::string::npos);
  CHECK(ntm::text::max_tokenizer_file_bytes() == (256LL << 20));
}

TEST_CASE("parse_hf_tokenizer_json rejects non-objects with an input error", "[unit][reliability]") {
  CHECK_THROWS_AS(ntm::text::parse_hf_tokenizer_json("[1,2]"), ntm::Error);
  CHECK_THROWS_AS(ntm::text::parse_hf_tokenizer_json("{"), ntm::Error);
  auto t = ntm::text::parse_hf_tokenizer_json(ntm::read_file(source_path("data/tiny-lm/tokenizer.json")));
  CHECK(!t->encode("hello world", false).empty());
}

TEST_CASE("stop flag: throw_if_stop_requested throws Interrupted with exit code 128+signal", "[unit][reliability]") {
  ntm::request_stop(0);
  CHECK_NOTHROW(ntm::throw_if_stop_requested("x"));
  ntm::request_stop(SIGTERM);
  CHECK(ntm::stop_requested());
  try {
    ntm::throw_if_stop_requested("build-labels");
    FAIL("no throw");
  } catch (const ntm::Interrupted& e) {
    CHECK(e.exit_code() == 143);
    CHECK(std::string(e.what()).find("SIGTERM") != std::string::npos);
  }
  ntm::request_stop(0);
}

TEST_CASE("build-labels stops cleanly on SIGTERM/SIGINT and --resume gives the uninterrupted bytes",
          "[e2e][reliability]") {
  TempDir dir;
  write_random_corpus(dir / "c.tsv", 40);
  const std::string common = "build-labels --corpus " + q(dir / "c.tsv") + " --model " + q(source_path("data/tiny-lm")) +
                             " --vocab-size 12 --chunk-size 8 --batch-tokens 300";
  auto full = run_ntm(common + " --out " + q(dir / "full"));
  INFO(full.output);
  REQUIRE(full.exit_code == 0);
  ntm::labels::LabelStoreReader store(dir / "full");
  REQUIRE(store.num_chunks() == 5);
  for (int sig : {SIGTERM, SIGINT}) {
    std::string out = dir / ("sig" + std::to_string(sig));
    // The fault hook raises the signal in-process right after chunk 2 is committed: the real
    // handler runs and the chunk loop must notice it.
    auto stopped = ntm::test::run_command("NTM_FAULT_KILL_AFTER_CHUNKS=2 NTM_FAULT_KILL_SIGNAL=" + std::to_string(sig) +
                                          " " + q(NTM_BINARY) + " " + common + " --out " + q(out));
    INFO(stopped.output);
    CHECK(stopped.exit_code == 128 + sig);
    CHECK(stopped.output.find(sig == SIGTERM ? "stopped by SIGTERM" : "stopped by SIGINT") != std::string::npos);
    CHECK(stopped.output.find("--resume") != std::string::npos);
    auto resumed = run_ntm(common + " --out " + q(out) + " --resume");
    INFO(resumed.output);
    REQUIRE(resumed.exit_code == 0);
    for (size_t i = 0; i < store.num_chunks(); ++i) {
      std::string name = store.chunks()[i].file;
      CHECK(ntm::read_file(out + "/" + name) == ntm::read_file(dir / ("full/" + name)));
    }
  }
}

TEST_CASE("build-labels on a full disk fails with a clear error and resumes to the same bytes", "[e2e][reliability]") {
  TempDir dir;
  write_random_corpus(dir / "c.tsv", 24);
  const std::string common = "build-labels --corpus " + q(dir / "c.tsv") + " --model " + q(source_path("data/tiny-lm")) +
                             " --vocab-size 12 --chunk-size 8 --batch-tokens 300";
  auto full = run_ntm(common + " --out " + q(dir / "full"));
  REQUIRE(full.exit_code == 0);
  // Files may not grow beyond 4 KiB (ulimit -f counts KiB blocks); SIGXFSZ is ignored, so
  // write() fails with EFBIG like on a full disk.
  auto failed = ntm::test::run_command("trap '' XFSZ; ulimit -f 4; " + q(NTM_BINARY) + " " + common + " --out " +
                                       q(dir / "out"));
  INFO(failed.output);
  CHECK(failed.exit_code != 0);
  CHECK(failed.exit_code < 128);  // an error, not a crash
  CHECK(failed.output.find("ntm: error: ") != std::string::npos);
  auto resumed = run_ntm(common + " --out " + q(dir / "out") + " --resume");
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  ntm::labels::LabelStoreReader store(dir / "full");
  for (size_t i = 0; i < store.num_chunks(); ++i) {
    std::string name = store.chunks()[i].file;
    CHECK(ntm::read_file(dir / ("out/" + name)) == ntm::read_file(dir / ("full/" + name)));
  }
}

TEST_CASE("writing commands refuse a non-ntm --out and write nothing outside --out", "[e2e][reliability]") {
  TempDir dir;
  write_random_corpus(dir / "c.tsv", 12);
  const std::string model = q(source_path("data/tiny-lm"));
  const std::string bl = "build-labels --corpus " + q(dir / "c.tsv") + " --model " + model + " --vocab-size 10 --chunk-size 8";
  // A directory with someone else's file is never written into.
  std::filesystem::create_directories(dir / "mine");
  { std::ofstream(dir / "mine/notes.txt") << "keep me"; }
  auto refused = run_ntm(bl + " --out " + q(dir / "mine"));
  CHECK(refused.exit_code == 2);
  CHECK(refused.output.find("was not written by ntm") != std::string::npos);
  auto merge_refused = run_ntm("merge-labels --out " + q(dir / "mine") + " " + q(dir / "nothing"));
  CHECK(merge_refused.exit_code == 2);
  CHECK(ntm::read_file(dir / "mine/notes.txt") == "keep me");
  CHECK(std::distance(std::filesystem::directory_iterator(dir / "mine"), {}) == 1);
  // Successful runs: the parent of --out holds only --out afterwards (no temp files beside it).
  std::filesystem::create_directories(dir / "p1");
  auto ok = run_ntm(bl + " --out " + q(dir / "p1/store"));
  INFO(ok.output);
  REQUIRE(ok.exit_code == 0);
  std::filesystem::create_directories(dir / "p2");
  auto vocab = run_ntm("vocab --corpus " + q(dir / "c.tsv") + " --size 10 --out " + q(dir / "p2/vocab.json"));
  INFO(vocab.output);
  REQUIRE(vocab.exit_code == 0);
  std::filesystem::create_directories(dir / "p3");
  auto merged = run_ntm("merge-labels --out " + q(dir / "p3/m") + " " + q(dir / "p1/store"));
  INFO(merged.output);
  REQUIRE(merged.exit_code == 0);
  for (const char* p : {"p1", "p2", "p3"}) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir / p)) names.push_back(e.path().filename().string());
    INFO(p);
    CHECK(names.size() == 1);
  }
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir.path()))
    CHECK(e.path().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("V = 0 is refused with a clear error (build-labels --vocab-size 0, vocab --size 0)", "[e2e][reliability]") {
  TempDir dir;
  write_random_corpus(dir / "c.tsv", 4);
  auto bl = run_ntm("build-labels --corpus " + q(dir / "c.tsv") + " --model " + q(source_path("data/tiny-lm")) +
                    " --vocab-size 0 --out " + q(dir / "o"));
  CHECK(bl.exit_code == 2);
  CHECK(bl.output.find("--vocab-size must be > 0") != std::string::npos);
  auto v = run_ntm("vocab --corpus " + q(dir / "c.tsv") + " --size 0 --out " + q(dir / "v.json"));
  CHECK(v.exit_code == 2);
  CHECK(v.output.find("--size must be at least 1") != std::string::npos);
  CHECK(!std::filesystem::exists(dir / "o"));
  CHECK(!std::filesystem::exists(dir / "v.json"));
}
