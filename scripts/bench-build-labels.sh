#!/usr/bin/env bash
# Benchmark (not a test): `ntm build-labels` throughput.
#
# CPU (always): all of 20 Newsgroups (train.tsv + test.tsv = 18,846 documents, full length, no
#   truncation, as the reference) with the bundled tiny random LM (data/tiny-lm), vocabulary of
#   2,000 words: wall time, documents/s, prompt tokens/s, peak RSS, store size.
# GPU box (nvidia-smi + a CUDA ntm from scripts/gpu-build.sh + python transformers): the first
#   NTM_BENCH_GPU_DOCS documents (2,000) with a random-weight Llama-3.2-1B-shaped checkpoint
#   (scripts/lm/make_random_llama.py + the Llama-3 tokenizer from .assets/) — ntm (bf16, CUDA) vs
#   HF transformers the reference's way (batch 32 in corpus order, full logits, hidden states),
#   HF's best way (length-sorted batches of 32, logits_to_keep=1) and, for the record, the
#   reference scripts' batch 1 on NTM_BENCH_BATCH1_DOCS (200) documents. Targets: >= 10x the
#   reference's way, >= 1.25x HF's best.
#
#   scripts/bench-build-labels.sh [DATA_DIR]       (default: $NTM_DATA_DIR or ../shared/data)
# Environment: NTM_BIN, NTM_BENCH_THREADS (CPU threads, default all cores), NTM_BENCH_DOCS (CPU: limit to the first N documents; default all),
#   NTM_BENCH_GPU_DOCS, NTM_BENCH_BATCH1_DOCS, NTM_PYTHON, NTM_BENCH_DIR (.assets/bench-build-labels).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-${NTM_DATA_DIR:-../shared/data}}
[[ -f $DATA/20newsgroups/train.tsv ]] || { echo "bench-build-labels: $DATA/20newsgroups/train.tsv not found (pass DATA_DIR or set NTM_DATA_DIR)" >&2; exit 2; }
DIR=${NTM_BENCH_DIR:-.assets/bench-build-labels}
mkdir -p "$DIR"
PY=${NTM_PYTHON:-/usr/bin/python3}
THREADS=${NTM_BENCH_THREADS:-$(nproc)}
have_gpu=0
if command -v nvidia-smi >/dev/null 2>&1 && $PY -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then have_gpu=1; fi
NTM=${NTM_BIN:-build/ntm}
[[ $have_gpu == 1 && -z ${NTM_BIN:-} && -x build-gpu/ntm ]] && NTM=build-gpu/ntm
[[ -x $NTM ]] || { echo "bench-build-labels: $NTM not built (scripts/setup.sh)" >&2; exit 2; }

# 20NG as one JSONL corpus (byte-exact texts for ntm and for the Python side).
$PY scripts/bench/corpus_to_jsonl.py "$DIR/20ng.jsonl" "${NTM_BENCH_DOCS:-0}" "$DATA/20newsgroups/train.tsv" "$DATA/20newsgroups/test.tsv"
ndocs=$(wc -l < "$DIR/20ng.jsonl")

# "... wrote N documents (T prompt tokens) to DIR in S s"
field_from_log() { grep -o "wrote [0-9]* documents ([0-9]* prompt tokens) to .* in [0-9.]* s" "$1" | tail -1; }

echo "bench-build-labels: ntm on CPU ($THREADS of $(nproc) cores), $ndocs documents, data/tiny-lm" >&2
rm -rf "$DIR/cpu-labels"
/usr/bin/time -v "$NTM" --device cpu --threads "$THREADS" build-labels --corpus "$DIR/20ng.jsonl" --model data/tiny-lm \
  --vocab-size 2000 --out "$DIR/cpu-labels" >"$DIR/cpu.log" 2>&1 || { tail -20 "$DIR/cpu.log" >&2; exit 1; }
line=$(field_from_log "$DIR/cpu.log")
docs=$(echo "$line" | awk '{print $2}'); tokens=$(echo "$line" | sed -E 's/.*\(([0-9]+) prompt.*/\1/'); secs=$(echo "$line" | awk '{print $(NF-1)}')
rss=$(grep 'Maximum resident set size' "$DIR/cpu.log" | awk '{printf "%.2f", $NF / 1048576}')
cpu=$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ {s += $2} END {printf "%.1f", s}' "$DIR/cpu.log")
size=$(du -sh "$DIR/cpu-labels" | cut -f1)
rate() { $PY -c "print(f'{$1 / $2:.1f}')"; }
echo
echo "| run | device | documents | prompt tokens | seconds | docs/s | tokens/s | peak memory | store |"
echo "|---|---|---|---|---|---|---|---|---|"
echo "| ntm build-labels, tiny LM (fp32) | CPU, $THREADS thread(s) | $docs | $tokens | $secs | $(rate "$docs" "$secs") | $(rate "$tokens" "$secs") | RSS ${rss} GiB | $size |"
echo "| same, per CPU second (user + sys: $cpu s) | | | | | $(rate "$docs" "$cpu") | $(rate "$tokens" "$cpu") | | |"
echo "(seconds: ntm's own total, including corpus reading, vocabulary, tokenisation, the LM and writing; load average $(cut -d' ' -f1-3 /proc/loadavg))"

if [[ $have_gpu != 1 ]]; then echo; echo "(no CUDA GPU + torch here: the GPU comparison with HF transformers is skipped)"; exit 0; fi
if ! "$NTM" --version | grep -q CUDA; then echo "(GPU present but $NTM has no CUDA: build it with scripts/gpu-build.sh)"; exit 0; fi
if ! $PY -c 'import transformers' 2>/dev/null; then echo "(python transformers missing: GPU comparison skipped)"; exit 0; fi

# ---- GPU ----------------------------------------------------------------------------------------
MODEL=.assets/bench-lm/llama-3.2-1b-random
if [[ ! -f $MODEL/model.safetensors ]]; then $PY scripts/lm/make_random_llama.py "$MODEL"; fi
[[ -f .assets/tokenizers/llama3/tokenizer.json ]] || scripts/fetch-test-assets.sh >&2
cp .assets/tokenizers/llama3/tokenizer.json .assets/tokenizers/llama3/tokenizer_config.json "$MODEL/"
N_GPU=${NTM_BENCH_GPU_DOCS:-2000} N_B1=${NTM_BENCH_BATCH1_DOCS:-200}
head -n "$N_GPU" "$DIR/20ng.jsonl" > "$DIR/gpu.jsonl"
head -n "$N_B1" "$DIR/20ng.jsonl" > "$DIR/gpu-b1.jsonl"
gpu_name=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
source scripts/bench/gpu_peak_mem.sh
rm -rf "$DIR/gpu-labels" "$DIR/gpu-warm"
"$NTM" --device cuda build-labels --corpus "$DIR/gpu-b1.jsonl" --model "$MODEL" --vocab-size 2000 --out "$DIR/gpu-warm" >/dev/null 2>&1
ntm_mem=$(peak_mem "$DIR/gpu.log" "$NTM" --device cuda build-labels --corpus "$DIR/gpu.jsonl" --model "$MODEL" \
  --vocab "$DIR/gpu-warm/vocab.json" --out "$DIR/gpu-labels" --batch-tokens 65536)
line=$(field_from_log "$DIR/gpu.log")
g_docs=$(echo "$line" | awk '{print $2}'); g_tok=$(echo "$line" | sed -E 's/.*\(([0-9]+) prompt.*/\1/'); g_secs=$(echo "$line" | awk '{print $(NF-1)}')
hf() {  # mode corpus -> "docs_per_s tokens_per_s seconds peak_mem"
  local log="$DIR/hf-$1.log"
  peak_mem "$log" $PY scripts/lm/hf_build_labels.py "$MODEL" "$2" "$DIR/gpu-labels/word_tokens.json" --mode "$1" >/dev/null
  grep '^{' "$log" | tail -1 | $PY -c "import json,sys; d=json.load(sys.stdin); print(f\"{d['docs_per_s']:.2f} {d['tokens_per_s']:.0f} {d['seconds']:.1f} {d['peak_mem_gb']:.1f}\")"
}
read -r ref_dps ref_tps ref_s ref_mem < <(hf reference "$DIR/gpu.jsonl")
read -r best_dps best_tps best_s best_mem < <(hf best "$DIR/gpu.jsonl")
read -r b1_dps b1_tps b1_s b1_mem < <(hf batch1 "$DIR/gpu-b1.jsonl")
ntm_dps=$(rate "$g_docs" "$g_secs")
echo "| ntm build-labels, Llama-3.2-1B-shaped (bf16) | $gpu_name | $g_docs | $g_tok | $g_secs | $ntm_dps | $(rate "$g_tok" "$g_secs") | ${ntm_mem} GiB | |"
echo "| HF reference way (batch 32, corpus order, full logits, hidden states) | $gpu_name | $N_GPU | | $ref_s | $ref_dps | $ref_tps | ${ref_mem} GiB (torch) | |"
echo "| HF best (sorted x32, logits_to_keep=1) | $gpu_name | $N_GPU | | $best_s | $best_dps | $best_tps | ${best_mem} GiB (torch) | |"
echo "| HF reference scripts' batch 1 (record) | $gpu_name | $N_B1 | | $b1_s | $b1_dps | $b1_tps | ${b1_mem} GiB (torch) | |"
echo
echo "ntm / HF reference way = $($PY -c "print(f'{$ntm_dps / $ref_dps:.2f}x')")   (target >= 10x)"
echo "ntm / HF best          = $($PY -c "print(f'{$ntm_dps / $best_dps:.2f}x')")   (target >= 1.25x)"
echo "(ntm's seconds include its corpus reading and tokenisation; HF's include tokenisation, not model loading)"
