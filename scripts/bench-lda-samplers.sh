#!/usr/bin/env bash
# Benchmark (not a test): ntm's two LDA samplers, dense (all K topics per draw, AVX2) and sparse
# (SparseLDA buckets), on 20 Newsgroups for several K: Gibbs tokens/s on one thread, measured by
# ntm itself (metrics.jsonl). It is the evidence behind --lda-sampler auto's switch (gibbs.h:
# kDenseMaxTopics): dense up to that K, sparse above.
#
#   scripts/bench-lda-samplers.sh [DATA_DIR]     (default: $NTM_DATA_DIR or ../shared/data)
# Environment: TOPICS ("50 100 200 300 400"), SWEEPS (60), NTM_BIN, NTM_PYTHON.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-${NTM_DATA_DIR:-../shared/data}}
PY=${NTM_PYTHON:-/usr/bin/python3}
NTM=${NTM_BIN:-build/ntm}
TOPICS=${TOPICS:-"50 100 200 300 400"} SWEEPS=${SWEEPS:-60}
DIR=.assets/bench-20ng
scripts/bench/ensure-20ng-store.sh "$DATA" "$DIR" "$NTM" "$PY"
rate() {  # K sampler -> Mtok/s
  local run=$DIR/samplers-$1-$2
  rm -rf "$run"
  "$NTM" --log-level warn --threads 1 train --model lda --labels "$DIR/labels" --out "$run" --num-topics "$1" --seeds 0 \
    --iterations "$SWEEPS" --lda-sampler "$2" >/dev/null
  tail -1 "$run/seed-0/metrics.jsonl" | $PY -c 'import json,sys; print(round(json.load(sys.stdin)["tokens_per_s"] / 1e6, 1))'
}
printf '| %4s | %19s | %20s | %12s |\n' K "dense Mtok/s/thread" "sparse Mtok/s/thread" "dense/sparse"
printf '|%s|\n' "------|---------------------|----------------------|--------------"
for k in $TOPICS; do
  d=$(rate "$k" dense) s=$(rate "$k" sparse)
  printf '| %4s | %19s | %20s | %11sx |\n' "$k" "$d" "$s" "$($PY -c "print(f'{$d / $s:.2f}')")"
done
echo
echo "20 Newsgroups BoW (2,000-word vocabulary), $SWEEPS sweeps from a random start, 1 thread, seed 0."
echo "The sparse sampler's cost falls as topics concentrate (long runs, large vocabularies); the dense one's does not."
