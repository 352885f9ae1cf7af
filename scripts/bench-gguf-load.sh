#!/usr/bin/env bash
# Benchmark (not a test): loading SmolLM2-135M-Instruct from its Q4_1 GGUF file (dequantized to
# float32 at load) vs loading the same weights from a Hugging Face safetensors folder (float32,
# the GGUF's weights dequantized once by transformers). Both through `ntm lm-run` on one short
# sequence; the figure is the load time ntm logs ("lm: loaded ... in X s"), best of N runs.
# Target (issue 17): GGUF <= 1.5x safetensors.
#
#   scripts/bench-gguf-load.sh [RUNS]     (default 3)
# Environment: NTM_BIN (build/ntm), NTM_PYTHON (python with transformers, gguf, accelerate; only
#   to write the safetensors copy once, into .assets/bench-gguf/).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
NTM=${NTM_BIN:-build/ntm}
PY=${NTM_PYTHON:-.venv/bin/python}
GGUF=$(scripts/fetch-smollm2.sh) || { echo "bench-gguf-load: SmolLM2 unavailable (offline?)" >&2; exit 1; }
ST=.assets/bench-gguf/smollm2-f32
if [[ ! -f $ST/model.safetensors ]]; then
  echo "bench-gguf-load: writing the float32 safetensors copy to $ST (once)" >&2
  "$PY" - "$GGUF" "$ST" <<'PY'
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
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "[1, 2, 3]" > "$tmp/ids.jsonl"
best() {  # model -> best load seconds over RUNS
  local b=999 s
  for _ in $(seq "$RUNS"); do
    s=$(NTM_LOG_LEVEL=info "$NTM" --device cpu lm-run --model "$1" --input "$tmp/ids.jsonl" --out "$tmp/o.safetensors" \
        --dtype float32 2>&1 | grep -o 'in [0-9.]*s$' | tr -dc '0-9.')
    b=$(awk -v a="$b" -v c="$s" 'BEGIN { print (c < a) ? c : a }')
  done
  echo "$b"
}
cat "$GGUF" "$ST/model.safetensors" > /dev/null  # page cache warm for both
g=$(best "$GGUF"); s=$(best "$ST")
printf '%-34s %10s\n' "load (best of $RUNS, CPU, float32)" seconds
printf '%-34s %10s\n' "safetensors float32 ($(du -m "$ST/model.safetensors" | cut -f1) MB)" "$s"
printf '%-34s %10s\n' "GGUF Q4_1 ($(du -m "$GGUF" | cut -f1) MB), dequantized" "$g"
awk -v g="$g" -v s="$s" 'BEGIN { printf "ratio GGUF / safetensors: %.2fx (target <= 1.5x)\n", g / s }'
