#!/usr/bin/env bash
# Command two: builds ntm if needed (running scripts/setup.sh on a fresh machine) and runs the
# whole test suite through ctest. Extra arguments go to ctest (e.g. -R tokenizer, -L golden).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${NTM_BUILD_DIR:-build}
if [[ ! -f "$BUILD_DIR/build.ninja" ]] || ! command -v cmake >/dev/null; then
  scripts/setup.sh
else
  # An existing build: make sure the packages are still there, then rebuild what is stale.
  NTM_SKIP_APT=${NTM_SKIP_APT:-0} scripts/setup.sh
fi
# Real corpora for the tests that use them (skipped with a message when absent).
if [[ -z "${NTM_DATA_DIR:-}" && -d ../shared/data ]]; then export NTM_DATA_DIR=$(cd ../shared/data && pwd); fi
if [[ -x scripts/fetch-test-assets.sh ]]; then scripts/fetch-test-assets.sh; fi
cd "$BUILD_DIR"
ctest --output-on-failure -j "${NTM_TEST_JOBS:-$(nproc)}" "$@"
