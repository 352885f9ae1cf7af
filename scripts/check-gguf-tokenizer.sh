#!/usr/bin/env bash
# GGUF tokenizer parity: `ntm tokenize --model FILE.gguf` vs llama.cpp's own tokenizer
# (llama-cpp-python 0.3.36, vocab_only) and vs transformers 5.23.0's tokenizer loaded from the same
# file, on the shared texts (tests/fixtures/tokenizers/texts.json) plus edge cases (digit runs,
# whitespace runs, Unicode, special-token strings), without and with special tokens. Prints the
# mismatches and exits 1 if there are any against llama.cpp (expected: 0). Mismatches against
# transformers are printed but not counted unless --strict: its GGUF loader ignores
# tokenizer.ggml.pre, so for SmolLM2 ("smollm": every digit alone) it differs from llama.cpp and
# from SmolLM2's own tokenizer.json where a whitespace run precedes a digit (2 shared texts).
#
#   scripts/check-gguf-tokenizer.sh [--model FILE.gguf] [--engines llama.cpp,transformers] [--show N]
#                                   [--write-fixture] [--strict]
#
# --model: default the SmolLM2 file of scripts/fetch-test-assets.sh (.assets/models/*.gguf).
# --write-fixture: also store llama.cpp's ids as tests/fixtures/tokenizers/smollm2-gguf.json
# (the C++ test's expected ids). Needs: a built ntm (build/ntm or $NTM_BIN) and a python with
# llama-cpp-python, transformers and gguf ($NTM_PYTHON, else .venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=""
ENGINES=llama.cpp,transformers
SHOW=5
FIXTURE=0
STRICT=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --model) MODEL=$2; shift 2 ;;
    --engines) ENGINES=$2; shift 2 ;;
    --show) SHOW=$2; shift 2 ;;
    --write-fixture) FIXTURE=1; shift ;;
    --strict) STRICT=1; shift ;;
    -h|--help) sed -n 2,19p "$0"; exit 0 ;;
    *) echo "check-gguf-tokenizer: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
NTM_BIN=${NTM_BIN:-build/ntm}
PY=${NTM_PYTHON:-.venv/bin/python}
[[ -x $NTM_BIN ]] || { echo "check-gguf-tokenizer: $NTM_BIN not built (cmake --build build --target ntm)" >&2; exit 2; }
[[ -x $PY ]] || { echo "check-gguf-tokenizer: no python with the references (set NTM_PYTHON or run scripts/setup-references.sh)" >&2; exit 2; }
if [[ -z $MODEL ]]; then
  MODEL=$(ls "${NTM_ASSETS_DIR:-.assets}"/models/*.gguf 2>/dev/null | head -n 1 || true)
  [[ -n $MODEL ]] || { echo "check-gguf-tokenizer: no .gguf in ${NTM_ASSETS_DIR:-.assets}/models (run scripts/fetch-test-assets.sh or pass --model)" >&2; exit 2; }
fi
[[ -f $MODEL ]] || { echo "check-gguf-tokenizer: --model $MODEL: no such file" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ntm-gguf-tok.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
REF=scripts/gguf-tokenizer-reference.py
"$PY" "$REF" texts "$WORK/texts.jsonl"
total_bad=0
for special in 0 1; do
  flag=""; sflag=""; suffix=""
  if [[ $special == 1 ]]; then flag="--add-special-tokens"; sflag="--special"; suffix="/special"; fi
  "$NTM_BIN" tokenize --model "$MODEL" $flag --input "$WORK/texts.jsonl" >"$WORK/ntm$special.jsonl"
  for engine in ${ENGINES//,/ }; do
    "$PY" "$REF" encode "$engine" "$MODEL" "$WORK/texts.jsonl" "$WORK/$engine$special.jsonl" $sflag 2>"$WORK/$engine.log" ||
      { cat "$WORK/$engine.log" >&2; echo "check-gguf-tokenizer: $engine failed (is it installed in $PY?)" >&2; exit 2; }
    out=$("$PY" "$REF" compare "$WORK/ntm$special.jsonl" "$WORK/$engine$special.jsonl" "$WORK/texts.jsonl" \
      "$(basename "$MODEL") vs $engine$suffix" --show "$SHOW")
    echo "$out"
    bad=$(echo "$out" | tail -n 1 | sed -E 's/.* ([0-9]+) mismatches$/\1/')
    if [[ $engine == transformers && $STRICT == 0 ]]; then
      [[ $bad == 0 ]] || echo "  (not counted: transformers' GGUF loader ignores tokenizer.ggml.pre and splits digits the GPT-2 way; see docs/gguf-tokenizer.md; --strict counts it)"
    else
      total_bad=$((total_bad + bad))
    fi
  done
done
if [[ $FIXTURE == 1 ]]; then
  [[ -f $WORK/llama.cpp0.jsonl ]] || { echo "check-gguf-tokenizer: --write-fixture needs the llama.cpp engine" >&2; exit 2; }
  [[ $total_bad == 0 ]] || { echo "check-gguf-tokenizer: not writing the fixture: there are mismatches" >&2; exit 1; }
  "$PY" "$REF" fixture "$MODEL" "$WORK/texts.jsonl" "$WORK/llama.cpp0.jsonl" "$WORK/llama.cpp1.jsonl" \
    tests/fixtures/tokenizers/smollm2-gguf.json
  echo "check-gguf-tokenizer: wrote tests/fixtures/tokenizers/smollm2-gguf.json"
fi
echo "TOTAL: $total_bad mismatches"
[[ $total_bad == 0 ]]
