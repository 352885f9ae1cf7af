#!/usr/bin/env bash
# The DSL paper's main grid with one LM: 3 datasets x K in {25, 50, 75, 100} x 5 seeds, DSL-ProdLDA
# and the baselines trained from the same label store, evaluated, and summarised with `ntm compare`.
#
#   scripts/reproduce-paper.sh MODEL_DIR [DATASETS] [K...]
#     MODEL_DIR  a Hugging Face causal-LM checkpoint folder (e.g. Llama-3.2-1B-Instruct)
#     DATASETS   comma-separated, default 20newsgroups,tweet_topic,stackoverflow
#     K...       default 25 50 75 100
#   e.g. scripts/reproduce-paper.sh ~/models/Llama-3.2-1B-Instruct 20newsgroups 50
#
# Environment:
#   NTM_DATA_DIR  folder holding <dataset>/{train,test}.tsv or <dataset>/all.tsv (text<TAB>label);
#                 default data/ of this repository, then ../shared/data
#   NTM_OUT       output root (default out/paper); NTM_SEEDS (0,1,2,3,4); NTM_DEVICE (auto)
#   NTM_MODELS    topic models (default: dsl-prodlda prodlda zeroshot combined lda etm dsl-etm, plus
#                 ecrtm dsl-ecrtm fastopic dsl-fastopic when this build has them)
#   NTM_SHARD     "i/n": build only this shard of every label store (see docs/build-labels.md, shards)
#
# Resumable: an interrupted label store continues with --resume, finished training runs and
# evaluations are skipped, so re-running the same command picks up where it stopped.
#
# Data preparation (the paper's corpora; each file: UTF-8, header `text<TAB>label`, one document per line):
#   20newsgroups   SetFit/20_newsgroups on the Hugging Face Hub (train 11,314 + test 7,532, headers,
#                  footers and quotes removed); train.tsv + test.tsv are concatenated, as the paper does.
#   tweet_topic    the TweetTopic corpus as shipped in the DSL paper's repository (all.tsv, 21,996 rows).
#   stackoverflow  the 20,000 StackOverflow question titles of Xu et al. (2017) (all.tsv, 20 tags).
# Replace TABs and newlines inside a text with spaces. Put them under $NTM_DATA_DIR/<name>/.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 1 ]] || { sed -n '2,12p' "$0" >&2; exit 2; }
MODEL_DIR=$1; shift
DATASETS=${1:-20newsgroups,tweet_topic,stackoverflow}; [[ $# -ge 1 ]] && shift
KS=("$@"); [[ ${#KS[@]} -gt 0 ]] || KS=(25 50 75 100)
[[ -f $MODEL_DIR/config.json ]] || { echo "reproduce-paper: $MODEL_DIR has no config.json (expected a Hugging Face checkpoint folder)" >&2; exit 2; }
for k in "${KS[@]}"; do [[ $k =~ ^[1-9][0-9]*$ ]] || { echo "reproduce-paper: K '$k' is not a positive integer" >&2; exit 2; }; done
DATA=${NTM_DATA_DIR:-}
if [[ -z $DATA ]]; then DATA=data; [[ -d data/20newsgroups ]] || DATA=../shared/data; fi
OUT=${NTM_OUT:-out/paper}
SEEDS=${NTM_SEEDS:-0,1,2,3,4}
DEVICE=${NTM_DEVICE:-auto}
NTM=${NTM_BIN:-build/ntm}
[[ -x $NTM ]] || scripts/setup.sh
if [[ -n ${NTM_MODELS:-} ]]; then
  MODELS=($NTM_MODELS)
else
  MODELS=()
  for m in dsl-prodlda prodlda zeroshot combined lda etm dsl-etm ecrtm dsl-ecrtm fastopic dsl-fastopic; do
    [[ -f configs/$m.json ]] && MODELS+=("$m")
  done
fi
log() { echo "[$(date +%H:%M:%S)] $*"; }

IFS=, read -r -a DS <<< "$DATASETS"
for ds in "${DS[@]}"; do
  src=$DATA/$ds
  mkdir -p "$OUT/$ds"
  corpus=$OUT/$ds/corpus.tsv
  if [[ ! -f $corpus ]]; then
    if [[ -f $src/train.tsv && -f $src/test.tsv && $ds == 20newsgroups ]]; then
      { cat "$src/train.tsv"; tail -n +2 "$src/test.tsv"; } > "$corpus.tmp"
    elif [[ -f $src/all.tsv ]]; then
      cp "$src/all.tsv" "$corpus.tmp"
    elif [[ -f $src/train.tsv ]]; then
      { cat "$src/train.tsv"; for f in "$src"/val.tsv "$src"/test.tsv; do [[ -f $f ]] && tail -n +2 "$f"; done; } > "$corpus.tmp"
    else
      echo "reproduce-paper: no corpus for '$ds' in $src (expected all.tsv or train.tsv/test.tsv; see the header of this script)" >&2
      exit 2
    fi
    mv "$corpus.tmp" "$corpus"
  fi
  labels=$OUT/$ds/labels
  shard_args=(); [[ -n ${NTM_SHARD:-} ]] && { shard_args=(--shard "$NTM_SHARD"); labels=$OUT/$ds/labels-shard-${NTM_SHARD%/*}; }
  resume=(); [[ -f $labels/meta.json ]] && resume=(--resume)
  log "$ds: build-labels -> $labels"
  "$NTM" --device "$DEVICE" build-labels --corpus "$corpus" --model "$MODEL_DIR" --out "$labels" --vocab-size 2000 \
    "${shard_args[@]}" "${resume[@]}"
  if [[ -n ${NTM_SHARD:-} ]]; then
    log "$ds: shard $NTM_SHARD done; merge with: $NTM merge-labels --out $OUT/$ds/labels $OUT/$ds/labels-shard-*"
    continue
  fi
  for k in "${KS[@]}"; do
    evals=()
    for m in "${MODELS[@]}"; do
      run=$OUT/$ds/runs/$m-K$k ev=$OUT/$ds/eval/$m-K$k
      if [[ -f $ev/metrics.json ]]; then
        log "$ds K=$k $m: done (skipping)"
      else
        if [[ ! -f $run/.finished ]]; then
          log "$ds K=$k $m: train (seeds $SEEDS)"
          rm -rf "$run"
          "$NTM" --device "$DEVICE" train --config "configs/$m.json" --labels "$labels" --out "$run" \
            --num-topics "$k" --seeds "$SEEDS"
          touch "$run/.finished"
        fi
        log "$ds K=$k $m: eval"
        rm -rf "$ev"
        "$NTM" --device "$DEVICE" eval --run "$run" --corpus "$corpus" --out "$ev" --report
      fi
      evals+=("$ev")
    done
    "$NTM" compare "${evals[@]}" --format markdown > "$OUT/$ds/compare-K$k.md.tmp"
    mv "$OUT/$ds/compare-K$k.md.tmp" "$OUT/$ds/compare-K$k.md"
    log "$ds K=$k: table in $OUT/$ds/compare-K$k.md"
    cat "$OUT/$ds/compare-K$k.md"
  done
done
log "all done: tables under $OUT/*/compare-K*.md"
