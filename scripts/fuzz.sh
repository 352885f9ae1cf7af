#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan+UBSan) into build-fuzz/ and runs each for SECONDS
# (default 60), seeded from the real fixtures. Crashers land in build-fuzz/crashes/<harness>/.
#   scripts/fuzz.sh [SECONDS] [harness-name-filter]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
FILTER=${2:-}
if ! command -v clang++ >/dev/null || ! dpkg -s libclang-rt-14-dev >/dev/null 2>&1; then
  echo "fuzz: installing clang and libclang-rt-14-dev"; apt-get update -qq && apt-get install -y -qq clang libclang-rt-14-dev
fi
if [[ ! -f build-fuzz/build.ninja ]]; then
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DNTM_FUZZ=ON -DNTM_BUILD_TESTS=OFF -DNTM_PCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build build-fuzz -j "$(nproc)"
seed_dir() {  # harness -> directory of seed inputs
  local d=build-fuzz/seeds/$1; mkdir -p "$d"
  case $1 in
    fuzz_safetensors) find tests/fixtures -name '*.safetensors' -size -200k -exec cp {} "$d/" \; ;;
    fuzz_config) cp configs/*.json "$d/" 2>/dev/null || true; find tests/fixtures -name 'config.json' | head -5 | while read -r f; do cp "$f" "$d/$(echo "$f" | tr / _)"; done ;;
    fuzz_tokenizer) find tests/fixtures -name 'tokenizer.json' -exec cp {} "$d/" \; ;;
    fuzz_corpus) cp tests/fixtures/corpora/* "$d/" 2>/dev/null || true ;;
    *) find tests/fixtures -name '*.json' -size -64k | head -20 | while read -r f; do cp "$f" "$d/$(echo "$f" | tr / _)"; done ;;
  esac
  echo "$d"
}
printf '%-20s %10s %10s %8s %s\n' harness execs exec/s corpus result
for bin in build-fuzz/fuzz/fuzz_*; do
  name=$(basename "$bin")
  [[ -n "$FILTER" && "$name" != *"$FILTER"* ]] && continue
  seeds=$(seed_dir "$name"); corpus=build-fuzz/corpus/$name; crashes=build-fuzz/crashes/$name
  mkdir -p "$corpus" "$crashes"
  log=build-fuzz/$name.log
  set +e
  "$bin" "$corpus" "$seeds" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=4096 \
    -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  size=$(ls "$corpus" | wc -l)
  result=ok; [[ $rc -ne 0 ]] && result="FAILED (rc=$rc, see $log and $crashes)"
  printf '%-20s %10s %10s %8s %s\n' "$name" "$execs" "$rate" "$size" "$result"
done
