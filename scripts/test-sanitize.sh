#!/usr/bin/env bash
# Builds ntm and its tests with ASan + UBSan (gcc, -DNTM_SANITIZE=ON) in build-asan/ and runs the
# whole ctest suite under them. libtorch and OpenBLAS are not instrumented: the options below keep
# ASan from tripping over them (ODR checks across the uninstrumented .so, allocator mismatches
# inside libtorch), and scripts/sanitizers/*.supp suppress leaks/vptr reports from inside those
# libraries only. Any report from ntm code fails the run (halt_on_error, UBSan aborts).
#   scripts/test-sanitize.sh [ctest -R pattern] [jobs]
set -euo pipefail
cd "$(dirname "$0")/.."
PATTERN=${1:-}
JOBS=${2:-2}
if [[ ! -f build-asan/build.ninja ]]; then
  cmake -S . -B build-asan -G Ninja -DNTM_SANITIZE=ON -DNTM_PCH=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build build-asan -j "$JOBS" --target ntm_tests ntm
supp=$PWD/scripts/sanitizers
export ASAN_OPTIONS="detect_odr_violation=0:alloc_dealloc_mismatch=0:detect_leaks=1:halt_on_error=1:abort_on_error=0:strict_string_checks=0:detect_stack_use_after_return=0"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="suppressions=$supp/ubsan.supp:print_stacktrace=1:halt_on_error=1"
# Leaks are checked at process exit; libtorch thread pools need a single intra-op thread to keep
# run time sane under ASan.
export OMP_NUM_THREADS=1
cd build-asan
args=(--output-on-failure --timeout 600 -j 1)
[[ -n "$PATTERN" ]] && args+=(-R "$PATTERN")
ctest "${args[@]}"
