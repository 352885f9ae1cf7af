# Sourced by the scripts that need Python packages from PyPI (setup-torch.sh, setup-references.sh,
# the parity and benchmark scripts). ntm_python ROOT REQUIREMENTS... sets NTM_PY to an interpreter
# that satisfies the pins in scripts/requirements/:
#   NTM_PYTHON=/path/to/python   used as is, never modified: an unmet pin is an error naming it
#   otherwise                    $NTM_VENV (default ROOT/.venv, git-ignored), created with
#                                `python3 -m venv` and filled by pip (only when a pin is unmet)
# NTM_PIP_ARGS adds pip arguments (e.g. --find-links DIR with a downloaded torch wheel).
ntm_python() {
  local root=$1; shift
  local missing
  if [[ -n ${NTM_PYTHON:-} ]]; then
    [[ -x $NTM_PYTHON ]] || { echo "ntm: NTM_PYTHON=$NTM_PYTHON is not an executable" >&2; exit 2; }
    missing=$("$NTM_PYTHON" "$root/scripts/lib/check_pins.py" "$@")
    if [[ -n $missing ]]; then
      echo "ntm: NTM_PYTHON=$NTM_PYTHON lacks:" >&2
      echo "$missing" | sed 's/^/  /' >&2
      echo "ntm: install them there (pip install -r ${*/#$root\//}), or unset NTM_PYTHON to use the repo's .venv/" >&2
      exit 2
    fi
    NTM_PY=$NTM_PYTHON
    return 0
  fi
  local venv=${NTM_VENV:-$root/.venv}
  if [[ ! -x $venv/bin/python ]]; then
    echo "ntm: creating the virtual environment $venv" >&2
    python3 -m venv "$venv" || { echo "ntm: python3 -m venv failed (apt-get install python3-venv)" >&2; exit 2; }
  fi
  missing=$("$venv/bin/python" "$root/scripts/lib/check_pins.py" "$@")
  if [[ -n $missing ]]; then
    echo "ntm: installing into $venv from PyPI:" >&2
    echo "$missing" | sed 's/^/  /' >&2
    local reqs=() f
    for f in "$@"; do reqs+=(-r "$f"); done
    # shellcheck disable=SC2086
    "$venv/bin/python" -m pip install --disable-pip-version-check -q ${NTM_PIP_ARGS:-} "${reqs[@]}" ||
      { echo "ntm: pip install into $venv failed (network? PyPI reachable?)" >&2; exit 2; }
  fi
  NTM_PY=$venv/bin/python
}
