#!/usr/bin/env bash
# Benchmark (not a test): `ntm lm-run` prefill throughput on a random-weight Llama-3.2-1B-shaped
# checkpoint (hidden 2048, 16 layers, 32 heads, 8 KV heads, intermediate 8192, vocab 128256, tied,
# bf16 on disk ~2.5 GB under .assets/), prompts of log-normal lengths (median ~200, max 2048).
#
#   scripts/bench-lm.sh            CPU: tokens/s and peak RSS of ntm (small prompt count)
#                                  GPU box (nvidia-smi + CUDA ntm + python transformers): also
#                                  ntm on CUDA vs HF transformers (best: bf16, sdpa, sorted batches
#                                  of 32, logits_to_keep=1; reference: unsorted, full logits,
#                                  output_hidden_states=True) with the ratio table.
# Environment: NTM_BIN (default build/ntm; build-gpu/ntm is used on a GPU box when present),
#   NTM_BENCH_DIR (.assets/bench-lm), NTM_BENCH_CPU_PROMPTS (12), NTM_BENCH_GPU_PROMPTS (2048),
#   NTM_BENCH_BATCH_TOKENS (CPU 4096, GPU 32768), NTM_PYTHON (python with torch).
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${NTM_BENCH_DIR:-.assets/bench-lm}
MODEL=$DIR/llama-3.2-1b-random
PY=${NTM_PYTHON:-}
if [[ -z $PY ]]; then
  for c in /usr/bin/python3 python3; do
    if $c -c 'import torch' 2>/dev/null; then PY=$c; break; fi
  done
fi
[[ -n $PY ]] || { echo "bench-lm: need a python3 with torch to write the random checkpoint" >&2; exit 2; }
mkdir -p "$DIR"
if [[ ! -f $MODEL/model.safetensors ]]; then
  echo "bench-lm: writing random checkpoint to $MODEL (once)" >&2
  $PY scripts/lm/make_random_llama.py "$MODEL"
fi

have_gpu=0
if command -v nvidia-smi >/dev/null 2>&1 && $PY -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
  have_gpu=1
fi
NTM=${NTM_BIN:-}
if [[ -z $NTM ]]; then
  NTM=build/ntm
  [[ $have_gpu == 1 && -x build-gpu/ntm ]] && NTM=build-gpu/ntm
fi
[[ -x $NTM ]] || { echo "bench-lm: $NTM not built (scripts/setup.sh or scripts/gpu-build.sh)" >&2; exit 2; }

# tokens/s from ntm's own log line (forward only, load excluded): "... = 123.4 tokens/s"
ntm_tps() { grep -o 'lm-run: forward of .*tokens/s' "$1" | tail -1 | sed -E 's/.*= ([0-9.]+) tokens\/s/\1/'; }

# ---- CPU ---------------------------------------------------------------------------------------
N_CPU=${NTM_BENCH_CPU_PROMPTS:-12}
$PY scripts/lm/make_prompts.py "$DIR/cpu.jsonl" "$N_CPU" --seed 1 >&2
echo "bench-lm: ntm on CPU ($(nproc) cores), $N_CPU prompts" >&2
/usr/bin/time -v "$NTM" --device cpu --threads "$(nproc)" lm-run --model "$MODEL" --input "$DIR/cpu.jsonl" --out "$DIR/cpu.out.safetensors" \
  --batch-tokens "${NTM_BENCH_BATCH_TOKENS:-4096}" >"$DIR/cpu.log" 2>&1 || { cat "$DIR/cpu.log" >&2; exit 1; }
cpu_tps=$(ntm_tps "$DIR/cpu.log")
cpu_rss=$(grep 'Maximum resident set size' "$DIR/cpu.log" | awk '{printf "%.2f", $NF / 1048576}')
cpu_tokens=$(grep -o 'forward of [0-9]* sequences, [0-9]* tokens' "$DIR/cpu.log" | awk '{print $5}')

echo
echo "| run | device | prompts | tokens | tokens/s | peak memory |"
echo "|---|---|---|---|---|---|"
echo "| ntm lm-run (fp32) | CPU $(nproc) cores | $N_CPU | $cpu_tokens | $cpu_tps | RSS ${cpu_rss} GiB |"

if [[ $have_gpu != 1 ]]; then
  echo
  echo "(no CUDA GPU + torch here: GPU comparison with HF transformers skipped)"
  exit 0
fi
if ! "$NTM" --version | grep -q CUDA; then
  echo "(GPU present but $NTM has no CUDA: build it with scripts/gpu-build.sh)"; exit 0
fi
if ! $PY -c 'import transformers' 2>/dev/null; then
  echo "(python transformers missing: GPU comparison skipped)"; exit 0
fi

# ---- GPU: ntm vs HF transformers on the same prompts -------------------------------------------
N_GPU=${NTM_BENCH_GPU_PROMPTS:-2048}
$PY scripts/lm/make_prompts.py "$DIR/gpu.jsonl" "$N_GPU" --seed 2 >&2
gpu_name=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)

source scripts/bench/gpu_peak_mem.sh

echo "bench-lm: ntm on $gpu_name, $N_GPU prompts" >&2
# One warm-up run so that both sides are measured with warm page cache / CUDA context.
"$NTM" --device cuda lm-run --model "$MODEL" --input "$DIR/cpu.jsonl" --out "$DIR/warm.safetensors" >/dev/null 2>&1
ntm_mem=$(peak_mem "$DIR/gpu.log" "$NTM" --device cuda lm-run --model "$MODEL" --input "$DIR/gpu.jsonl" \
  --out "$DIR/gpu.out.safetensors" --batch-tokens "${NTM_BENCH_BATCH_TOKENS:-32768}")
ntm_gpu_tps=$(ntm_tps "$DIR/gpu.log")

echo "bench-lm: HF transformers (best, reference)" >&2
hf_best_mem=$(peak_mem "$DIR/hf_best.log" $PY scripts/lm/hf_bench.py "$MODEL" "$DIR/gpu.jsonl" --mode best)
hf_ref_mem=$(peak_mem "$DIR/hf_ref.log" $PY scripts/lm/hf_bench.py "$MODEL" "$DIR/gpu.jsonl" --mode reference)
field() { grep '^{' "$1" | tail -1 | $PY -c "import json,sys; print(round(json.load(sys.stdin)['$2'], 1))"; }
hf_best_tps=$(field "$DIR/hf_best.log" tokens_per_s)
hf_ref_tps=$(field "$DIR/hf_ref.log" tokens_per_s)
gpu_tokens=$(field "$DIR/hf_best.log" tokens)
ratio() { $PY -c "print(f'{$1 / $2:.2f}x')"; }

echo "| ntm lm-run (bf16) | $gpu_name | $N_GPU | $gpu_tokens | $ntm_gpu_tps | ${ntm_mem} GiB |"
echo "| HF best (bf16, sdpa, sorted x32, logits_to_keep=1) | $gpu_name | $N_GPU | $gpu_tokens | $hf_best_tps | ${hf_best_mem} GiB |"
echo "| HF reference (unsorted x32, full logits, hidden states) | $gpu_name | $N_GPU | $gpu_tokens | $hf_ref_tps | ${hf_ref_mem} GiB |"
echo
echo "ntm / HF best      = $(ratio "$ntm_gpu_tps" "$hf_best_tps")   (target >= 1.25x)"
echo "ntm / HF reference = $(ratio "$ntm_gpu_tps" "$hf_ref_tps")"
echo "(peak memory: nvidia-smi device memory above idle, polled every 100 ms; includes the CUDA context)"
