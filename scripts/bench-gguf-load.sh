#!/usr/bin/env bash
# Benchmark (not a test): ntm loading a model from a GGUF file (matrices kept in their quantized
# blocks, the default, and --gguf-weights float: dequantized to float32 at load) vs ntm loading the same weights from a Hugging Face safetensors folder (float32: the GGUF's
# weights dequantized once by transformers). Both through `ntm lm-run` on one short sequence, in
# the same run; the figure is the load time ntm logs ("lm: loaded ... in X s"), best of RUNS, with
# the peak RSS of that lm-run process (load and one forward pass).
# Two models: SmolLM2-135M-Instruct (Q4_1, 135M weights; skipped when it cannot be fetched) and
# the fixture tests/fixtures/gguf/models/llama-kquants.gguf (K-quants, a few thousand weights:
# there the fixed costs dominate).
# Target (issue 17): GGUF <= 1.5x safetensors.
#
#   scripts/bench-gguf-load.sh [RUNS]     (default 5)
# Environment: NTM_BIN (build/ntm), NTM_THREADS (ntm --threads; 0 = all cores), NTM_PYTHON
#   (python with transformers, gguf, accelerate; only to write the safetensors copies once, into
#   .assets/bench-gguf/).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
NTM=${NTM_BIN:-build/ntm}
THREADS=${NTM_THREADS:-0}
PY=${NTM_PYTHON:-.venv/bin/python}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "[1, 2, 3]" > "$tmp/ids.jsonl"

# GGUF -> float32 safetensors folder (config.json + model.safetensors), once.
to_safetensors() {
  [[ -f $2/model.safetensors ]] && return 0
  echo "bench-gguf-load: writing the float32 safetensors copy of $1 to $2 (once)" >&2
  "$PY" - "$1" "$2" <<'PY'
import json, os, sys, torch
from safetensors.torch import save_file
from transformers import AutoModelForCausalLM
m = AutoModelForCausalLM.from_pretrained(os.path.dirname(os.path.abspath(sys.argv[1])),
                                         gguf_file=os.path.basename(sys.argv[1]), dtype=torch.float32)
# save_pretrained refuses GGUF-loaded models: write config.json and the weights directly.
os.makedirs(sys.argv[2], exist_ok=True)
cfg = m.config.to_dict()
cfg.pop("quantization_config", None)
json.dump(cfg, open(os.path.join(sys.argv[2], "config.json"), "w"), indent=1)
sd = {k: v.contiguous() for k, v in m.state_dict().items() if not (k == "lm_head.weight" and cfg.get("tie_word_embeddings"))}
save_file(sd, os.path.join(sys.argv[2], "model.safetensors"))
PY
}

best() {  # model [ntm flags] -> "best load seconds over RUNS" "peak RSS MiB of that lm-run"
  local model=$1 b=999 r=0 s out
  shift
  for _ in $(seq "$RUNS"); do
    out=$(NTM_LOG_LEVEL=info /usr/bin/time -f 'rss %M' "$NTM" --device cpu --threads "$THREADS" lm-run --model "$model" \
        --input "$tmp/ids.jsonl" --out "$tmp/o.safetensors" --dtype float32 "$@" 2>&1)
    s=$(grep -o 'in [0-9.]*s$' <<< "$out" | tr -dc '0-9.')
    [[ -n $s ]] || { echo "bench-gguf-load: ntm lm-run --model $model $* failed: $out" >&2; exit 1; }
    if awk -v a="$b" -v c="$s" 'BEGIN { exit !(c < a) }'; then
      b=$s; r=$(awk '/^rss/ { printf "%.0f", $2 / 1024 }' <<< "$out")
    fi
  done
  echo "$b $r"
}

size() { du -k "$1" | awk '{ printf "%.1f MB", $1 / 1024 }'; }

row() {  # label what "seconds rss"
  printf '%-14s %-62s %8s %9s\n' "$1" "$2" ${3% *} "${3#* } MiB"
}

pair() {  # label gguf st_dir quant
  local label=$1 gguf=$2 st=$3 quant=$4 g f s
  to_safetensors "$gguf" "$st"
  cat "$gguf" "$st/model.safetensors" > /dev/null  # page cache warm for both
  s=$(best "$st"); g=$(best "$gguf" --gguf-weights quantized); f=$(best "$gguf" --gguf-weights float)
  row "$label" "ntm-safetensors float32 ($(size "$st/model.safetensors"))" "$s"
  row "$label" "ntm-gguf $quant ($(size "$gguf")), kept quantized (default)" "$g"
  row "$label" "ntm-gguf $quant, --gguf-weights float (dequantized at load)" "$f"
  awk -v l="$label" -v g="${g% *}" -v f="${f% *}" -v s="${s% *}" 'BEGIN {
    if (s < 0.005) { printf "%-14s ratio: loads too short to compare (fixed costs only)\n", l; exit }
    printf "%-14s ratio gguf / safetensors: %.2fx kept quantized, %.2fx dequantized at load (target <= 1.5x)\n", l, g / s, f / s }'
}

printf '%-14s %-62s %8s %9s\n' model "load (best of $RUNS, CPU, float32, --threads $THREADS)" seconds "peak RSS"
if GGUF=$(scripts/fetch-smollm2.sh); then
  pair SmolLM2-135M "$GGUF" .assets/bench-gguf/smollm2-f32 Q4_1
else
  echo "bench-gguf-load: SmolLM2 unavailable (offline?); only the fixture is timed" >&2
fi
pair fixture tests/fixtures/gguf/models/llama-kquants.gguf .assets/bench-gguf/llama-kquants-f32 K-quants
