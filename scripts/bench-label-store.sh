#!/bin/sh
# Label store throughput: writes, validates and reads a 20 Newsgroups-sized store
# (D = 18,846, V = 2,000, H = 768 float32, ~209 MB) in $TMPDIR and prints a table.
# There is no reference implementation of the store; the figures are absolute.
set -e
cd "$(dirname "$0")/.."
[ -x build/tests/ntm_tests ] || cmake --build build -j2 --target ntm_tests
NTM_LOG_LEVEL=warn build/tests/ntm_tests "[.bench-store]" --success | grep -v '^\[' | sed -n '/^label store D=/,/^read_all/p'
