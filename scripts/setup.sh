#!/usr/bin/env bash
# Command one's first half: installs ntm's Debian 12 dependencies (idempotent) and builds
# Release into build/. Safe to re-run; only missing packages are installed.
#   scripts/setup.sh            install + configure + build
#   NTM_SKIP_APT=1 scripts/setup.sh   build only
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ccache.sh
ntm_ccache_env "$PWD"

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libtorch-dev libopenblas0-pthread        # libtorch 1.13 (CPU); pthread OpenBLAS (~25x faster GEMM than the reference BLAS)
  libsentencepiece-dev sentencepiece       # tokenizer.model support (loaded through our shim) + spm_train for tests
  nlohmann-json3-dev libcli11-dev libspdlog-dev catch2 libpcre2-dev
  python3-numpy python3-gensim             # label-store reader tests; the Debian gensim 4.2 coherence parity case
)

if [[ "${NTM_SKIP_APT:-0}" != 1 ]]; then
  missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

BUILD_DIR=${NTM_BUILD_DIR:-build}
JOBS=${NTM_JOBS:-$(nproc)}
if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release ${NTM_CMAKE_ARGS:-}
fi
# NTM_TARGETS limits the build (quickstart builds only the ntm binary; test.sh builds the rest).
cmake --build "$BUILD_DIR" -j "$JOBS" ${NTM_TARGETS:+--target $NTM_TARGETS}
echo "setup: built $BUILD_DIR/ntm"
