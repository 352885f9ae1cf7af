// Runs the ntm binary: global flags, exit codes, error lines.
#include "catch.h"
#include "skip.h"
#include "test_util.h"

using ntm::test::run_ntm;

TEST_CASE("ntm --version names ntm and libtorch", "[e2e][cli]") {
  auto r = run_ntm("--version");
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("ntm 0.") != std::string::npos);
  CHECK(r.output.find("libtorch") != std::string::npos);
  // whether CUDA is compiled in, and whether a GPU is usable, is always said
  CHECK((r.output.find("CPU only: CUDA not compiled in") != std::string::npos ||
         r.output.find("CUDA compiled in;") != std::string::npos));
}

TEST_CASE("ntm --help lists every subcommand", "[e2e][cli]") {
  auto r = run_ntm("--help");
  CHECK(r.exit_code == 0);
  for (const char* c : {"vocab", "build-labels", "train", "eval"}) CHECK(r.output.find(c) != std::string::npos);
}

TEST_CASE("usage errors exit 2 with one line", "[e2e][cli]") {
  auto r = run_ntm("no-such-command");
  CHECK(r.exit_code == 2);
  auto d = run_ntm("--device cuda:0 vocab --help");  // --help wins before the device is resolved
  CHECK(d.exit_code == 0);
}

TEST_CASE("explicit device cuda on a CPU-only libtorch is a clear error", "[e2e][cli]") {
  auto r = run_ntm("--device cuda vocab");
  if (r.output.find("CPU only") == std::string::npos && r.exit_code != 2) NTM_SKIP("a CUDA device is usable here");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("--device cuda") != std::string::npos);
  auto bad = run_ntm("--device tpu vocab");
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("unknown device 'tpu'") != std::string::npos);
}

TEST_CASE("tensor commands run with passive OpenMP waiting unless the user chose a policy", "[e2e][cli]") {
  // libgomp prints its settings with OMP_DISPLAY_ENV=verbose; GOMP_SPINCOUNT 0 = passive waiting.
  const std::string bin = std::string("'") + NTM_BINARY + "'";
  auto train = ntm::test::run_command("env -u OMP_WAIT_POLICY OMP_DISPLAY_ENV=verbose " + bin + " train --help");
  if (train.output.find("OPENMP DISPLAY ENVIRONMENT") == std::string::npos) NTM_SKIP("this libtorch does not use libgomp");
  CHECK(train.exit_code == 0);
  CHECK(train.output.find("GOMP_SPINCOUNT = '0'") != std::string::npos);
  auto user = ntm::test::run_command("OMP_WAIT_POLICY=active OMP_DISPLAY_ENV=verbose " + bin + " train --help");
  CHECK(user.output.find("OMP_WAIT_POLICY = 'ACTIVE'") != std::string::npos);
  CHECK(user.output.find("GOMP_SPINCOUNT = '0'") == std::string::npos);
  // Short commands do not pay for the re-exec.
  auto version = ntm::test::run_command("env -u OMP_WAIT_POLICY OMP_DISPLAY_ENV=verbose " + bin + " --version");
  CHECK(version.exit_code == 0);
  CHECK(version.output.find("GOMP_SPINCOUNT = '0'") == std::string::npos);
}
