#!/usr/bin/env bash
# Quality check (not a test): the BoW topic models of ntm on 20 Newsgroups at K=50 — LDA, ProdLDA,
# ETM, ECRTM, FASTopic (those this build registers) — each trained with its configs/<model>.json
# defaults and seed 0, then scored by `ntm eval` (NPMI over 10-word windows, C_V over 110-word
# windows, both with 20NG itself as the reference corpus; TD@15 and inverted RBO). Prints one table
# with the literature's figures next to ours.
#
# Literature (20NG, K=50): the ProdLDA paper reports NPMI 0.24 and an OCTIS/CTM reproduction 0.11
# (contextualized-topic-models issue #120, both Wikipedia- or corpus-based NPMI); FASTopic's paper
# C_V 0.426 (Wikipedia reference via Palmetto); ECRTM's and FASTopic's papers report TD close to 1
# for themselves and clearly lower TD for ETM and ProdLDA (topic collapsing), LDA in between.
# Values computed against 20NG itself are not identical to Wikipedia-based ones; the check is that
# every model lands in a plausible range and the known ordering of TD holds.
#
#   scripts/check-quality-20ng.sh [DATA_DIR]     (default: $NTM_DATA_DIR or ../shared/data)
# Embeddings: the store built here uses the bundled tiny LM, whose weights are random, so its hidden
# states (FASTopic's document embeddings) and input embeddings (ETM/ECRTM word vectors) carry no
# signal. By default (EMBEDDINGS=lsa) the hidden states are replaced by LSA document embeddings and
# ETM/ECRTM get LSA word vectors (scripts/bench/lsa_store.py, scikit-learn); EMBEDDINGS=lm keeps
# the tiny LM's. With a real checkpoint, build the store with it instead.
# Environment: MODELS (default: lda prodlda etm ecrtm fastopic), K (50), SEED (0), THREADS (2), EMBEDDINGS,
#   EPOCHS (override every neural model's epochs, e.g. 20 for a quick look), NTM_BIN, NTM_PYTHON.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-${NTM_DATA_DIR:-../shared/data}}
PY=${NTM_PYTHON:-/usr/bin/python3}
NTM=${NTM_BIN:-build/ntm}
K=${K:-50} SEED=${SEED:-0} THREADS=${THREADS:-2}
DIR=.assets/bench-20ng
scripts/bench/ensure-20ng-store.sh "$DATA" "$DIR" "$NTM" "$PY"
STORE=$DIR/labels
vectors=()
if [[ ${EMBEDDINGS:-lsa} == lsa ]]; then
  if ! "$NTM" check-labels "$DIR/labels-lsa" >/dev/null 2>&1 || [[ ! -f $DIR/lsa-vectors.txt ]]; then
    $PY scripts/bench/lsa_store.py "$DIR/labels" "$DIR/labels-lsa" "$DIR/lsa-vectors.txt" >&2
  fi
  STORE=$DIR/labels-lsa
  vectors=(--word-vectors "$DIR/lsa-vectors.txt")
fi
MODELS=${MODELS:-"lda prodlda etm ecrtm fastopic"}
printf '| %-9s | %8s | %7s | %7s | %6s | %6s |\n' model seconds NPMI C_V TD I-RBO
printf '|%s|\n' "-----------|----------|---------|---------|--------|--------"
for m in $MODELS; do
  if [[ ! -f configs/$m.json ]]; then printf '| %-9s | not in this build (no configs/%s.json) |\n' "$m" "$m"; continue; fi
  run=$DIR/quality/$m ev=$DIR/quality/eval-$m
  rm -rf "$run" "$ev"
  extra=()
  [[ -n ${EPOCHS:-} && $m != lda ]] && extra=(--epochs "$EPOCHS")
  [[ $m == etm || $m == ecrtm ]] && extra+=("${vectors[@]}")
  t0=$(date +%s.%N)
  "$NTM" --log-level warn --threads "$THREADS" train --config "configs/$m.json" --labels "$STORE" --out "$run" \
    --num-topics "$K" --seeds "$SEED" "${extra[@]}" >/dev/null
  t1=$(date +%s.%N)
  "$NTM" --log-level warn eval --run "$run" --corpus "$DIR/20ng.jsonl" --metrics diversity,c_npmi,c_v --out "$ev" >/dev/null
  $PY - "$ev/metrics.json" "$m" "$t0" "$t1" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["aggregate"]
g = lambda k: a[k]["mean"]
print(f"| {sys.argv[2]:<9} | {float(sys.argv[4]) - float(sys.argv[3]):8.1f} | {g('c_npmi'):7.4f} | {g('c_v'):7.4f} | "
      f"{g('topic_diversity'):6.3f} | {g('inverted_rbo'):6.3f} |")
PY
done
echo
echo "embeddings: ${EMBEDDINGS:-lsa} (store $STORE)"
echo "20 Newsgroups (train + test, 18,846 documents; empty-BoW documents dropped by the BoW models), 2,000-word vocabulary, K=$K, seed $SEED"
echo "seconds: the whole ntm train process on $THREADS thread(s); load average $(cut -d' ' -f1-3 /proc/loadavg)"
