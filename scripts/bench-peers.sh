#!/usr/bin/env bash
# Benchmark (not a test): ntm side by side with the Python peers (issue 19) on the same label store,
# seeds and thread count. For every model both sides have (LDA: tomotopy and gensim; ProdLDA, ETM,
# ECRTM: TopMost; FASTopic; ZeroShotTM and CombinedTM: contextualized-topic-models), and BERTopic as
# a peer-only row, it trains ntm and the peer, times each process with /usr/bin/time -v (wall, CPU,
# peak RSS; a peer's in-process fit time, imports and loading excluded, is shown as well), scores
# every run with the same `ntm eval`, and prints one table, then `ntm compare`'s.
#
#   scripts/bench-peers.sh [--quick] [CORPUS] [K]
#     CORPUS  a folder of $NTM_DATA_DIR (default ../shared/data) with train.tsv [test.tsv]
#             (default 20newsgroups); all its documents, or with --quick the first 500
#     K       topics (default 50)
# Environment: SEEDS (--quick: 0, else 0,1,2,3,4), THREADS (1; ntm --threads, torch/BLAS/OpenMP/
#   tomotopy workers of the peers), EPOCHS (100, both sides; TopMost's and FASTopic's own default
#   is 200), ITERATIONS (LDA Gibbs sweeps, 1000, ntm and tomotopy), LM (tiny: the bundled random
#   data/tiny-lm, --max-tokens 48, meaningless hidden states; smollm2: .assets/models/SmolLM2-135M-
#   Instruct.Q4_1.gguf; default tiny with --quick, else smollm2), PEERS (space list, default all:
#   lda prodlda etm ecrtm fastopic zeroshot combined bertopic), NTM_BIN (build/ntm), OUT
#   (out/bench-peers/CORPUS[-quick]-K), STORE (an existing label store, e.g. one of
#   scripts/check-real-lm.sh: its corpus file is read from its meta.json, CORPUS is then only a name
#   and LM is ignored). Peers run inside `unshare -n` (no network at all) when
#   possible, else with the proxies pointed at a closed port, plus HF_HUB_OFFLINE=1: a hidden
#   download fails loudly. The peers' venv comes from scripts/setup-peers.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=0
[[ ${1:-} == --quick ]] && { QUICK=1; shift; }
[[ ${1:-} == -h || ${1:-} == --help ]] && { sed -n 2,22p "$0"; exit 0; }
CORPUS=${1:-20newsgroups} K=${2:-50}
DATA=${NTM_DATA_DIR:-../shared/data}
STORE=${STORE:-}
[[ -n $STORE ]] || [[ -f $DATA/$CORPUS/train.tsv ]] || { echo "bench-peers: $DATA/$CORPUS/train.tsv not found (CORPUS is a folder of \$NTM_DATA_DIR=$DATA)" >&2; exit 2; }
NTM=${NTM_BIN:-build/ntm}
[[ -x $NTM ]] || { echo "bench-peers: $NTM is not built (cmake --build build --target ntm, or set NTM_BIN)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "bench-peers: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
if ((QUICK)); then N=500 SEEDS=${SEEDS:-0} LM=${LM:-tiny} TAG=$CORPUS-quick-$K
else N=0 SEEDS=${SEEDS:-0,1,2,3,4} LM=${LM:-smollm2} TAG=$CORPUS-$K; fi
THREADS=${THREADS:-1} EPOCHS=${EPOCHS:-100} ITERATIONS=${ITERATIONS:-1000}
PEERS=${PEERS:-"lda prodlda etm ecrtm fastopic zeroshot combined bertopic"}
OUT=${OUT:-out/bench-peers/$TAG}
PY=$(scripts/setup-peers.sh | tail -1)
mkdir -p "$OUT"

# the corpus (ntm and the peers read the same store; eval reads this file for labels and coherence)
if [[ -n $STORE ]]; then
  "$NTM" check-labels "$STORE" >/dev/null || { echo "bench-peers: STORE=$STORE is not a complete label store" >&2; exit 2; }
  corpus=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['corpus']['path'])" "$STORE/meta.json")
  [[ -f $corpus ]] || { echo "bench-peers: $STORE/meta.json names the corpus $corpus, which is not here (run from the folder it was built in)" >&2; exit 2; }
  LM=store labels=$STORE
else
  files=("$DATA/$CORPUS/train.tsv")
  [[ -f $DATA/$CORPUS/test.tsv ]] && files+=("$DATA/$CORPUS/test.tsv")
  corpus=$OUT/corpus.jsonl
  [[ -f $corpus ]] || "$PY" scripts/bench/corpus_to_jsonl.py "$corpus" "$N" "${files[@]}"
  case $LM in
    tiny) lm_args=(--model data/tiny-lm --max-tokens 48) ;;
    smollm2) lm_args=(--model .assets/models/SmolLM2-135M-Instruct.Q4_1.gguf)
             [[ -f ${lm_args[1]} ]] || { echo "bench-peers: ${lm_args[1]} missing (scripts/fetch-smollm2.sh)" >&2; exit 2; } ;;
    *) echo "bench-peers: LM=$LM: expected tiny or smollm2" >&2; exit 2 ;;
  esac
  labels=$OUT/labels-$LM
  if ! "$NTM" check-labels "$labels" >/dev/null 2>&1; then
    echo "bench-peers: building the label store $labels ($LM) once ..." >&2
    rm -rf "$labels"
    "$NTM" --log-level warn --threads "$THREADS" build-labels --corpus "$corpus" "${lm_args[@]}" --vocab-size 2000 \
      --out "$labels" >&2
  fi
fi

if unshare -n true 2>/dev/null; then netless=(unshare -n); net="unshare -n"
else netless=(env HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 ALL_PROXY=http://127.0.0.1:9)
  net="proxies at a closed port"; fi
rows=$OUT/rows.tsv
: > "$rows"
common=(--labels "$labels" --num-topics "$K" --seeds "$SEEDS" --threads "$THREADS")
ntm_run() {  # family ntm-model[:run-suffix] extra-args...   (a suffix names a variant's run and row)
  local fam=$1 model=${2%%:*} suffix= name
  [[ $2 == *:* ]] && suffix=-${2#*:}
  shift 2
  local run=$OUT/runs/ntm-$model$suffix
  name="ntm $model"
  [[ -n $suffix ]] && name+=" $*"
  echo "bench-peers: $name ..." >&2
  rm -rf "$run"
  /usr/bin/time -v -o "$run.time" "$NTM" --log-level warn --threads "$THREADS" train --model "$model" \
    --labels "$labels" --out "$run" --num-topics "$K" --seeds "$SEEDS" "$@" >/dev/null 2>"$run.log" || true
  evaluate "$fam" "$name" "$run"
}
peer_run() {  # family name script args...
  local fam=$1 name=$2 script=$3; shift 3
  local run=$OUT/runs/$name
  echo "bench-peers: $name ($net) ..." >&2
  rm -rf "$run"
  /usr/bin/time -v -o "$run.time" "${netless[@]}" "$PY" "scripts/peers/$script" "${common[@]}" --out "$run" "$@" \
    >"$run.log" 2>&1 || true
  evaluate "$fam" "$name" "$run"
}
evaluate() {  # family name run
  local ev
  ev=$OUT/eval/$(basename "$3")
  rm -rf "$ev"
  if [[ -f $3/meta.json ]]; then
    "$NTM" --log-level warn eval --run "$3" --corpus "$corpus" --out "$ev" >/dev/null 2>"$ev.log" ||
      echo "bench-peers: ntm eval of $3 failed (see $ev.log)" >&2
  else
    echo "bench-peers: $2 failed (see $3.log)" >&2
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$3.time" "$ev" >> "$rows"
}
mkdir -p "$OUT/runs" "$OUT/eval"
for p in $PEERS; do
  case $p in
    lda) ntm_run lda lda --iterations "$ITERATIONS"
         peer_run lda tomotopy-lda lda_tomotopy.py --iterations "$ITERATIONS"
         peer_run lda gensim-lda lda_gensim.py ;;
    prodlda|etm|ecrtm) ntm_run "$p" "$p" --epochs "$EPOCHS"
         # Variants with TopMost's settings where ntm's defaults differ: its batch size (200 against
         # ntm's 64 / 128: the same number of steps, for ECRTM the same Sinkhorn solves) and, for
         # ETM, its topic-embedding init (docs/peers.md explains both).
         case $p in
           prodlda|ecrtm) ntm_run "$p" "$p:b200" --epochs "$EPOCHS" --batch-size 200 ;;
           etm) ntm_run etm etm:b200-randn --epochs "$EPOCHS" --batch-size 200 --topic-embedding-init randn ;;
         esac
         peer_run "$p" "topmost-$p" topmost_models.py --model "$p" --epochs "$EPOCHS" ;;
    fastopic) ntm_run fastopic fastopic --epochs "$EPOCHS"
         peer_run fastopic fastopic fastopic_run.py --epochs "$EPOCHS" ;;
    zeroshot|combined) ntm_run "$p" "$p" --epochs "$EPOCHS"
         peer_run "$p" "ctm-$p" ctm.py --model "$p" --epochs "$EPOCHS" ;;
    bertopic) peer_run bertopic bertopic bertopic_run.py ;;
    *) echo "bench-peers: unknown peer '$p' in PEERS" >&2; exit 2 ;;
  esac
done

{
  echo "bench-peers: $CORPUS, $("$PY" -c "import json,sys; print(sum(1 for _ in open(sys.argv[1])))" "$corpus") documents, K=$K, seeds $SEEDS, $THREADS thread(s), epochs $EPOCHS, LDA sweeps $ITERATIONS, label store ${STORE:-$LM}, $(date -u +%F), $(nproc) cores $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  HF_HUB_OFFLINE=1 "$PY" scripts/peers/common.py --versions || true
  echo
  "$PY" scripts/peers/bench_table.py "$rows"
  echo
  mapfile -t evs < <(cut -f5 "$rows" | while read -r e; do [[ -f $e/metrics.json ]] && echo "$e"; done)
  "$NTM" --log-level warn compare "${evs[@]}" --metrics c_npmi,c_v,topic_diversity,inverted_rbo,purity,nmi --format markdown
} | tee "$OUT/table.md"
