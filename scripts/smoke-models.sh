#!/usr/bin/env bash
# Smoke run of every gradient-trained model on a tiny label store built from the e2e fixture LM
# (72 documents, V = 12): 3 epochs each, then `ntm infer` with the trained seed. A minute on a CPU.
# Usage: scripts/smoke-models.sh [BUILD_DIR]   (default build); leaves the runs in a temp dir it prints.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}/ntm
T=$(mktemp -d /tmp/ntm-smoke-XXXX)
/usr/bin/python3 - "$T" <<'PY'
import json, sys
j = json.load(open("tests/fixtures/e2e/e2e.json"))
with open(sys.argv[1] + "/corpus.jsonl", "w") as f:
    for i, d in enumerate(j["documents"] * 12):
        f.write(json.dumps({"text": d, "label": str(i % 3)}) + "\n")
json.dump(j["vocab"], open(sys.argv[1] + "/vocab.json", "w"))
PY
"$B" --log-level warn build-labels --corpus "$T/corpus.jsonl" --model tests/fixtures/e2e --vocab "$T/vocab.json" \
  --out "$T/labels" --chunk-size 32
for m in dsl-prodlda prodlda dsl-etm etm dsl-ecrtm ecrtm dsl-fastopic fastopic; do
  "$B" --device cpu --threads 1 --log-level warn train --config "configs/$m.json" --labels "$T/labels" \
    --out "$T/$m" --epochs 3 --seeds 0 --num-topics 4 --top-n 5 >/dev/null
  "$B" --device cpu --threads 1 --log-level warn infer --run "$T/$m/seed-0" --labels "$T/labels" \
    --out "$T/$m-theta.safetensors" >/dev/null
  /usr/bin/python3 -c "import json, sys; m = json.load(open(sys.argv[1])); print(f\"{m['model']:<13} loss {m['final_loss']:.4f}  \", json.load(open(sys.argv[2]))['topics'][0])" \
    "$T/$m/seed-0/meta.json" "$T/$m/seed-0/topics.json"
done
echo "runs in $T"
