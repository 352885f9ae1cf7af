#!/usr/bin/env bash
# Benchmark (not a test): the build-labels workload on CPU with the SmolLM2-135M-Instruct Q4_1
# GGUF — ntm (with and without the prompt-head prefix cache) vs llama.cpp (llama-cpp-python)
# vs transformers fp32 (from_pretrained(gguf_file=...)), on 1 and 2 threads.
#
# Workload: N documents of data/samples/brown_passages.tsv, each its own prompt (the default
# DSL prompt); per document the next-token logits of the 2,000 vocabulary words and the last
# hidden state. Reported: prompt tokens/s and documents/s of the document loop (model loading
# excluded; ntm's figure is build-labels' own rate, which includes its tokenisation pipeline),
# peak RSS of the whole process (/usr/bin/time -v), and the agreement of the soft labels with
# transformers fp32 (top-1 word agreement, mean KL(transformers || run) over the vocabulary words).
#
#   scripts/bench-cpu-lm.sh [--n N] [--threads "1 2"] [--levers]
# --levers adds ntm rows for the CPU levers (issue 20): the GGUF weights dequantized at load instead
# of kept quantized, and LM batches of 1,024 and 32,768 tokens instead of 8,192 (GEMM shapes).
# Environment: NTM_BIN (build/ntm), NTM_PYTHON (/work/venv/bin/python, needs llama-cpp-python,
#   transformers, gguf, accelerate, psutil), NTM_SMOLLM2 (.assets/models/SmolLM2-135M-Instruct.Q4_1.gguf),
#   NTM_BENCH_DIR (.assets/bench-cpu-lm).
set -euo pipefail
cd "$(dirname "$0")/.."
N=40
THREADS="1 2"
LEVERS=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --n) N=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --levers) LEVERS=1; shift ;;
    *) echo "bench-cpu-lm: unknown argument '$1' (use --n N, --threads \"1 2\", --levers)" >&2; exit 2 ;;
  esac
done
NTM=${NTM_BIN:-build/ntm}
PY=${NTM_PYTHON:-/work/venv/bin/python}
MODEL=${NTM_SMOLLM2:-.assets/models/SmolLM2-135M-Instruct.Q4_1.gguf}
DIR=${NTM_BENCH_DIR:-.assets/bench-cpu-lm}
REF=scripts/bench/cpu_lm_ref.py
[[ -x $NTM ]] || { echo "bench-cpu-lm: $NTM not built (cmake --build build --target ntm)" >&2; exit 2; }
[[ -f $MODEL ]] || { echo "bench-cpu-lm: $MODEL not found (run scripts/fetch-smollm2.sh or set NTM_SMOLLM2)" >&2; exit 2; }
$PY -c 'import llama_cpp, transformers, accelerate, psutil' 2>/dev/null ||
  { echo "bench-cpu-lm: $PY lacks llama-cpp-python / transformers / accelerate / psutil (pip install them)" >&2; exit 2; }
mkdir -p "$DIR"

$PY scripts/bench/corpus_to_jsonl.py "$DIR/corpus.jsonl" "$N" data/samples/brown_passages.tsv
"$NTM" vocab --corpus "$DIR/corpus.jsonl" --size 2000 --out "$DIR/vocab.json" >"$DIR/vocab.log" 2>&1 ||
  { tail -5 "$DIR/vocab.log" >&2; exit 1; }

rows=()
peak() { grep 'Maximum resident set size' "$1" | awk '{printf "%.0f MiB", $NF / 1024}'; }
# "build-labels: 48/48 docs, 3.1 docs/s, 540 tokens/s, ETA 0 s" (the last progress line)
ntm_rate() { grep -o 'build-labels: [0-9]*/[0-9]* docs, [0-9.]* docs/s, [0-9.]* tokens/s' "$1" | tail -1 | awk '{print $4, $6}'; }
py_rate() { $PY $REF rate "$1"; }

for t in $THREADS; do
  echo "bench-cpu-lm: $N documents, $t thread(s)" >&2
  # name|build-labels flags; the first is ntm's default configuration
  modes=("ntm, prefix cache (default)|--prefix-cache" "ntm --no-prefix-cache|--no-prefix-cache")
  if [[ $LEVERS == 1 ]]; then
    modes+=("ntm --gguf-weights float (dequantized at load)|--gguf-weights float"
      "ntm --batch-tokens 1024|--batch-tokens 1024" "ntm --batch-tokens 32768|--batch-tokens 32768")
  fi
  ntm_rows=()
  for i in "${!modes[@]}"; do
    out="$DIR/ntm-$t"; [[ $i == 0 ]] || out="$out-$i"
    rm -rf "$out"
    # shellcheck disable=SC2086  # the flags are words
    /usr/bin/time -v "$NTM" --device cpu --threads "$t" --log-level info build-labels --corpus "$DIR/corpus.jsonl" \
      --model "$MODEL" --vocab "$DIR/vocab.json" --out "$out" --dtype float32 ${modes[$i]#*|} >"$out.log" 2>&1 ||
      { tail -20 "$out.log" >&2; exit 1; }
    $PY $REF store "$out" "$out.npz"
    ntm_rows+=("${modes[$i]%%|*}|$out")
  done
  words="$DIR/ntm-$t/word_tokens.json"
  /usr/bin/time -v $PY $REF hf "$MODEL" "$DIR/corpus.jsonl" "$words" "$t" "$DIR/hf-$t.npz" >"$DIR/hf-$t.log" 2>&1 ||
    { tail -20 "$DIR/hf-$t.log" >&2; exit 1; }
  for variant in full prefix-reuse logits-only; do
    flag=
    [[ $variant == prefix-reuse ]] && flag=--prefix-reuse
    [[ $variant == logits-only ]] && flag=--no-hidden
    /usr/bin/time -v $PY $REF llama "$MODEL" "$DIR/corpus.jsonl" "$words" "$t" "$DIR/llama-$variant-$t.npz" $flag \
      >"$DIR/llama-$variant-$t.log" 2>&1 || { tail -20 "$DIR/llama-$variant-$t.log" >&2; exit 1; }
  done
  ref="$DIR/hf-$t.npz"
  row() {  # name log npz rate
    local a; a=$($PY $REF agree "$ref" "$3")
    rows+=("| $1 | $t | $(echo "$4" | awk '{print $1}') | $(echo "$4" | awk '{print $2}') | $(peak "$2") | $(echo "$a" | awk '{print $1}') % | $(echo "$a" | awk '{print $2}') | $(echo "$a" | awk '{print $3}') |")
  }
  for r in "${ntm_rows[@]}"; do
    o=${r#*|}
    row "${r%%|*}" "$o.log" "$o.npz" "$(ntm_rate "$o.log")"
  done
  row "llama.cpp, KV reset per document" "$DIR/llama-full-$t.log" "$DIR/llama-full-$t.npz" "$(py_rate "$DIR/llama-full-$t.log")"
  row "llama.cpp, its prefix reuse (KV of the shared head kept)" "$DIR/llama-prefix-reuse-$t.log" "$DIR/llama-prefix-reuse-$t.npz" "$(py_rate "$DIR/llama-prefix-reuse-$t.log")"
  row "llama.cpp, KV reset, logits only (no hidden state)" "$DIR/llama-logits-only-$t.log" "$DIR/llama-logits-only-$t.npz" "$(py_rate "$DIR/llama-logits-only-$t.log")"
  row "transformers fp32 (reference)" "$DIR/hf-$t.log" "$DIR/hf-$t.npz" "$(py_rate "$DIR/hf-$t.log")"
done

tokens=$($PY -c "import numpy as np; print(int(np.load('$DIR/hf-${THREADS%% *}.npz')['prompt_tokens'].sum()))")
echo
echo "$N documents ($tokens prompt tokens), $(basename "$MODEL"), $(date -u +%Y-%m-%d), $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cores), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| run | threads | docs/s | prompt tokens/s | peak RSS | top-1 vs transformers | mean KL | same prompt tokens |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
