#!/usr/bin/env bash
# Seconds per epoch of DSL-ProdLDA: ntm vs the reference training loop (scripts/bench_train_reference.py,
# written from method-spec §5.1) on the same machine, thread count and device, in one run.
# Data: a synthetic 20 Newsgroups-sized label store (N=18846, V=2000, H=2048; random soft labels and
# hidden states), K=50, batch 64. "N threads" means N for everything on both sides: ntm's --threads
# sizes libtorch's OpenMP pool and OpenBLAS; the Python loop gets torch.set_num_threads(N) and
# OPENBLAS_NUM_THREADS=N. ntm starts with OMP_WAIT_POLICY=PASSIVE (apps/ntm.cpp); the Python loop
# runs as users run it (OpenMP default, workers spin) and once more with OMP_WAIT_POLICY=passive,
# so the table shows how much of the ratio that policy is. Environment knobs: EPOCHS (2), THREADS (2), DEVICE (cpu | cuda),
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

py_run() {  # name loader [env...]
  local name=$1 loader=$2; shift 2
  echo "python reference loop (--loader $loader${1:+, $*}) ..." >&2
  env OPENBLAS_NUM_THREADS="$THREADS" "$@" "$PYTHON" scripts/bench_train_reference.py --n "$N" --v "$V" --h "$H" \
    --k "$K" --epochs "$EPOCHS" --threads "$THREADS" --device "$DEVICE" --loader "$loader" > "$work/py-$name.json"
}
py_run reference reference
py_run tensor tensor
py_run tensor-passive tensor OMP_WAIT_POLICY=passive

"$PYTHON" - "$work/run/seed-0/metrics.jsonl" "$work" "$THREADS" "$DEVICE" "$N" <<'PY'
import json, sys
ntm = [json.loads(l)["seconds"] for l in open(sys.argv[1]) if l.strip()]
mean = lambda v: sum(v) / len(v)
print(f"DSL-ProdLDA seconds per epoch (N={sys.argv[5]}, K=50, batch 64, threads={sys.argv[3]}, device={sys.argv[4]})")
print("(best = fastest epoch, robust to other load on the machine; ratios = python / ntm)")
print(f"{'impl':<40}{'epochs':>7}{'best s':>9}{'mean s':>9}{'ratio best':>12}{'ratio mean':>12}   per epoch")
print(f"{'ntm':<40}{len(ntm):>7}{min(ntm):>9.2f}{mean(ntm):>9.2f}{'':>12}{'':>12}   {' '.join(f'{t:.2f}' for t in ntm)}")
for name, label in [("reference", "python, reference Dataset/DataLoader"), ("tensor", "python, tensor slicing loader"),
                    ("tensor-passive", "python, tensor slicing, OMP passive")]:
    py = json.load(open(f"{sys.argv[2]}/py-{name}.json"))["seconds_per_epoch"]
    print(f"{label:<40}{len(py):>7}{min(py):>9.2f}{mean(py):>9.2f}{min(py) / min(ntm):>11.2f}x{mean(py) / mean(ntm):>11.2f}x"
          f"   {' '.join(f'{t:.2f}' for t in py)}")
PY
