#!/usr/bin/env bash
# Tokenizer throughput: ntm vs Hugging Face tokenizers 0.23.3 (PyPI package = the Rust library)
# on the whole 20 Newsgroups corpus (train + test), Llama-3 and Qwen3 tokenizers, one thread
# each, same machine, same run. Times cover encoding only (no file or JSON I/O) on both sides:
# ntm's `tokenize --stats` encode time, HF's encode_batch loop (batches of 256, which is HF's
# fastest path, with TOKENIZERS_PARALLELISM=false and RAYON_NUM_THREADS=1). Throughput is computed
# from CPU time (robust on a shared machine); wall-clock seconds and their ratio are shown too.
#
#   scripts/bench-tokenizer.sh [--tokenizers llama3,qwen3] [--repeat N]
set -euo pipefail
cd "$(dirname "$0")/.."
TOKS=llama3,qwen3
REPEAT=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tokenizers) TOKS=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    -h|--help) sed -n 2,9p "$0"; exit 0 ;;
    *) echo "bench-tokenizer: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
NTM_BIN=${NTM_BIN:-build/ntm}
DATA=${NTM_DATA_DIR:-../shared/data}
[[ -x $NTM_BIN ]] || { echo "bench-tokenizer: $NTM_BIN not built" >&2; exit 2; }
[[ -f $DATA/20newsgroups/train.tsv ]] || { echo "bench-tokenizer: 20 Newsgroups not found in $DATA (set NTM_DATA_DIR)" >&2; exit 2; }
scripts/fetch-test-assets.sh
source scripts/lib/venv.sh
ntm_python "$PWD" "$PWD/scripts/requirements/references.txt"
hf() { "$NTM_PY" scripts/hf_tokenize.py "$@"; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ntm-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
hf tsv2jsonl "$WORK/20ng.jsonl" "$DATA/20newsgroups/train.tsv" "$DATA/20newsgroups/test.tsv"
export TOKENIZERS_PARALLELISM=false RAYON_NUM_THREADS=1

printf '%-8s %-4s %6s %6s %8s %8s %9s %7s %10s %10s\n' tokenizer impl docs MB wall_s cpu_s docs/s MB/s ratio_cpu ratio_wall
for tok in ${TOKS//,/ }; do
  dir=.assets/tokenizers/$tok
  best_ntm=""; best_hf=""
  for ((r = 0; r < REPEAT; ++r)); do
    line=$("$NTM_BIN" --threads 1 tokenize --model "$dir" --input "$WORK/20ng.jsonl" --stats 2>&1 >/dev/null | grep '^tokenize:')
    # tokenize: N texts, B bytes, T tokens; encode S s = ... MB/s; cpu C s
    docs=$(echo "$line" | sed -E 's/^tokenize: ([0-9]+) texts.*/\1/')
    bytes=$(echo "$line" | sed -E 's/.* ([0-9]+) bytes.*/\1/')
    s=$(echo "$line" | sed -E 's/.*encode ([0-9.e+-]+) s.*/\1/')
    c=$(echo "$line" | sed -E 's/.*cpu ([0-9.e+-]+) s$/\1/')
    if [[ -z $best_ntm ]] || awk "BEGIN{exit !($c < $best_ntm)}"; then best_ntm=$c; ntm_wall=$s; fi
    read -r hdocs hbytes hs hc _ < <(hf bench "$dir/tokenizer.json" "$WORK/20ng.jsonl" --batch 256)
    if [[ -z $best_hf ]] || awk "BEGIN{exit !($hc < $best_hf)}"; then best_hf=$hc; hf_wall=$hs; fi
  done
  awk -v t="$tok" -v d="$docs" -v b="$bytes" -v c="$best_ntm" -v s="$ntm_wall" \
      -v hd="$hdocs" -v hb="$hbytes" -v hc="$best_hf" -v hs="$hf_wall" 'BEGIN {
    printf "%-8s %-4s %6d %6.2f %8.3f %8.3f %9.0f %7.2f %10s %10s\n", t, "hf", hd, hb/1e6, hs, hc, hd/hc, hb/1e6/hc, "1.00x", "1.00x";
    printf "%-8s %-4s %6d %6.2f %8.3f %8.3f %9.0f %7.2f %9.2fx %9.2fx\n", t, "ntm", d, b/1e6, s, c, d/c, b/1e6/c, hc/c, hs/s;
  }'
done
echo "docs/s and MB/s use CPU seconds (ntm: the encoding thread; hf: the whole python process, one Rust thread)."
