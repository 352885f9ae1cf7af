#!/usr/bin/env bash
# Seconds per epoch of DSL-ProdLDA: ntm vs the reference training loop (scripts/bench_train_reference.py,
# written from method-spec §5.1) on the same machine, thread count and device, in one run.
# Data: a synthetic 20 Newsgroups-sized label store (N=18846, V=2000, H=2048; random soft labels and
# hidden states), K=50, batch 64. Environment knobs: EPOCHS (2), THREADS (2), DEVICE (cpu | cuda),
# N, V, H, K, BUILD (build), PYTHON (/usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${EPOCHS:-2} THREADS=${THREADS:-2} DEVICE=${DEVICE:-cpu}
N=${N:-18846} V=${V:-2000} H=${H:-2048} K=${K:-50}
BUILD=${BUILD:-build} PYTHON=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "writing a synthetic label store (N=$N V=$V H=$H) ..." >&2
NTM_BENCH_STORE="$work/store" NTM_BENCH_N=$N NTM_BENCH_V=$V NTM_BENCH_H=$H \
  "$BUILD/tests/ntm_tests" "[.bench]" >/dev/null

echo "ntm train ..." >&2
"$BUILD/ntm" --threads "$THREADS" --device "$DEVICE" train --labels "$work/store" --out "$work/run" \
  --num-topics "$K" --epochs "$EPOCHS" --seeds 0 --theta-samples 1 >&2

echo "python reference ..." >&2
"$PYTHON" scripts/bench_train_reference.py --n "$N" --v "$V" --h "$H" --k "$K" --epochs "$EPOCHS" \
  --threads "$THREADS" --device "$DEVICE" > "$work/py.json"

"$PYTHON" - "$work/run/seed-0/metrics.jsonl" "$work/py.json" "$THREADS" "$DEVICE" <<'PY'
import json, sys
ntm = [json.loads(l)["seconds"] for l in open(sys.argv[1]) if l.strip()]
py = json.load(open(sys.argv[2]))["seconds_per_epoch"]
mean = lambda v: sum(v) / len(v)
print(f"DSL-ProdLDA seconds per epoch (N=18846-sized store, K=50, batch 64, threads={sys.argv[3]}, device={sys.argv[4]})")
print(f"{'impl':<22}{'epochs':>8}{'s/epoch (mean)':>16}{'per epoch':>30}")
print(f"{'ntm':<22}{len(ntm):>8}{mean(ntm):>16.2f}{'  ' + ' '.join(f'{t:.2f}' for t in ntm):>30}")
print(f"{'python reference':<22}{len(py):>8}{mean(py):>16.2f}{'  ' + ' '.join(f'{t:.2f}' for t in py):>30}")
print(f"ratio python/ntm: {mean(py) / mean(ntm):.2f}x")
PY
