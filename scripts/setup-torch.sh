#!/usr/bin/env bash
# The second toolchain: builds ntm and its tests against the libtorch inside the PyPI torch wheel
# (torch==2.15.0, scripts/requirements/torch.txt) into build-torch/, with the CUDA code paths
# compiled in (the default wheel is built for CUDA 13: the CUDA 13.x toolkit's nvcc must be found). The binary also runs on a machine without a GPU (CPU only).
# The Debian build (scripts/setup.sh -> build/, libtorch 1.13 CPU) is unchanged; see docs/building.md.
#
#   scripts/setup-torch.sh                 venv + configure + build  -> build-torch/ntm, build-torch/tests/ntm_tests
# Environment:
#   NTM_PYTHON    a python that already has torch==2.15.0 (used as is); default: .venv/ (created)
#   NTM_VENV      where to create the venv (.venv)        NTM_PIP_ARGS  extra pip arguments
#   NTM_BUILD_DIR build-torch                             NTM_JOBS      parallel jobs (nproc)
#   NTM_TARGETS   limit the build (e.g. ntm)              NTM_CMAKE_ARGS extra cmake arguments
#   TORCH_CUDA_ARCH_LIST (8.0;9.0; only torch's CMake config reads it: ntm has no .cu files)
# Needs the Debian packages of scripts/setup.sh except libtorch-dev (run it once, or NTM_SKIP_APT=1).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
source scripts/lib/ccache.sh
source scripts/lib/venv.sh
ntm_ccache_env "$ROOT"
die() { echo "setup-torch: $*" >&2; exit 2; }

ntm_python "$ROOT" "$ROOT/scripts/requirements/torch.txt"
PY=$NTM_PY
read -r TORCH_VERSION TORCH_CUDA TORCH_CMAKE TORCH_LIB CXX11_ABI < <("$PY" - <<'PYEOF'
import os, torch, torch.utils
print(torch.__version__, torch.version.cuda or "none", torch.utils.cmake_prefix_path,
      os.path.join(os.path.dirname(torch.__file__), "lib"), int(torch.compiled_with_cxx11_abi()))
PYEOF
)
[[ $CXX11_ABI == 1 ]] || die "torch $TORCH_VERSION uses the old C++ ABI; ntm's Debian dependencies need the new one"
SITE=$(dirname "$(dirname "$TORCH_LIB")")

# CUDA: a CUDA wheel's CMake config needs the CUDA toolkit (nvcc, headers, link stubs) of the same
# major version; the run-time libraries come from the wheel. A CPU-only torch needs none.
CUDA_ARGS=()
if [[ $TORCH_CUDA != none ]]; then
  NVCC=$(command -v nvcc || true)
  [[ -z $NVCC && -x /usr/local/cuda/bin/nvcc ]] && NVCC=/usr/local/cuda/bin/nvcc
  [[ -n $NVCC ]] || die "torch $TORCH_VERSION is built for CUDA $TORCH_CUDA and its CMake config needs the CUDA toolkit: put nvcc in PATH (or /usr/local/cuda), or point NTM_PYTHON at a python with a CPU-only torch==2.15.0"
  NVCC_VERSION=$("$NVCC" --version | sed -n 's/.*release \([0-9.]*\),.*/\1/p')
  [[ ${NVCC_VERSION%%.*} == "${TORCH_CUDA%%.*}" ]] ||
    die "nvcc $NVCC_VERSION and torch's CUDA $TORCH_CUDA differ in the major version; install a matching toolkit or torch wheel"
  CUDA_ARGS=(-DCMAKE_CUDA_COMPILER="$NVCC" -DCUDAToolkit_ROOT="$(dirname "$(dirname "$NVCC")")")
  export TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-8.0;9.0}
fi

# Run paths: the wheel's own CUDA run-time libraries (nvidia/*/lib next to torch) come before the
# toolkit's, so that libcudart & co. are the versions libtorch_cuda was built with.
RPATH=$TORCH_LIB
for d in "$SITE"/nvidia/*/lib; do [[ -d $d ]] && RPATH+=":$d"; done
# --no-as-needed: ntm calls nothing in libtorch_cuda directly; an as-needed link would drop it and
# leave torch::cuda::is_available() false on a GPU machine.
LDFLAGS_NTM="-Wl,--no-as-needed -Wl,-rpath,$RPATH"
BUILD=${NTM_BUILD_DIR:-build-torch}
echo "setup-torch: torch $TORCH_VERSION (CUDA $TORCH_CUDA) from $PY, nvcc ${NVCC:-none}" >&2
if [[ ! -f $BUILD/build.ninja ]]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$(dirname "$TORCH_LIB");$TORCH_CMAKE" "${CUDA_ARGS[@]}" \
    -DCMAKE_EXE_LINKER_FLAGS="$LDFLAGS_NTM" -DCMAKE_SHARED_LINKER_FLAGS="$LDFLAGS_NTM" \
    ${NTM_CMAKE_ARGS:-}
fi
cmake --build "$BUILD" -j "${NTM_JOBS:-$(nproc)}" ${NTM_TARGETS:+--target $NTM_TARGETS}
"$BUILD/ntm" --version
echo "setup-torch: built $BUILD/ntm" >&2
