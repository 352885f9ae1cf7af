#!/usr/bin/env bash
# Tokenizer parity: ntm vs Hugging Face tokenizers 0.23.3 (PyPI package, the Rust library) on every
# document of 20 Newsgroups (train+test), TweetTopic and StackOverflow, for the Llama-3, Qwen3,
# Llama-2 and GPT-2 tokenizers, with and without special tokens. Prints mismatches (expected: 0)
# and exits 1 if there are any.
#
#   scripts/check-tokenizer-parity.sh [--limit N] [--tokenizers llama3,qwen3,llama2,gpt2] [--show N]
#
# --limit N: only the first N documents of each corpus (a CI-sized subset).
# Needs: a built ntm (build/ntm or $NTM_BIN), the references venv (scripts/setup-references.sh, or
# NTM_PYTHON), the assets of scripts/fetch-test-assets.sh, the corpora in $NTM_DATA_DIR (default ../shared/data).
set -euo pipefail
cd "$(dirname "$0")/.."
LIMIT=0
TOKS=llama3,qwen3,llama2,gpt2
SHOW=5
while [[ $# -gt 0 ]]; do
  case "$1" in
    --limit) LIMIT=$2; shift 2 ;;
    --tokenizers) TOKS=$2; shift 2 ;;
    --show) SHOW=$2; shift 2 ;;
    -h|--help) sed -n 2,11p "$0"; exit 0 ;;
    *) echo "check-tokenizer-parity: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
NTM_BIN=${NTM_BIN:-build/ntm}
DATA=${NTM_DATA_DIR:-../shared/data}
[[ -x $NTM_BIN ]] || { echo "check-tokenizer-parity: $NTM_BIN not built (cmake --build build --target ntm)" >&2; exit 2; }
[[ -d $DATA ]] || { echo "check-tokenizer-parity: corpora not found in $DATA (set NTM_DATA_DIR)" >&2; exit 2; }
scripts/fetch-test-assets.sh
source scripts/lib/venv.sh
ntm_python "$PWD" "$PWD/scripts/requirements/references.txt"
hf() { "$NTM_PY" scripts/hf_tokenize.py "$@"; }
A=.assets/tokenizers
[[ -f $A/gpt2-hf/tokenizer.json ]] || hf gpt2-json $A/gpt2/encoder.json $A/gpt2/vocab.bpe $A/gpt2-hf/tokenizer.json

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ntm-parity.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export TOKENIZERS_PARALLELISM=true

declare -A CORPUS=(
  [20newsgroups]="$DATA/20newsgroups/train.tsv $DATA/20newsgroups/test.tsv"
  [tweet_topic]="$DATA/tweet_topic/all.tsv"
  [stackoverflow]="$DATA/stackoverflow/all.tsv"
)
total_bad=0
total_docs=0
for corpus in 20newsgroups tweet_topic stackoverflow; do
  # shellcheck disable=SC2086
  hf tsv2jsonl "$WORK/$corpus.all.jsonl" ${CORPUS[$corpus]}
  if [[ $LIMIT -gt 0 ]]; then head -n "$LIMIT" "$WORK/$corpus.all.jsonl" >"$WORK/$corpus.jsonl"; else mv "$WORK/$corpus.all.jsonl" "$WORK/$corpus.jsonl"; fi
  ndocs=$(wc -l <"$WORK/$corpus.jsonl")
  for tok in ${TOKS//,/ }; do
    case $tok in
      gpt2) ntm_model=$A/gpt2; hf_json=$A/gpt2-hf/tokenizer.json ;;  # ntm reads encoder.json + vocab.bpe
      *) ntm_model=$A/$tok; hf_json=$A/$tok/tokenizer.json ;;
    esac
    [[ -f $hf_json ]] || { echo "check-tokenizer-parity: $hf_json missing" >&2; exit 2; }
    for special in 0 1; do
      flag=""; hflag=""; label="$corpus/$tok"
      if [[ $special == 1 ]]; then flag="--add-special-tokens"; hflag="--special"; label="$label/special"; fi
      "$NTM_BIN" tokenize --model "$ntm_model" $flag --input "$WORK/$corpus.jsonl" >"$WORK/ntm.jsonl"
      hf encode "$hf_json" "$WORK/$corpus.jsonl" "$WORK/hf.jsonl" $hflag
      set +e
      out=$(hf compare "$WORK/ntm.jsonl" "$WORK/hf.jsonl" "$WORK/$corpus.jsonl" "$label" --show "$SHOW")
      set -e
      echo "$out"
      bad=$(echo "$out" | tail -n 1 | sed -E 's/.* ([0-9]+) mismatches$/\1/')
      total_bad=$((total_bad + bad))
      total_docs=$((total_docs + ndocs))
    done
  done
done
echo "TOTAL: $total_docs encodings compared, $total_bad mismatches"
[[ $total_bad == 0 ]]
