#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan+UBSan) into build-fuzz/ and runs each for SECONDS
# (default 60), seeded from the real fixtures. Crashers land in build-fuzz/crashes/<harness>/.
#   scripts/fuzz.sh [SECONDS] [harness-name-filter[,filter...]]
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
# Only the harnesses (and ntm_core under them); -j defaults to the core count, NTM_FUZZ_JOBS overrides.
targets=$(cd tests/fuzz && ls fuzz_*.cpp | sed 's/\.cpp$//')
# NTM_FUZZ_NOBUILD=1 runs the harnesses as already built (e.g. while the sources are being edited).
[[ -n "${NTM_FUZZ_NOBUILD:-}" ]] || cmake --build build-fuzz -j "${NTM_FUZZ_JOBS:-$(nproc)}" --target $targets
NTM_BIN=${NTM_BIN:-build/ntm}
# Seeds from the real fixtures; a few harnesses take a leading "mode" byte (see tests/fuzz/*.cpp).
seed_dir() {  # harness -> directory of seed inputs
  local d=build-fuzz/seeds/$1; mkdir -p "$d"
  case $1 in
    fuzz_safetensors) find tests/fixtures -name '*.safetensors' -size -200k -exec cp {} "$d/" \; ;;
    fuzz_gguf) cp tests/fixtures/gguf/models/*.gguf "$d/" ;;
    fuzz_config) cp configs/*.json "$d/" 2>/dev/null || true; find tests/fixtures -name 'config.json' | head -5 | while read -r f; do cp "$f" "$d/$(echo "$f" | tr / _)"; done ;;
    fuzz_model_config)  # mode byte: even = config.json, odd = tokenizer_config.json
      find tests/fixtures data -name 'config.json' -size -64k | head -20 | while read -r f; do
        { printf '\x00'; cat "$f"; } > "$d/$(echo "$f" | tr / _)"; done
      find tests/fixtures data -name 'tokenizer_config.json' -size -64k | head -20 | while read -r f; do
        { printf '\x01'; cat "$f"; } > "$d/$(echo "$f" | tr / _)"; done ;;
    fuzz_tokenizer_json) find tests/fixtures data -name 'tokenizer.json' -size -2M | while read -r f; do cp "$f" "$d/$(echo "$f" | tr / _)"; done ;;
    fuzz_tokenizer_encode|fuzz_words)  # one document per seed (first byte = mode for the encoder)
      /usr/bin/python3 - "$d" <<'PY'
import json, sys
texts = json.load(open("tests/fixtures/tokenizers/texts.json"))
for i, t in enumerate(texts[:64]):
    open(f"{sys.argv[1]}/t{i}", "wb").write(bytes([i % 8]) + t.encode())
PY
      ;;
    fuzz_corpus)  # mode byte: format (tsv/jsonl/txt), quoting, on_bad_row
      for f in tests/fixtures/corpora/*.tsv; do
        for m in 0 4 8 16; do { printf "\\x$(printf %02x $m)"; head -c 4000 "$f"; } > "$d/$(basename "$f").$m"; done
      done
      { printf '\x01'; printf '{"text": "a b", "label": 1}\n{"text": "c", "label": null, "id": "x"}\n\n{"text": 3}\n'; } > "$d/jsonl"
      { printf '\x02'; head -c 2000 tests/fixtures/corpora/tiny.tsv; } > "$d/txt" ;;
    fuzz_vocab)
      printf '["market","prices","linux"]' > "$d/array.json"
      if [[ -x $NTM_BIN ]]; then
        "$NTM_BIN" vocab --corpus tests/fixtures/corpora/tiny.tsv --vocab-size 30 --out build-fuzz/seed-vocab >/dev/null 2>&1 || true
        cp build-fuzz/seed-vocab/vocab.json "$d/vocab.json" 2>/dev/null || true
      fi ;;
    fuzz_label_store)  # meta.json + "\n--chunk--\n" + chunk-00000.safetensors of a real store
      if [[ -x $NTM_BIN && ! -f build-fuzz/seed-store/meta.json ]]; then
        rm -rf build-fuzz/seed-store
        "$NTM_BIN" build-labels --corpus tests/fixtures/corpora/tiny.tsv --model data/tiny-lm --vocab-size 20 \
          --chunk-size 4 --out build-fuzz/seed-store >/dev/null 2>&1 || true
      fi
      if [[ -f build-fuzz/seed-store/meta.json ]]; then
        { cat build-fuzz/seed-store/meta.json; printf '\n--chunk--\n'; cat build-fuzz/seed-store/chunk-00000.safetensors; } > "$d/store"
        { cat build-fuzz/seed-store/meta.json; printf '\n--chunk--\n'; cat build-fuzz/seed-store/chunk-00000.safetensors; printf x; } > "$d/store-odd"
      else
        echo "fuzz: $NTM_BIN missing, label-store seeds are synthetic" >&2
        printf '{"format":"ntm-labels","chunks":[{"file":"chunk-00000.safetensors"}]}\n--chunk--\n' > "$d/store"
      fi ;;
    fuzz_run_dir)  # the files of real small runs (dsl-prodlda, prodlda, etm, lda) + an eval's metrics.json
      if [[ -x $NTM_BIN && ! -f build-fuzz/seed-runs/lda/meta.json ]]; then
        rm -rf build-fuzz/seed-runs && mkdir -p build-fuzz/seed-runs
        NTM_FUZZ_WRITE_STORE=build-fuzz/seed-runs/store build-fuzz/fuzz/fuzz_run_dir >/dev/null 2>&1 || true
        for m in dsl-prodlda prodlda etm lda; do
          "$NTM_BIN" train --config configs/tiny.json --model "$m" --iterations 20 --labels build-fuzz/seed-runs/store \
            --out "build-fuzz/seed-runs/$m" --device cpu --threads 1 >/dev/null 2>&1 || true
          "$NTM_BIN" eval --run "build-fuzz/seed-runs/$m" --metrics diversity,clustering,retrieval \
            --out "build-fuzz/seed-runs/$m-eval" >/dev/null 2>&1 || true
        done
      fi
      /usr/bin/python3 - "$d" <<'PY'
import os, sys
files = ["meta.json", "seed-0/meta.json", "seed-0/topics.json", "seed-0/theta.safetensors",
         "seed-0/beta.safetensors", "seed-0/model.safetensors", "eval/metrics.json"]
sep = b"\n--ntm-file--\n"
for m in ["dsl-prodlda", "prodlda", "etm", "lda"]:
    run = f"build-fuzz/seed-runs/{m}"
    if not os.path.exists(f"{run}/meta.json"):
        continue
    parts = []
    for f in files:
        p = f"{run}-eval/metrics.json" if f.startswith("eval/") else f"{run}/{f}"
        parts.append(open(p, "rb").read() if os.path.exists(p) else b"")
    open(f"{sys.argv[1]}/{m}", "wb").write(sep.join(parts))
    open(f"{sys.argv[1]}/{m}-nomodel", "wb").write(sep.join(parts[:5]))
PY
      ;;
    *) find tests/fixtures -name '*.json' -size -64k | head -20 | while read -r f; do cp "$f" "$d/$(echo "$f" | tr / _)"; done ;;
  esac
  echo "$d"
}
printf '%-20s %10s %10s %8s %s\n' harness execs exec/s corpus result
for bin in build-fuzz/fuzz/fuzz_*; do
  name=$(basename "$bin")
  if [[ -n "$FILTER" ]]; then  # a substring, or a comma list of substrings
    hit=; IFS=, read -ra pats <<< "$FILTER"
    for p in "${pats[@]}"; do [[ "$name" == *"$p"* ]] && hit=1; done
    [[ -z "$hit" ]] && continue
  fi
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
