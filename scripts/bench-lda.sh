#!/usr/bin/env bash
# Benchmark (not a test): ntm's LDA (collapsed Gibbs) vs gensim LdaModel on 20 Newsgroups, K=50.
#
# Both read the same bag of words: a label store of all 18,846 documents with ntm's 2,000-word
# vocabulary (built once with the bundled tiny LM and --max-tokens 48: the BoW comes from the full
# texts, only the LM prompt is shortened). gensim runs with the DSL reference's LDA settings
# (scripts/bench/lda_gensim.py; passes 1 by default, GENSIM_PASSES to change). ntm trains from
# scratch for each sweep count in SWEEPS; every run is timed end to end (process start to
# theta/topics written) and scored with `ntm eval` (NPMI over 10-word windows and TD@15, the
# corpus itself as reference) exactly like gensim's topics. The table shows the first sweep count
# at which ntm reaches gensim's NPMI and TD, and the time ratio. Target: >= 5x sooner.
#
#   scripts/bench-lda.sh [DATA_DIR]     (default: $NTM_DATA_DIR or ../shared/data)
# Environment: THREADS (ntm Gibbs threads, default 1 = the per-thread figure), K (50), SEED (0),
#   SWEEPS ("5 10 12 14 16 18 20 40 80 160"), GENSIM_PASSES (1), NTM_BIN, NTM_PYTHON (/usr/bin/python3 with gensim).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-${NTM_DATA_DIR:-../shared/data}}
[[ -f $DATA/20newsgroups/train.tsv ]] || { echo "bench-lda: $DATA/20newsgroups/train.tsv not found (pass DATA_DIR or set NTM_DATA_DIR)" >&2; exit 2; }
PY=${NTM_PYTHON:-/usr/bin/python3}
$PY -c 'import gensim' 2>/dev/null || { echo "bench-lda: $PY cannot import gensim (apt-get install python3-gensim)" >&2; exit 2; }
NTM=${NTM_BIN:-build/ntm}
THREADS=${THREADS:-1} K=${K:-50} SEED=${SEED:-0} SWEEPS=${SWEEPS:-"5 10 12 14 16 18 20 40 80 160"} PASSES=${GENSIM_PASSES:-1}
DIR=.assets/bench-20ng
scripts/bench/ensure-20ng-store.sh "$DATA" "$DIR" "$NTM" "$PY"
corpus=$DIR/20ng.jsonl
score() {  # eval dir -> "npmi td"
  $PY -c "import json,sys; m=json.load(open(sys.argv[1]+'/metrics.json'))['aggregate']; print(f\"{m['c_npmi']['mean']:.4f} {m['topic_diversity']['mean']:.4f}\")" "$1"
}
evaluate() {  # out-dir, then --run DIR or --topics FILE
  local out=$1; shift
  rm -rf "$out"
  "$NTM" --log-level warn eval "$@" --corpus "$corpus" --metrics diversity,c_npmi --out "$out" >/dev/null
}

echo "bench-lda: gensim LdaModel (passes $PASSES) ..." >&2
# gensim's E-step runs on numpy, whose OpenBLAS would otherwise start a thread per core (and spin):
# THREADS threads for both tools (LdaModel itself is single-threaded Python; its BLAS calls are not).
g=$(OPENBLAS_NUM_THREADS=$THREADS OMP_NUM_THREADS=$THREADS /usr/bin/time -f '%e %U %S' -o "$DIR/gensim.time" $PY scripts/bench/lda_gensim.py "$DIR/labels" "$DIR/gensim-topics.txt" \
  --k "$K" --seed "$SEED" --passes "$PASSES")
read -r gp_wall gp_u gp_s < "$DIR/gensim.time"
gp_cpu=$($PY -c "print(f'{$gp_u + $gp_s:.2f}')")
g_secs=$(echo "$g" | $PY -c 'import json,sys; print(round(json.load(sys.stdin)["seconds"], 2))')
g_cpu=$(echo "$g" | $PY -c 'import json,sys; print(round(json.load(sys.stdin)["cpu_seconds"], 2))')
tokens=$(echo "$g" | $PY -c 'import json,sys; print(json.load(sys.stdin)["tokens"])')
evaluate "$DIR/eval-gensim" --topics "$DIR/gensim-topics.txt"
read -r g_npmi g_td < <(score "$DIR/eval-gensim")

row() { printf '| %-30s | %7s | %12s | %11s | %13s | %14s | %9s | %7s | %6s | %9s |\n' "$@"; }
row run threads "train wall s" "train CPU s" "process CPU s" "process wall s" "tok/s/thr" NPMI TD "≥ gensim?"
printf '|%s|\n' "--------------------------------|---------|--------------|-------------|---------------|----------------|-----------|---------|--------|-----------"
tps=$($PY -c "print(f'{$tokens * $PASSES / $g_cpu:.3g}')")
row "gensim LdaModel, $PASSES pass(es)" "$THREADS" "$g_secs" "$g_cpu" "$gp_cpu" "$gp_wall" "$tps" "$g_npmi" "$g_td" "reference"
first=
for s in $SWEEPS; do
  run=$DIR/ntm-$s
  rm -rf "$run"
  /usr/bin/time -f '%e %U %S' -o "$run.time" "$NTM" --log-level warn --threads "$THREADS" train --model lda \
    --labels "$DIR/labels" --out "$run" --num-topics "$K" --seeds "$SEED" --iterations "$s" >/dev/null
  read -r secs u sy < "$run.time"
  cpu=$($PY -c "print(f'{$u + $sy:.2f}')")
  read -r twall tcpu < <(tail -1 "$run/seed-$SEED/metrics.jsonl" |
    $PY -c 'import json,sys; m=json.load(sys.stdin); print(round(m["seconds"], 2), round(m["cpu_seconds"], 2))')
  evaluate "$DIR/eval-ntm-$s" --run "$run"
  read -r npmi td < <(score "$DIR/eval-ntm-$s")
  ok=$($PY -c "print('yes' if $npmi >= $g_npmi and $td >= $g_td else 'no')")
  tps=$($PY -c "print(f'{$tokens * $s / $tcpu:.3g}')")
  row "ntm lda, $s sweeps" "$THREADS" "$twall" "$tcpu" "$cpu" "$secs" "$tps" "$npmi" "$td" "$ok"
  [[ -z $first && $ok == yes ]] && first="$s $tcpu $cpu $secs $twall"
done
echo
echo "corpus: 20 Newsgroups, $tokens BoW tokens (2,000-word vocabulary, empty documents dropped), K=$K, seed $SEED"
echo "train wall / CPU s: time of training alone (ntm: the Gibbs sweeps, from metrics.jsonl; gensim: LdaModel(...));"
echo "process: the whole command (ntm: load + verify the 160 MB label store + train + write outputs; gensim: python"
echo "start, read the same store with scripts/read-label-store.py, train, write topics). CPU s = user + sys of all"
echo "threads, the fair clock when other jobs share the cores; tok/s/thr = tokens x sweeps (passes) / train CPU s"
if [[ -n $first ]]; then
  set -- $first
  echo "ntm reaches gensim's NPMI and TD after $1 sweeps: $($PY -c "print(f'{$g_cpu / $2:.1f}x')") sooner in training CPU time ($2 s vs $g_cpu s),"
  echo "$($PY -c "print(f'{$g_secs / $5:.1f}x')") in training wall time ($5 s vs $g_secs s, both on $THREADS thread(s))   (target >= 5x);"
  echo "$($PY -c "print(f'{$gp_cpu / $3:.1f}x')") for the whole process ($3 s vs $gp_cpu s CPU; wall $4 s vs $gp_wall s; ntm's includes libtorch's start-up)"
else
  echo "ntm did not reach gensim's NPMI and TD within the sweep counts tried ($SWEEPS)"
fi
echo "load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
