// A peer run directory (scripts/peers/*.py, issue 19) is read by ntm eval and shown by ntm compare
// beside an ntm model, like a run of ntm train. Needs the peers' venv (scripts/setup-peers.sh).
#include <filesystem>
#include <fstream>

#include "catch.h"
#include "skip.h"
#include "test_util.h"

using ntm::test::q;
using ntm::test::run_command;
using ntm::test::run_ntm;
using ntm::test::TempDir;

TEST_CASE("a peer run (tomotopy LDA) is accepted by ntm eval and listed by ntm compare", "[e2e][eval][peers]") {
  const char* env = std::getenv("NTM_PEERS_PYTHON");
  const std::string py = env && *env ? env : ntm::test::source_path(".venv-peers/bin/python");
  if (!std::filesystem::exists(py)) NTM_SKIP(py << " not found (run scripts/setup-peers.sh, or set NTM_PEERS_PYTHON)");
  if (run_command(q(py) + " -c 'import tomotopy, safetensors'").exit_code != 0)
    NTM_SKIP(py << " cannot import tomotopy and safetensors (run scripts/setup-peers.sh)");
  TempDir tmp;
  const std::string docs[] = {"the team won the game and the season, coach players league fans stadium\tsport",
                               "the market and the bank and the money rate stocks trader profit loss shares\tfinance"};
  std::ofstream(tmp / "c.tsv") << "text\tlabel\n";
  for (int i = 0; i < 12; ++i) std::ofstream(tmp / "c.tsv", std::ios::app) << docs[i % 2] << "\n";
  auto b = run_ntm("--log-level warn build-labels --corpus " + q(tmp / "c.tsv") + " --model " +
                   q(ntm::test::source_path("data/tiny-lm")) + " --vocab-size 16 --out " + q(tmp / "labels"));
  INFO(b.output);
  REQUIRE(b.exit_code == 0);
  auto p = run_command(q(py) + " " + q(ntm::test::source_path("scripts/peers/lda_tomotopy.py")) + " --labels " +
                       q(tmp / "labels") + " --out " + q(tmp / "peer") +
                       " --num-topics 2 --seeds 0,1 --iterations 50 --top-n 5");
  INFO(p.output);
  REQUIRE(p.exit_code == 0);
  auto t = run_ntm("--log-level warn train --model lda --labels " + q(tmp / "labels") + " --out " + q(tmp / "ntm") +
                   " --num-topics 2 --seeds 0 --iterations 50");
  INFO(t.output);
  REQUIRE(t.exit_code == 0);
  for (const char* run : {"peer", "ntm"}) {
    auto e = run_ntm("--log-level warn eval --run " + q(tmp / run) + " --corpus " + q(tmp / "c.tsv") +
                     " --top-n 5 --out " + q(tmp / (std::string("eval-") + run)));
    INFO(e.output);
    REQUIRE(e.exit_code == 0);
  }
  std::ifstream m(tmp / "eval-peer/metrics.json");
  std::string metrics((std::istreambuf_iterator<char>(m)), std::istreambuf_iterator<char>());
  CHECK(metrics.find("\"model\": \"tomotopy-lda\"") != std::string::npos);
  CHECK(metrics.find("\"purity\"") != std::string::npos);  // theta and gold labels were read
  CHECK(metrics.find("\"n\": 2") != std::string::npos);      // both seeds
  auto c = run_ntm("--log-level warn compare " + q(tmp / "eval-ntm") + " " + q(tmp / "eval-peer") +
                   " --metrics c_npmi,topic_diversity,purity");
  INFO(c.output);
  REQUIRE(c.exit_code == 0);
  CHECK(c.output.find("(tomotopy-lda)") != std::string::npos);
  CHECK(c.output.find("(lda)") != std::string::npos);
}
