#!/usr/bin/env bash
# Live LM parity: transformers 5.23.0 on CPU (fp32, from PyPI) vs `ntm lm-run`, on every checkpoint
# in tests/fixtures/lm-models plus one random-weight tiny model per family ntm supports that
# transformers can build. Max |diff| of last-token logits, final hidden state and every layer's
# hidden state must be <= 1e-4 (--tol). Prints one row per model; exit 1 on any mismatch.
#
#   scripts/check-lm-parity.sh [--only llama,gpt2] [--tol 1e-4] [--keep DIR]
# Needs: a built ntm ($NTM_BIN, default build/ntm; build-torch/ntm works too) and the references
# venv (scripts/setup-references.sh, or NTM_PYTHON).
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in -h|--help) sed -n 2,9p "$0"; exit 0 ;; esac
NTM_BIN=${NTM_BIN:-build/ntm}
[[ -x $NTM_BIN ]] || { echo "check-lm-parity: $NTM_BIN not built (scripts/setup.sh, or set NTM_BIN)" >&2; exit 2; }
source scripts/lib/venv.sh
ntm_python "$PWD" "$PWD/scripts/requirements/references.txt"
exec "$NTM_PY" scripts/lm/check_lm_parity.py --ntm "$NTM_BIN" "$@"
