#!/usr/bin/env bash
# Run BEFORE scripts/gpu-build.sh, on any Debian 12 / Ubuntu machine with apt access (no root
# needed): downloads the header-only / dev packages ntm builds against, plus the few runtime
# libraries they link to, and unpacks them into .debs/root (git-ignored). The folder then travels
# with the working tree to a GPU box that has python torch + nvcc but no package manager.
#
#   scripts/prepare-gpu-debs.sh          -> .debs/pkgs/*.deb, .debs/root/usr/{include,lib,share,bin}
set -euo pipefail
cd "$(dirname "$0")/.."

DEV_PKGS=(
  nlohmann-json3-dev libcli11-dev   # header-only
  libspdlog-dev libfmt-dev          # spdlog (compiled, external fmt)
  catch2                            # Catch2 (v2 on Debian 12; tests also build with v3)
  libpcre2-dev                      # tokenizer regexes (ntm_core links PCRE2)
  libsentencepiece-dev              # tokenizer.model support (optional shim)
  pkgconf                           # pkg-config for boxes that lack it (CMake's FindPkgConfig)
)
# Runtime libraries the dev packages point at (names differ between releases: read them from
# apt's dependency lists instead of hard-coding libspdlog1.10 / libfmt9 / ...).
RUNTIME_RE='^(libspdlog[0-9.]+|libfmt[0-9]+|libpcre2-(8|16|32)-0|libpcre2-posix[0-9]+|libsentencepiece[0-9]+|pkgconf-bin|libpkgconf[0-9]+)$'

command -v apt-get >/dev/null || { echo "prepare-gpu-debs: needs apt-get (Debian/Ubuntu)" >&2; exit 2; }
pkgs=("${DEV_PKGS[@]}")
for p in "${DEV_PKGS[@]}"; do
  while read -r dep; do
    [[ $dep =~ $RUNTIME_RE ]] && pkgs+=("$dep")
  done < <(apt-cache depends --no-recommends --no-suggests "$p" 2>/dev/null | awk '/ Depends:/{print $2}')
done
# one more level (pkgconf -> pkgconf-bin -> libpkgconf3)
for p in "${pkgs[@]}"; do
  while read -r dep; do
    [[ $dep =~ $RUNTIME_RE ]] && pkgs+=("$dep")
  done < <(apt-cache depends --no-recommends --no-suggests "$p" 2>/dev/null | awk '/ Depends:/{print $2}')
done
mapfile -t pkgs < <(printf '%s\n' "${pkgs[@]}" | sort -u)

rm -rf .debs/pkgs .debs/root
mkdir -p .debs/pkgs .debs/root
echo "prepare-gpu-debs: downloading ${pkgs[*]}" >&2
(cd .debs/pkgs && apt-get download "${pkgs[@]}")
for d in .debs/pkgs/*.deb; do dpkg -x "$d" .debs/root; done
{
  echo "# made by scripts/prepare-gpu-debs.sh on $(hostname) $(date -u +%FT%TZ)"
  . /etc/os-release 2>/dev/null && echo "# source system: ${PRETTY_NAME:-unknown}"
  for d in .debs/pkgs/*.deb; do dpkg-deb -f "$d" Package Version | paste -sd' '; done
} > .debs/MANIFEST
du -sh .debs/root >&2
echo "prepare-gpu-debs: done; copy the tree (with .debs/) to the GPU box and run scripts/gpu-build.sh" >&2
