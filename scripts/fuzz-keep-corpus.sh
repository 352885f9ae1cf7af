#!/usr/bin/env bash
# Keeps a small part of a fuzz campaign's corpus (build-fuzz/corpus/<harness>, grown by
# scripts/fuzz.sh) as ctest regression inputs in tests/fuzz/regressions/<harness>/corpus/:
# libFuzzer's -merge=1 (edge coverage, no hit counters) lists the edges of every input, then a
# greedy set cover keeps at most CAP inputs (default 100), each adding the most uncovered edges
# (NTM_FUZZ_KEEP_BY=edges, the default) or the most per byte (=bytes, for harnesses whose inputs
# are large files). Replaces the folder's previous corpus.
#   scripts/fuzz-keep-corpus.sh HARNESS [CAP]
set -euo pipefail
cd "$(dirname "$0")/.."
h=${1:?usage: scripts/fuzz-keep-corpus.sh HARNESS [CAP]}
cap=${2:-100}
bin=build-fuzz/fuzz/$h
[[ -x $bin ]] || { echo "fuzz-keep-corpus: $bin missing; run scripts/fuzz.sh SECONDS $h first" >&2; exit 2; }
[[ -d build-fuzz/corpus/$h ]] || { echo "fuzz-keep-corpus: no corpus build-fuzz/corpus/$h; run scripts/fuzz.sh first" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/merged"
"$bin" -merge=1 -use_counters=0 -merge_control_file="$work/control" "$work/merged" "build-fuzz/corpus/$h" \
  >"$work/merge.log" 2>&1 || { tail -n 20 "$work/merge.log" >&2; exit 1; }
out=tests/fuzz/regressions/$h/corpus
rm -rf "$out" && mkdir -p "$out"
/usr/bin/python3 - "$work/control" "$cap" "${NTM_FUZZ_KEEP_BY:-edges}" "$out" <<'PY'
import os, shutil, sys
control, cap, by, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
lines = open(control).read().split("\n")
n = int(lines[0])
files = lines[2:2 + n]
edges = {}  # input index -> its edges ("COV i e1 e2 ..." lines of the control file)
for line in lines[2 + n:]:
    p = line.split()
    if len(p) >= 2 and p[0] == "COV":
        edges[int(p[1])] = set(map(int, p[2:]))
size = {i: os.path.getsize(files[i]) for i in edges}
covered, kept = set(), []
while len(kept) < cap:
    best, best_score = None, 0.0
    for i, e in edges.items():
        gain = len(e - covered)
        if gain == 0:
            continue
        score = gain / (size[i] + 512) if by == "bytes" else gain - size[i] / 1e9  # ties: the smaller
        if score > best_score:
            best, best_score = i, score
    if best is None:
        break
    kept.append(best)
    covered |= edges[best]
for i in kept:
    shutil.copy(files[i], out)
total = set().union(*edges.values()) if edges else set()
print(f"{out}: {len(kept)} inputs, {sum(size[i] for i in kept)} bytes, {len(covered)} of {len(total)} edges")
PY
