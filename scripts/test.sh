#!/usr/bin/env bash
# Command two: builds ntm if needed (running scripts/setup.sh on a fresh machine) and runs the
# whole test suite through ctest. Extra arguments go to ctest (e.g. -R tokenizer, -L golden).
# At the end it lists the test cases that were SKIPPED (they are not passed).
#   NTM_TOOLCHAIN=torch scripts/test.sh   the same against build-torch/ (scripts/setup-torch.sh)
#   NTM_FAIL_ON_SKIP=1                    exit 1 when a case other than a [cuda] one skipped (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ${NTM_TOOLCHAIN:-debian} == torch ]]; then
  BUILD_DIR=${NTM_BUILD_DIR:-build-torch}
  NTM_BUILD_DIR=$BUILD_DIR scripts/setup-torch.sh
else
  BUILD_DIR=${NTM_BUILD_DIR:-build}
  if [[ ! -f "$BUILD_DIR/build.ninja" ]] || ! command -v cmake >/dev/null; then
    NTM_BUILD_DIR=$BUILD_DIR scripts/setup.sh
  else
    # An existing build: make sure the packages are still there, then rebuild what is stale.
    NTM_BUILD_DIR=$BUILD_DIR NTM_SKIP_APT=${NTM_SKIP_APT:-0} scripts/setup.sh
  fi
fi
# Real corpora for the tests that use them (skipped when absent).
if [[ -z "${NTM_DATA_DIR:-}" && -d ../shared/data ]]; then export NTM_DATA_DIR=$(cd ../shared/data && pwd); fi
scripts/fetch-test-assets.sh
LOG=$BUILD_DIR/ctest-last.log
set +e
(cd "$BUILD_DIR" && ctest --output-on-failure -j "${NTM_TEST_JOBS:-$(nproc)}" "$@") 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e
# ctest ends with "The following tests did not run:" then "  12 - <test case> (Skipped)" lines.
mapfile -t skipped < <(sed -n 's/^[[:space:]]*[0-9]\+ - \(.*\) (Skipped)$/\1/p' "$LOG")
mapfile -t cuda_cases < <("$BUILD_DIR/tests/ntm_tests" "[cuda]" --list-test-names-only 2>/dev/null | sed '/^$/d')
bad=0
echo "test.sh: $BUILD_DIR: ${#skipped[@]} test case(s) SKIPPED (not passed)"
for name in "${skipped[@]}"; do
  kind="NOT ALLOWED: needs only files in shared/ or PyPI"
  for c in "${cuda_cases[@]}"; do [[ $c == "$name" ]] && kind="[cuda]: no usable GPU here"; done
  [[ $kind == NOT* ]] && bad=$((bad + 1))
  echo "  SKIPPED $name  ($kind)"
done
if [[ $rc != 0 ]]; then exit "$rc"; fi
if [[ ${NTM_FAIL_ON_SKIP:-0} == 1 && $bad -gt 0 ]]; then
  echo "test.sh: $bad skipped case(s) are not [cuda] cases: the suite is not complete (NTM_FAIL_ON_SKIP=1)" >&2
  exit 1
fi
