// Seams between commands (issues 21 and 24): no command writes into another's output or over its
// own input, --resume never mixes configurations, eval/infer check what they are given against
// what the run was built from, compare never mixes settings. Each case failed (exit 0 with a
// wrong or destroyed result) before output ownership and identity checks existed.
#include <filesystem>
#include <fstream>
#include <string>

#include "catch.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "test_util.h"

using ntm::test::q;
using ntm::test::run_ntm;
using ntm::test::source_path;
using ntm::test::TempDir;
using ntm::test::write_random_corpus;

namespace {

// A corpus, its label store and a trained run, as a user builds them.
struct Pipeline {
  TempDir dir;
  std::string lm = source_path("data/tiny-lm");
  std::string build_labels(const std::string& out, const std::string& extra = "") const {
    return "build-labels --corpus " + q(dir / "c.tsv") + " --model " + q(lm) + " --vocab-size 10 --chunk-size 8 " +
           "--device cpu --threads 1 --out " + q(out) + " " + extra;
  }
  std::string train(const std::string& out, const std::string& extra = "") const {
    return "train --config " + q(source_path("configs/tiny.json")) + " --labels " + q(dir / "labels") + " --out " +
           q(out) + " --device cpu --threads 1 " + extra;
  }
  Pipeline() {
    write_random_corpus(dir / "c.tsv", 40, 7, /*two_labels=*/true);
    auto b = run_ntm(build_labels(dir / "labels"));
    INFO(b.output);
    REQUIRE(b.exit_code == 0);
    auto t = run_ntm(train(dir / "run"));
    INFO(t.output);
    REQUIRE(t.exit_code == 0);
  }
};

void expect_refused(const ntm::test::RunResult& r, const std::string& text) {
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find(text) != std::string::npos);
}

}  // namespace

TEST_CASE("no command writes into another command's output directory", "[e2e][seams]") {
  Pipeline p;
  const std::string labels = p.dir / "labels", run = p.dir / "run", ev = p.dir / "ev";
  const std::string meta_before = ntm::read_file(labels + "/meta.json");
  expect_refused(run_ntm(p.train(labels)), "holds a label store");
  CHECK(ntm::read_file(labels + "/meta.json") == meta_before);
  CHECK(run_ntm("check-labels " + q(labels)).exit_code == 0);

  expect_refused(run_ntm("eval --top-n 5 --run " + q(run) + " --out " + q(run)), "holds a training run (ntm train)");
  expect_refused(run_ntm("eval --top-n 5 --run " + q(run) + " --out " + q(labels)), "holds a label store");
  expect_refused(run_ntm(p.build_labels(run)), "holds a training run");
  expect_refused(run_ntm("merge-labels --out " + q(run) + " " + q(labels)), "holds a training run");
  expect_refused(run_ntm(p.train(run + "/seed-0")), "holds one seed of a training run");
  auto e = run_ntm("eval --top-n 5 --run " + q(run) + " --out " + q(ev));
  INFO(e.output);
  REQUIRE(e.exit_code == 0);  // the run is still a run
  expect_refused(run_ntm(p.train(ev)), "holds an evaluation (ntm eval)");
  expect_refused(run_ntm(p.build_labels(ev)), "holds an evaluation");

  // Its own kind: only with the documented flag.
  expect_refused(run_ntm("eval --top-n 5 --run " + q(run) + " --out " + q(ev)), "pass --force");
  CHECK(run_ntm("eval --top-n 5 --run " + q(run) + " --out " + q(ev) + " --force").exit_code == 0);
  expect_refused(run_ntm(p.train(run)), "pass --resume to continue it, --force to retrain it");
  CHECK(run_ntm(p.train(run, "--force")).exit_code == 0);
  expect_refused(run_ntm(p.build_labels(labels)), "pass --resume");

  // The eval directory is an artifact like the others.
  auto meta = ntm::load_json_file(ev + "/meta.json");
  CHECK(meta["format"] == "ntm-eval");
  CHECK(meta["format_version"] == 1);
  CHECK(meta["config"]["top_n"].is_number());
  CHECK(meta["inputs"]["run_meta"].get<std::string>().size() == 64);
}

TEST_CASE("a second writer on one output directory is refused while the first holds it", "[e2e][seams]") {
  Pipeline p;
  // flock(1) holds the directory's lock, as a running ntm train would.
  auto r = ntm::test::run_command("flock -n " + q(p.dir / "run") + " " + q(NTM_BINARY) + " " +
                                  p.train(p.dir / "run", "--resume"));
  expect_refused(r, "another ntm process is writing this directory");
  CHECK(run_ntm(p.train(p.dir / "run", "--resume")).exit_code == 0);  // released with its holder
}

TEST_CASE("train --resume compares the configuration and label store with the run's meta.json", "[e2e][seams]") {
  Pipeline p;
  const std::string run = p.dir / "run";
  const std::string topics = ntm::read_file(run + "/seed-0/topics.json");
  auto r = run_ntm(p.train(run, "--resume --num-topics 7"));
  expect_refused(r, "config.num_topics is 3 in the run, 7 now");
  CHECK(ntm::load_json_file(run + "/meta.json")["config"]["num_topics"] == 3);
  CHECK(ntm::read_file(run + "/seed-0/topics.json") == topics);
  auto same = run_ntm(p.train(run, "--resume"));
  INFO(same.output);
  CHECK(same.exit_code == 0);
  CHECK(same.output.find("already complete") != std::string::npos);
  CHECK(run_ntm(p.train(run, "--resume --force")).exit_code == 2);

  // LDA's finished seeds are skipped like the others.
  const std::string lda = "--model lda --iterations 5 --num-topics 3";
  REQUIRE(run_ntm(p.train(p.dir / "lda", lda)).exit_code == 0);
  auto again = run_ntm(p.train(p.dir / "lda", lda + " --resume"));
  INFO(again.output);
  CHECK(again.exit_code == 0);
  CHECK(again.output.find("seed 0: already complete") != std::string::npos);
  expect_refused(run_ntm(p.train(p.dir / "lda", "--model lda --iterations 9 --num-topics 3 --resume")),
                 "config.iterations is 5 in the run, 9 now");
}

TEST_CASE("file outputs never overwrite their input or a file ntm did not write", "[e2e][seams]") {
  TempDir dir;
  write_random_corpus(dir / "my.tsv", 20, 7, /*two_labels=*/true);
  const std::string corpus = ntm::read_file(dir / "my.tsv");
  expect_refused(run_ntm("vocab --corpus " + q(dir / "my.tsv") + " --size 5 --out " + q(dir / "my.tsv")),
                 "is also the input --corpus");
  CHECK(ntm::read_file(dir / "my.tsv") == corpus);
  { std::ofstream(dir / "notes.tsv") << "my notes\n"; }
  expect_refused(run_ntm("vocab --corpus " + q(dir / "my.tsv") + " --size 5 --out " + q(dir / "notes.tsv")),
                 "a file ntm did not write");
  CHECK(ntm::read_file(dir / "notes.tsv") == "my notes\n");
  REQUIRE(run_ntm("vocab --corpus " + q(dir / "my.tsv") + " --size 5 --out " + q(dir / "v.json")).exit_code == 0);
  CHECK(run_ntm("vocab --corpus " + q(dir / "my.tsv") + " --size 6 --out " + q(dir / "v.json")).exit_code == 0);
  CHECK(run_ntm("vocab --corpus " + q(dir / "my.tsv") + " --size 5 --out " + q(dir / "notes.tsv") + " --force")
            .exit_code == 0);
}

TEST_CASE("eval and infer check the corpus, labels file, LM, prompt and hidden dtype against the run",
          "[e2e][seams]") {
  Pipeline p;
  const std::string run = p.dir / "run";
  write_random_corpus(p.dir / "other.tsv", 30, 99, /*two_labels=*/true);
  expect_refused(run_ntm("eval --top-n 5 --run " + q(run) + " --corpus " + q(p.dir / "other.tsv") + " --out " + q(p.dir / "e1")),
                 "corpus differs");
  expect_refused(run_ntm("eval --top-n 5 --run " + q(run) + " --corpus " + q(p.dir / "other.tsv") +
                         " --allow-mismatch corpus --out " + q(p.dir / "e1")),
                 "rows differs: --corpus");
  CHECK_FALSE(ntm::path_exists(p.dir / "e1"));
  {
    std::ofstream f(p.dir / "labels.txt");
    for (int i = 0; i < 2500; ++i) f << "x\n";
  }
  expect_refused(run_ntm("eval --top-n 5 --run " + q(run) + " --labels-file " + q(p.dir / "labels.txt") + " --out " +
                         q(p.dir / "e2")),
                 "labels_file differs: --labels-file");
  auto ok = run_ntm("eval --top-n 5 --run " + q(run) + " --corpus " + q(p.dir / "c.tsv") + " --out " + q(p.dir / "e3"));
  INFO(ok.output);
  CHECK(ok.exit_code == 0);

  // infer: a store from another prompt or hidden dtype, and a file it did not write.
  const std::string infer = "infer --device cpu --run " + q(run + "/seed-0") + " --out " + q(p.dir / "t.safetensors");
  REQUIRE(run_ntm(p.build_labels(p.dir / "l-v1", "--prompt variant1")).exit_code == 0);
  expect_refused(run_ntm(infer + " --labels " + q(p.dir / "l-v1")), "prompt differs: prompt.");
  CHECK(run_ntm(infer + " --labels " + q(p.dir / "l-v1") + " --allow-mismatch prompt").exit_code == 0);
  REQUIRE(run_ntm(p.build_labels(p.dir / "l-bf", "--hidden-dtype bfloat16")).exit_code == 0);
  expect_refused(run_ntm(infer + " --labels " + q(p.dir / "l-bf")), "hidden_dtype differs");
  { std::ofstream(p.dir / "notes.tsv") << "mine\n"; }
  expect_refused(run_ntm("infer --device cpu --run " + q(run + "/seed-0") + " --labels " + q(p.dir / "labels") +
                         " --out " + q(p.dir / "notes.tsv")),
                 "a file ntm did not write");
  CHECK(ntm::read_file(p.dir / "notes.tsv") == "mine\n");
}

TEST_CASE("the LM is identified by content: path spellings resume and merge", "[e2e][seams]") {
  TempDir dir;
  write_random_corpus(dir / "c.tsv", 24, 7, /*two_labels=*/true);
  const std::string common = "build-labels --corpus " + q(dir / "c.tsv") + " --vocab-size 10 --chunk-size 8 --device cpu";
  const std::string lm = source_path("data/tiny-lm");
  REQUIRE(run_ntm(common + " --model " + q(lm) + " --shard 0/2 --out " + q(dir / "s0")).exit_code == 0);
  REQUIRE(run_ntm(common + " --model " + q(lm + "/") + " --shard 1/2 --out " + q(dir / "s1")).exit_code == 0);
  auto merged = run_ntm("merge-labels --out " + q(dir / "m") + " " + q(dir / "s0") + " " + q(dir / "s1"));
  INFO(merged.output);
  CHECK(merged.exit_code == 0);
  auto resumed = run_ntm(common + " --model " + q(source_path("data/../data/tiny-lm")) + " --shard 0/2 --resume --out " +
                         q(dir / "s0"));
  INFO(resumed.output);
  CHECK(resumed.exit_code == 0);
}

TEST_CASE("compare refuses metrics computed with different settings unless --allow-mixed", "[e2e][seams]") {
  Pipeline p;
  const std::string run = q(p.dir / "run");
  REQUIRE(run_ntm("eval --run " + run + " --top-n 4 --metrics diversity --out " + q(p.dir / "a")).exit_code == 0);
  REQUIRE(run_ntm("eval --run " + run + " --top-n 3 --metrics diversity --out " + q(p.dir / "b")).exit_code == 0);
  expect_refused(run_ntm("compare " + q(p.dir / "a") + " " + q(p.dir / "b")), "top_n is 4 in");
  auto mixed = run_ntm("compare --allow-mixed " + q(p.dir / "a") + " " + q(p.dir / "b"));
  INFO(mixed.output);
  CHECK(mixed.exit_code == 0);
  CHECK(mixed.output.find("*") != std::string::npos);
}
