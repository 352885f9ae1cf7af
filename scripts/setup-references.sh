#!/usr/bin/env bash
# Installs the live references of the parity checks and benchmarks from PyPI into one git-ignored
# venv, .venv/ (pins in scripts/requirements/): torch 2.15.0 (also the libtorch of
# scripts/setup-torch.sh), transformers 5.23.0 (CPU LM reference), tokenizers 0.23.3, gensim 4.4.0,
# gguf 0.19.0. Idempotent: pip runs only when a pin is unmet. Prints the interpreter's path.
#
#   scripts/setup-references.sh               the references above (~3 GB, the torch wheel pulls
#                                             the CUDA 13 run-time wheels)
#   scripts/setup-references.sh --llama-cpp   also llama-cpp-python 0.3.36 (compiled by pip: slow)
# Environment: NTM_PYTHON (an existing python with these pins: checked, never modified),
#   NTM_VENV (.venv), NTM_PIP_ARGS (extra pip arguments, e.g. --find-links DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
REQS=("$PWD/scripts/requirements/references.txt")
for a in "$@"; do
  case "$a" in
    --llama-cpp) REQS+=("$PWD/scripts/requirements/llama-cpp.txt") ;;
    -h|--help) sed -n 2,11p "$0"; exit 0 ;;
    *) echo "setup-references: unknown argument '$a' (see --help)" >&2; exit 2 ;;
  esac
done
source scripts/lib/venv.sh
ntm_python "$PWD" "${REQS[@]}"
"$NTM_PY" -c 'import torch, transformers, tokenizers, gensim, gguf
print(f"setup-references: torch {torch.__version__}, transformers {transformers.__version__}, "
      f"tokenizers {tokenizers.__version__}, gensim {gensim.__version__}, gguf ok", flush=True)' >&2
echo "$NTM_PY"
