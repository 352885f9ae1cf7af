// Ctrl-C in long commands (issue 24 item 9): build-labels stops between two LM batches, not
// only at the end of a chunk, and exits 128 + signal even in the last chunk; an interrupted LDA
// run says what --resume will do, and --resume skips its finished seeds.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>

#include "catch.h"
#include "ntm/labels/label_store.h"
#include "ntm/util/fs.h"
#include "test_util.h"
#include "unit/label_store_test_util.h"

using ntm::test::q;
using ntm::test::run_ntm;
using ntm::test::source_path;
using ntm::test::TempDir;

namespace {

void write_corpus(const std::string& path, int n) {
  const char* words[] = {"market", "prices", "rose", "bank", "rates", "game", "team", "won", "season", "coach"};
  std::ofstream out(path, std::ios::binary);
  out << "text\tlabel\n";
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < 6; ++j) out << (j ? " " : "") << words[(i * 7 + j * 3) % 10];
    out << "\tx\n";
  }
}

}  // namespace

TEST_CASE("build-labels stops on SIGINT in the middle of its only chunk, exits 130 and resumes", "[e2e][reliability]") {
  TempDir dir;
  write_corpus(dir / "c.tsv", 24);
  // One chunk of 24 documents, one document per LM batch; the process raises SIGINT on itself
  // after its 3rd LM batch (test hook), through the real handler, at the same point however
  // loaded the machine is (a kill from outside after a sleep was not: the chunk could end first).
  const std::string common = "build-labels --corpus " + q(dir / "c.tsv") + " --model " + q(source_path("data/tiny-lm")) +
                             " --vocab-size 8 --chunk-size 64 --batch-tokens 1";
  const std::string out = dir / "stopped";
  auto stopped = ntm::test::run_command("NTM_FAULT_SIGINT_AFTER_LM_BATCHES=3 " + q(NTM_BINARY) + " " + common +
                                        " --out " + q(out) + " 2>&1; echo \"exit=$?\"");
  INFO(stopped.output);
  CHECK(stopped.output.find("exit=130") != std::string::npos);
  CHECK(stopped.output.find("stopped by SIGINT") != std::string::npos);
  CHECK(stopped.output.find("after 0 documents") != std::string::npos);
  auto resumed = run_ntm(common + " --out " + q(out) + " --resume");
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  auto full = run_ntm(common + " --out " + q(dir / "full"));
  REQUIRE(full.exit_code == 0);
  ntm::labels::LabelStoreReader a(out), b(dir / "full");
  REQUIRE(a.num_chunks() == b.num_chunks());
  for (size_t i = 0; i < a.num_chunks(); ++i)
    CHECK(ntm::read_file(out + "/" + a.chunks()[i].file) == ntm::read_file(dir / ("full/" + b.chunks()[i].file)));
}

TEST_CASE("an interrupted LDA run names the seed and --resume skips the finished ones", "[e2e][reliability]") {
  TempDir dir;
  ntm::test::store::write_store(dir / "store", {24, 16});
  const std::string common = "train --model lda --labels " + q(dir / "store") + " --out " + q(dir / "run") +
                             " --device cpu --threads 1 --num-topics 3 --top-n 4 --seeds 0,1 --iterations 40";
  // 40 sweeps of 50 ms per seed (test hook): SIGINT once seed 0 is written, during seed 1.
  const std::string done = dir / "run/seed-0/meta.json";
  auto stopped = ntm::test::run_command(
      "NTM_FAULT_SWEEP_DELAY_MS=50 " + q(NTM_BINARY) + " " + common + " & pid=$!; for i in $(seq 1000); do [ -f " +
      q(done) + " ] && break; sleep 0.01; done; sleep 0.3; kill -INT $pid; wait $pid; echo \"exit=$?\"");
  INFO(stopped.output);
  CHECK(stopped.output.find("exit=130") != std::string::npos);
  CHECK(stopped.output.find("stopped by SIGINT in seed 1 at Gibbs sweep") != std::string::npos);
  CHECK(stopped.output.find("this seed starts over on --resume") != std::string::npos);
  const std::string before = ntm::read_file(dir / "run/seed-0/topics.json");
  auto resumed = run_ntm(common + " --resume");
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  CHECK(resumed.output.find("seed 0: already complete") != std::string::npos);
  CHECK(resumed.output.find("seed 1: wrote") != std::string::npos);
  CHECK(ntm::read_file(dir / "run/seed-0/topics.json") == before);
}
