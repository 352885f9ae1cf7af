#!/usr/bin/env bash
# Builds ntm with CUDA against the libtorch inside the python torch wheel, on a GPU box that has
# `python3 -c 'import torch'` and nvcc but no package manager and none of ntm's Debian
# dependencies. Run scripts/prepare-gpu-debs.sh beforehand on a Debian/Ubuntu machine: it leaves
# the dev packages unpacked in .debs/root, which travels with the tree.
#
#   scripts/gpu-build.sh            -> build-gpu/ntm, build-gpu/tests/ntm_tests
#   NTM_GPU_TEST=1 scripts/gpu-build.sh   also runs the [lm] and [cuda] tests
# Environment: PYTHON (python3), NTM_BUILD_DIR (build-gpu), TORCH_CUDA_ARCH_LIST (9.0 = H100/H200),
#   NTM_JOBS (nproc), NTM_CMAKE_ARGS (extra cmake arguments),
#   NTM_PKG_CONFIG=carried (use the pkgconf from .debs even if the box has one),
#   NTM_GPU_CONFIGURE_ONLY=1 (check the .debs wiring: configure only, CPU torch accepted, no nvcc).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT_DIR=$PWD
PY=${PYTHON:-python3}
BUILD=${NTM_BUILD_DIR:-build-gpu}
DEBS=$ROOT_DIR/.debs/root

die() { echo "gpu-build: $*" >&2; exit 2; }
[[ -d $DEBS/usr/include ]] || die "no .debs/root: run scripts/prepare-gpu-debs.sh on a Debian/Ubuntu machine first"
TORCH_CMAKE=$($PY -c 'import torch; print(torch.utils.cmake_prefix_path)') || die "$PY cannot import torch"
TORCH_CUDA=$($PY -c 'import torch; print(torch.version.cuda or "")')
DRY=${NTM_GPU_CONFIGURE_ONLY:-0}
[[ -n $TORCH_CUDA || $DRY == 1 ]] || die "the torch wheel of $PY has no CUDA"
$PY -c 'import torch, sys; sys.exit(0 if torch.compiled_with_cxx11_abi() else 1)' ||
  die "this torch wheel uses the old C++ ABI; ntm's dependencies use the new one (_GLIBCXX_USE_CXX11_ABI=1)"
NVCC=$(command -v nvcc || true)
[[ -z $NVCC && -x /usr/local/cuda/bin/nvcc ]] && NVCC=/usr/local/cuda/bin/nvcc
[[ -n $NVCC || $DRY == 1 ]] || die "nvcc not found (PATH or /usr/local/cuda/bin)"
CUDA_ARGS=()
if [[ -n $NVCC ]]; then
  CUDA_ARGS=(-DCUDAToolkit_ROOT="$(dirname "$(dirname "$NVCC")")")
fi
export TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-9.0}

# pkg-config for PCRE2 / sentencepiece: the .pc files in .debs say prefix=/usr; write relocated
# copies pointing into .debs/root (the tree may have moved since prepare-gpu-debs.sh).
PC=$ROOT_DIR/.debs/pc
rm -rf "$PC" && mkdir -p "$PC" "$ROOT_DIR/.debs/bin"
for f in "$DEBS"/usr/lib/*/pkgconfig/*.pc "$DEBS"/usr/share/pkgconfig/*.pc; do
  [[ -f $f ]] || continue
  sed -e "s|^prefix=/usr\$|prefix=$DEBS/usr|" -e "s|=/usr/|=$DEBS/usr/|g" "$f" > "$PC/$(basename "$f")"
done
PKG_CONFIG_BIN=${NTM_PKG_CONFIG:-$(command -v pkg-config || command -v pkgconf || true)}
if [[ -z $PKG_CONFIG_BIN || $PKG_CONFIG_BIN == carried ]]; then
  [[ -x $DEBS/usr/bin/pkgconf ]] || die "no pkg-config here and none in .debs (re-run prepare-gpu-debs.sh)"
  cat > "$ROOT_DIR/.debs/bin/pkg-config" <<WRAP
#!/bin/sh
LD_LIBRARY_PATH="$(echo "$DEBS"/usr/lib/x86_64-linux-gnu)" exec "$DEBS/usr/bin/pkgconf" "\$@"
WRAP
  chmod +x "$ROOT_DIR/.debs/bin/pkg-config"
  PKG_CONFIG_BIN=$ROOT_DIR/.debs/bin/pkg-config
fi
export PKG_CONFIG_LIBDIR=$PC PKG_CONFIG_PATH=$PC

GEN=()
command -v ninja >/dev/null && GEN=(-G Ninja)
echo "gpu-build: torch $($PY -c 'import torch; print(torch.__version__)') (CUDA $TORCH_CUDA), nvcc $NVCC, deps $DEBS" >&2
# --no-as-needed: nothing in ntm calls into libtorch_cuda directly, and an as-needed link (the
# Ubuntu default) would drop it, leaving torch::cuda::is_available() false at run time.
cmake -S . -B "$BUILD" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$TORCH_CMAKE;$DEBS/usr" \
  -DPKG_CONFIG_EXECUTABLE="$PKG_CONFIG_BIN" \
  "${CUDA_ARGS[@]}" \
  -DCMAKE_EXE_LINKER_FLAGS="-Wl,--no-as-needed" -DCMAKE_SHARED_LINKER_FLAGS="-Wl,--no-as-needed" \
  -DCMAKE_BUILD_RPATH="$DEBS/usr/lib/x86_64-linux-gnu" \
  ${NTM_CMAKE_ARGS:-}
if [[ $DRY == 1 ]]; then
  grep -E '^(nlohmann_json|CLI11|spdlog|fmt|Catch2)_DIR|^PCRE2_INCLUDEDIR|^pkgcfg_lib_PCRE2' "$BUILD/CMakeCache.txt"
  exit 0
fi
cmake --build "$BUILD" -j "${NTM_JOBS:-$(nproc)}"
"$BUILD/ntm" --version
if "$BUILD/ntm" --version | grep -q CUDA; then
  echo "gpu-build: ok, $BUILD/ntm sees CUDA" >&2
else
  echo "gpu-build: WARNING: $BUILD/ntm does not see a CUDA device (driver? CUDA_VISIBLE_DEVICES?)" >&2
fi
if [[ ${NTM_GPU_TEST:-0} == 1 ]]; then
  "$BUILD/tests/ntm_tests" "[lm],[cuda]"
fi
