// Output ownership (ntm/util/output.h) and identity comparison (ntm/util/artifact.h).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>

#include "catch.h"
#include "ntm/error.h"
#include "ntm/util/artifact.h"
#include "ntm/util/fs.h"
#include "ntm/util/output.h"
#include "test_util.h"

using nlohmann::json;
using ntm::test::TempDir;

namespace {

using ntm::test::error_of;

void write_meta_file(const std::string& dir, const std::string& format) {
  ntm::make_dirs(dir);
  // As ntm writes it: keys sorted, so "format" is not the first key.
  ntm::write_file_atomic(dir + "/meta.json",
                         json{{"chunks", json::array()}, {"format", format}, {"format_version", 1}}.dump(1));
}

}  // namespace

TEST_CASE("claim_output_dir: other commands' and foreign directories are refused, own kind only when allowed",
          "[unit][output]") {
  TempDir tmp;
  ntm::make_dirs(tmp / "foreign");
  std::ofstream(tmp / "foreign/precious.txt") << "x";
  CHECK_THAT(error_of([&] { ntm::claim_output_dir(tmp / "foreign", "ntm-eval", true, ""); }),
             Catch::Contains("holds precious.txt") && Catch::Contains("was not written by ntm"));
  write_meta_file(tmp / "labels", "ntm-label-store");
  CHECK_THAT(error_of([&] { ntm::claim_output_dir(tmp / "labels", "ntm-run-set", true, ""); }),
             Catch::Contains("holds a label store") && Catch::Contains("not a training run (ntm train)"));
  write_meta_file(tmp / "eval", "ntm-eval");
  CHECK_THAT(error_of([&] { ntm::claim_output_dir(tmp / "eval", "ntm-eval", false, "pass --force"); }),
             Catch::Contains("already holds an evaluation (ntm eval); pass --force"));
  CHECK_NOTHROW(ntm::claim_output_dir(tmp / "eval", "ntm-eval", true, ""));
  CHECK_NOTHROW(ntm::claim_output_dir(tmp / "new/nested", "ntm-eval", false, ""));
  CHECK(ntm::is_directory(tmp / "new/nested"));
  std::ofstream(tmp / "file") << "x";
  CHECK_THAT(error_of([&] { ntm::claim_output_dir(tmp / "file", "ntm-eval", true, ""); }),
             Catch::Contains("is not a directory"));
}

TEST_CASE("output lock: a second writer is refused; the lock goes with its holder, even on SIGKILL",
          "[unit][output]") {
  TempDir tmp;
  {
    auto lock = ntm::claim_output_dir(tmp / "run", "ntm-run-set", true, "");
    CHECK(lock.held());
    CHECK_THAT(error_of([&] { ntm::claim_output_dir(tmp / "run", "ntm-run-set", true, ""); }),
               Catch::Contains("another ntm process is writing this directory"));
  }
  CHECK_NOTHROW(ntm::claim_output_dir(tmp / "run", "ntm-run-set", true, ""));
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    auto lock = ntm::lock_output_dir(tmp / "run");
    char c = 'x';
    if (::write(ready[1], &c, 1) != 1) ::_exit(1);
    ::pause();
    ::_exit(0);
  }
  char c;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  CHECK_THROWS_AS(ntm::lock_output_dir(tmp / "run"), ntm::Error);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  CHECK_NOTHROW(ntm::lock_output_dir(tmp / "run"));
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST_CASE("check_output_file: never an input, never a file ntm did not write unless --force", "[unit][output]") {
  TempDir tmp;
  std::ofstream(tmp / "corpus.tsv") << "text\tlabel\nhello\ta\n";
  CHECK_THAT(error_of([&] { ntm::check_output_file(tmp / "corpus.tsv", "ntm-vocab", {{"--corpus", tmp / "corpus.tsv"}}, true); }),
             Catch::Contains("is also the input --corpus"));
  CHECK_THAT(error_of([&] { ntm::check_output_file(tmp / "./corpus.tsv", "ntm-vocab", {{"--corpus", tmp / "corpus.tsv"}}, false); }),
             Catch::Contains("is also the input --corpus"));
  std::ofstream(tmp / "notes.tsv") << "mine\n";
  CHECK_THAT(error_of([&] { ntm::check_output_file(tmp / "notes.tsv", "ntm-theta", {}, false); }),
             Catch::Contains("a file ntm did not write") && Catch::Contains("--force"));
  CHECK_NOTHROW(ntm::check_output_file(tmp / "notes.tsv", "ntm-theta", {}, true));
  ntm::write_file_atomic(tmp / "v.json", json{{"config", {{"size", 1}}}, {"format", "ntm-vocab"}, {"words", {"a"}}}.dump(1));
  std::ofstream(tmp / "c.jsonl") << "{\"format\": \"ntm-vocab\", \"text\": \"a\"}\n{\"text\": \"b\"}\n";
  CHECK(ntm::file_format(tmp / "c.jsonl").empty());  // a JSONL corpus is no ntm file
  CHECK(ntm::file_format(tmp / "v.json") == "ntm-vocab");
  CHECK_NOTHROW(ntm::check_output_file(tmp / "v.json", "ntm-vocab", {}, false));
  CHECK_THAT(error_of([&] { ntm::check_output_file(tmp / "v.json", "ntm-theta", {}, false); }),
             Catch::Contains("holds a vocabulary (ntm vocab)"));
  write_meta_file(tmp / "run", "ntm-run");
  CHECK_THAT(error_of([&] { ntm::check_output_file(tmp / "run/theta2.safetensors", "ntm-theta", {}, false); }),
             Catch::Contains("holds one seed of a training run"));
  CHECK_THAT(error_of([&] { ntm::check_output_file(tmp.path(), "ntm-theta", {}, true); }),
             Catch::Contains("is a directory"));
}

TEST_CASE("first_difference and identity_difference name the differing key; locations do not count",
          "[unit][output]") {
  json a = {{"config", {{"num_topics", 5}, {"lr", 0.002}}}, {"labels", {{"vocab_hash", "x"}}}};
  json b = a;
  CHECK(ntm::first_difference(a, b).empty());
  b["config"]["num_topics"] = 7;
  CHECK(ntm::first_difference(a, b) == "config.num_topics");
  CHECK_THAT(ntm::describe_difference(a, b, "config.num_topics", "the run"),
             Catch::Equals("config.num_topics is 5 in the run, 7 now"));
  json older = {{"config", {{"lr", 0.002}}}};  // keys one side never recorded are not compared
  CHECK(ntm::first_difference(older, a).empty());
  json lm1 = {{"path", "tiny-lm"}, {"config", {{"file", "tiny-lm/config.json"}, {"sha256", "c1"}}}, {"model_type", "llama"}};
  json lm2 = lm1;
  lm2["path"] = "/abs/tiny-lm/";
  lm2["config"]["file"] = "/abs/tiny-lm/config.json";
  CHECK(ntm::identity_difference(lm1, lm2).empty());
  lm2["config"]["sha256"] = "c2";
  CHECK(ntm::identity_difference(lm1, lm2) == "config.sha256");
  lm1["sha256"] = "w1";
  lm2["sha256"] = "w1";
  CHECK(ntm::identity_difference(lm1, lm2).empty());  // the content hash decides when both have one
  lm2["sha256"] = "w2";
  CHECK(ntm::identity_difference(lm1, lm2) == "config.sha256");
}
