#!/usr/bin/env bash
# Makes sure DIR holds 20ng.jsonl (all 18,846 20 Newsgroups documents, train + test) and labels/, a
# label store of them with ntm's 2,000-word vocabulary, for the BoW benchmarks (bench-lda.sh,
# check-quality-20ng.sh). The store is built with the bundled tiny random LM and --max-tokens 48:
# its bag of words comes from the full texts, only the (meaningless) soft labels use short prompts.
#   scripts/bench/ensure-20ng-store.sh DATA_DIR DIR [NTM] [PYTHON]
set -euo pipefail
DATA=$1 DIR=$2 NTM=${3:-build/ntm} PY=${4:-/usr/bin/python3}
[[ -f $DATA/20newsgroups/train.tsv ]] || { echo "$DATA/20newsgroups/train.tsv not found (pass DATA_DIR or set NTM_DATA_DIR)" >&2; exit 2; }
mkdir -p "$DIR"
[[ -f $DIR/20ng.jsonl ]] || $PY "$(dirname "$0")/corpus_to_jsonl.py" "$DIR/20ng.jsonl" 0 "$DATA/20newsgroups/train.tsv" "$DATA/20newsgroups/test.tsv"
if ! "$NTM" check-labels "$DIR/labels" >/dev/null 2>&1; then
  echo "building the 20NG label store (BoW) in $DIR/labels once ..." >&2
  rm -rf "$DIR/labels"
  "$NTM" --log-level warn build-labels --corpus "$DIR/20ng.jsonl" --model data/tiny-lm --vocab-size 2000 --max-tokens 48 \
    --out "$DIR/labels" >&2
fi
