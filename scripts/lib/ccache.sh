# Sourced by the build scripts: ccache settings that let any clone of ntm hit the cache of any
# other clone on the same machine (paths are rewritten relative to the repository root), and that
# keep hits with the precompiled <torch/torch.h> of ntm_core (ccache refuses PCH users otherwise).
# A value already in the environment wins.
ntm_ccache_env() {
  local root=$1
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root}
  export CCACHE_SLOPPINESS=${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}
  export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
}
