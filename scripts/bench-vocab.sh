#!/usr/bin/env bash
# Times `ntm vocab` on all of 20 Newsgroups (train.tsv + test.tsv = 18,846 docs, the paper's
# corpus) and checks that two runs write identical bytes. The reference (spaCy en_core_web_lg,
# full pipeline) is not installable offline, so its column is left empty.
# Usage: scripts/bench-vocab.sh [DATA_DIR]   (default: $NTM_DATA_DIR or ../shared/data)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="${1:-${NTM_DATA_DIR:-$root/../shared/data}}"
ntm="$root/build/apps/ntm"
[ -x "$ntm" ] || ntm="$root/build/ntm"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
{ cat "$data/20newsgroups/train.tsv"; tail -n +2 "$data/20newsgroups/test.tsv"; } > "$tmp/20ng_all.tsv"
run() {
  local t0 t1
  t0=$(date +%s%N)
  NTM_LOG_LEVEL=warn "$ntm" vocab --corpus "$tmp/20ng_all.tsv" --size 2000 --out "$tmp/$1" > "$tmp/$1.log"
  t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'
}
s1=$(run a.json)
s2=$(run b.json)
# The two outputs differ only in config.out; compare with the same name.
mv "$tmp/a.json" "$tmp/first.json"
s3=$(run a.json)
same=$(cmp -s "$tmp/first.json" "$tmp/a.json" && echo yes || echo NO)
printf '%-34s %10s %12s %8s\n' "task" "ntm (s)" "reference" "target"
printf '%-34s %10.2f %12s %8s\n' "ntm vocab 20NG all (18,846 docs)" "$s1" "n/a" "< 10 s"
printf '%-34s %10.2f %12s %8s\n' "  second run" "$s2" "" ""
printf '%-34s %10.2f %12s %8s\n' "  third run" "$s3" "" ""
echo "identical vocab.json bytes across runs: $same"
sed -n '1,4p' "$tmp/a.json.log"
