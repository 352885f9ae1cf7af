#!/usr/bin/env bash
# The method on a real LM, measured (issue #18): SmolLM2-135M-Instruct (Q4_1 GGUF) soft labels on
# stratified subsets of 20 Newsgroups and StackOverflow; every DSL model and every baseline ntm has,
# K = 20 and 50, seeds 0-2; NPMI and C_V over the subset itself, TD, I-RBO, purity, NMI, P@k, and
# the LLM rating with the same SmolLM2; `ntm compare` tables (mean ± std) and the time of each stage.
#
#   scripts/check-real-lm.sh [--quick] [--corpus 20ng|stackoverflow|all] [--prompts] [--labels-only]
#
#   --quick     a small run to see that everything works: 300 + 300 documents, K = 20, no LLM rating
#   --prompts   instead of the model grid: --prompt default, variant1..variant5 on one corpus
#               (PROMPT_CORPUS, default stackoverflow) at K = 20 with DSL-ProdLDA, seeds 0-2
#   --labels-only   stop after the label stores (e.g. build them first, one process per corpus)
# Environment (defaults in brackets):
#   DOCS_20NG [10000] DOCS_SO [10000]   documents in each stratified subset (equal share per label):
#               the README's tables. On 2 cores, build-labels takes about 30 min (20NG 28, StackOverflow 4)
#               and training 8 process-hours, about 4-5 h run as two processes (one per corpus, or
#               MODELS split); 1000 + 1000 takes about 40 min. An OUT holding another size is refused.
#   MAX_TOKENS_20NG [192] MAX_TOKENS_SO [64]   build-labels --max-tokens (whole prompt, in tokens)
#   KS ["20 50"]  SEEDS [0,1,2]  THREADS [2]  RATING [1] (0: no --llm-rating)
#   MODELS [all 11]  LM [.assets/models/SmolLM2-135M-Instruct.Q4_1.gguf]  NTM_BIN [build/ntm]
#   OUT [.assets/real-lm]  PY [/usr/bin/python3]  DATA [$NTM_DATA_DIR or ../shared/data]
# Every stage is skipped when its output is complete (label stores through --resume, which refuses a
# store built from other inputs, as the subset step refuses another size; runs through
# train --resume, evals when metrics.json exists), so a rerun only does what is missing. Stage
# times go to $OUT/<corpus>/times.tsv; tables to $OUT/<corpus>/table-K<k>.md (every metric) and
# $OUT/<corpus>/summary.md (the headline metrics of every K, and the time per stage kind); with both
# corpora, $OUT/headline-K<k>.md puts them side by side (purity, NMI, NPMI, TD).
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=0 WHICH=all PROMPTS=0 LABELS_ONLY=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) QUICK=1 ;;
    --corpus) WHICH=$2; shift ;;
    --prompts) PROMPTS=1 ;;
    --labels-only) LABELS_ONLY=1 ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "check-real-lm.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
NTM=${NTM_BIN:-build/ntm}
PY=${PY:-/usr/bin/python3}
DATA=${DATA:-${NTM_DATA_DIR:-../shared/data}}
LM=${LM:-.assets/models/SmolLM2-135M-Instruct.Q4_1.gguf}
THREADS=${THREADS:-2}
SEEDS=${SEEDS:-0,1,2}
RATING=${RATING:-1}
MODELS=${MODELS:-"dsl-prodlda dsl-ecrtm dsl-fastopic dsl-etm prodlda zeroshot combined etm ecrtm fastopic lda"}
if [[ $QUICK == 1 ]]; then
  DOCS_20NG=${DOCS_20NG:-300} DOCS_SO=${DOCS_SO:-300} KS=${KS:-20} RATING=${RATING_QUICK:-0}
  OUT=${OUT:-.assets/real-lm-quick}
fi
DOCS_20NG=${DOCS_20NG:-10000} DOCS_SO=${DOCS_SO:-10000}
MAX_TOKENS_20NG=${MAX_TOKENS_20NG:-192} MAX_TOKENS_SO=${MAX_TOKENS_SO:-64}
KS=${KS:-"20 50"}
OUT=${OUT:-.assets/real-lm}
[[ -x $NTM ]] || { echo "check-real-lm.sh: $NTM not found: build ntm first (scripts/setup.sh)" >&2; exit 2; }
# The tables are written from inside an evals folder (runs named by folder): ntm by absolute path.
NTM_ABS=$(cd "$(dirname "$NTM")" && pwd)/$(basename "$NTM")
# The headline columns of summary.md and summary-prompts-K<k>.md.
SUMMARY_METRICS=c_npmi,c_v,topic_diversity,purity,nmi,precision@10
[[ $RATING == 1 ]] && SUMMARY_METRICS+=,llm_rating_expected
if [[ ! -e $LM ]]; then
  scripts/fetch-smollm2.sh >&2 || { echo "check-real-lm.sh: $LM not found and could not be fetched" >&2; exit 2; }
fi

# name -> "files" of the shared data set (header text<TAB>label, one document per line)
corpus_files() {
  case $1 in
    20ng) echo "$DATA/20newsgroups/train.tsv $DATA/20newsgroups/test.tsv" ;;
    stackoverflow) echo "$DATA/stackoverflow/all.tsv" ;;
    *) echo "check-real-lm.sh: unknown corpus '$1' (20ng, stackoverflow)" >&2; exit 2 ;;
  esac
}

# Stage timer: run "$@" and append "<stage>\t<seconds>" to times.tsv.
timed() {
  local dir=$1 stage=$2; shift 2
  local t0 t1
  t0=$(date +%s.%N)
  "$@"
  t1=$(date +%s.%N)
  awk -v s="$stage" -v a="$t0" -v b="$t1" 'BEGIN { printf "%s\t%.1f\n", s, b - a }' >> "$dir/times.tsv"
}

# A stratified subset: the same number of documents from each label (the first ones in file order
# after a seeded shuffle), written as JSONL so every reader sees byte-identical texts. An existing
# subset is kept only when it is exactly the one these settings make: a grid never mixes sizes.
make_subset() {
  local out=$1 n=$2; shift 2
  $PY - "$out" "$n" "$@" <<'PY'
import json, os, random, sys
from collections import defaultdict
out, n, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
by_label = defaultdict(list)
for path in files:
    with open(path, encoding="utf-8", newline="\n") as f:
        next(f)
        for line in f:
            text, label = line.rstrip("\n").rsplit("\t", 1)
            if text.strip():
                by_label[label].append(text)
labels = sorted(by_label)
rng = random.Random(0)
per = n // len(labels)
rows = []
for lab in labels:
    docs = by_label[lab][:]
    rng.shuffle(docs)
    rows += [{"text": t, "label": lab} for t in docs[:per]]
rng.shuffle(rows)
data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
if os.path.exists(out):
    with open(out, "rb") as f:
        old = f.read()
    if old != data:
        print(f"check-real-lm.sh: {out} holds another subset ({old.count(10)} documents) than the "
              f"{len(rows)} these settings make (DOCS_20NG / DOCS_SO = {n}); its label store, runs and "
              f"evals belong to it: choose another OUT, or remove {os.path.dirname(out)}", file=sys.stderr)
        sys.exit(2)
    sys.exit(0)
with open(out + ".tmp", "wb") as f:
    f.write(data)
os.replace(out + ".tmp", out)
print(f"{out}: {len(rows)} documents, {len(labels)} labels x {per}", file=sys.stderr)
PY
}

# build-labels once per corpus (and prompt); --resume continues or skips a finished store.
labels_stage() {
  local dir=$1 corpus=$2 store=$3 max_tokens=$4 prompt=${5:-default}
  local args=(--log-level warn --threads "$THREADS" build-labels --corpus "$corpus" --model "$LM" --out "$store"
    --vocab-size 2000 --max-tokens "$max_tokens" --prompt "$prompt")
  # A finished store is reused only if it was built from these inputs: build-labels --resume checks
  # the corpus, LM, prompt, --max-tokens and vocabulary against its meta.json and exits 2 on a
  # difference (a few seconds, untimed).
  if "$NTM" check-labels "$store" >/dev/null 2>&1; then
    "$NTM" "${args[@]}" --resume
    return 0
  fi
  local resume=()
  [[ -d $store ]] && resume=(--resume)
  timed "$dir" "build-labels $(basename "$store")" "$NTM" "${args[@]}" "${resume[@]}"
}

train_eval() {
  local dir=$1 corpus=$2 store=$3 model=$4 k=$5 tag=$6
  local run=$dir/runs/$tag ev=$dir/evals/$tag
  local resume=()
  [[ -f $run/meta.json ]] && resume=(--resume)
  if [[ ! -f $ev/metrics.json ]]; then
    timed "$dir" "train $tag" "$NTM" --log-level warn --threads "$THREADS" train --config "configs/$model.json" \
      --labels "$store" --out "$run" --num-topics "$k" --seeds "$SEEDS" "${resume[@]}"
    local rating=()
    [[ $RATING == 1 ]] && rating=(--llm-rating "$LM")
    rm -rf "$ev"
    timed "$dir" "eval $tag" "$NTM" --log-level warn --threads "$THREADS" eval --run "$run" --corpus "$corpus" \
      --out "$ev" --no-report "${rating[@]}"
  fi
}

grid() {
  local name=$1 n=$2 max_tokens=$3
  local dir=$OUT/$name
  mkdir -p "$dir"
  # shellcheck disable=SC2046
  make_subset "$dir/corpus.jsonl" "$n" $(corpus_files "$name")
  labels_stage "$dir" "$dir/corpus.jsonl" "$dir/labels" "$max_tokens"
  [[ $LABELS_ONLY == 1 ]] && return 0
  for k in $KS; do
    local evals=()
    for m in $MODELS; do
      train_eval "$dir" "$dir/corpus.jsonl" "$dir/labels" "$m" "$k" "$m-K$k"
      evals+=("$dir/evals/$m-K$k")
    done
    "$NTM" --log-level warn compare --format markdown "${evals[@]}" > "$dir/table-K$k.md.tmp"
    mv "$dir/table-K$k.md.tmp" "$dir/table-K$k.md"
    echo "== $name, K = $k ($(wc -l < "$dir/corpus.jsonl") documents, --max-tokens $max_tokens, seeds $SEEDS)"
    cat "$dir/table-K$k.md"
  done
  summary "$dir" "$name" "$max_tokens"
  echo "== $name: stage times (s)"
  awk -F'\t' '{ printf "  %-40s %8s\n", $1, $2 }' "$dir/times.tsv"
}

# summary.md: the headline columns of every K's table (runs named by folder), then the stage times
# added up per kind (build-labels, train, eval).
summary() {
  local dir=$1 name=$2 max_tokens=$3
  {
    echo "$name: $(wc -l < "$dir/corpus.jsonl") documents (stratified), SmolLM2-135M-Instruct Q4_1 soft labels" \
      "(--max-tokens $max_tokens), seeds $SEEDS, $THREADS thread(s), $(date -u +%F)"
    for k in $KS; do
      local runs=()
      for m in $MODELS; do runs+=("$m-K$k"); done
      echo
      echo "K = $k"
      echo
      (cd "$dir/evals" && "$NTM_ABS" --log-level warn compare --format markdown "${runs[@]}" --metrics "$SUMMARY_METRICS")
    done
    echo
    echo "stage times (s, all seeds; --prompts stages not counted): $(awk -F'\t' '$1 !~ /prompt-|labels-variant/ { split($1, a, " "); t[a[1]] += $2 }
      END { for (s in t) printf "%s %.0f  ", s, t[s] }' "$dir/times.tsv")"
  } > "$dir/summary.md.tmp"
  mv "$dir/summary.md.tmp" "$dir/summary.md"
}

# headline-K<k>.md: both corpora side by side, mean over seeds of purity, NMI, NPMI and TD per model
# (the README's table; the ± std are in each corpus's summary.md).
headline() {
  local k m c row
  for k in $KS; do
    {
      echo "| model | 20NG purity | NMI | NPMI | TD | StackOverflow purity | NMI | NPMI | TD |"
      echo "|---|---|---|---|---|---|---|---|---|"
      for m in $MODELS; do
        row="| $(pretty_model "$m")"
        for c in 20ng stackoverflow; do
          row+=$(cd "$OUT/$c/evals" && "$NTM_ABS" --log-level warn compare --format tsv "$m-K$k" \
            --metrics purity,nmi,c_npmi,topic_diversity | awk -F'\t' 'NR == 2 { printf " | %s | %s | %s | %s", $2, $4, $6, $8 }')
        done
        echo "$row |"
      done
    } > "$OUT/headline-K$k.md.tmp"
    mv "$OUT/headline-K$k.md.tmp" "$OUT/headline-K$k.md"
    echo "== both corpora, K = $k: $OUT/headline-K$k.md"
    cat "$OUT/headline-K$k.md"
  done
}

pretty_model() {
  case $1 in
    dsl-prodlda) echo DSL-ProdLDA ;; dsl-ecrtm) echo DSL-ECRTM ;; dsl-fastopic) echo DSL-FASTopic ;;
    dsl-etm) echo DSL-ETM ;; prodlda) echo ProdLDA ;; zeroshot) echo ZeroShotTM ;; combined) echo CombinedTM ;;
    etm) echo ETM ;; ecrtm) echo ECRTM ;; fastopic) echo FASTopic ;; lda) echo LDA ;; *) echo "$1" ;;
  esac
}

prompt_grid() {
  local name=${PROMPT_CORPUS:-stackoverflow} k=${PROMPT_K:-20}
  local n max_tokens
  if [[ $name == 20ng ]]; then n=$DOCS_20NG max_tokens=$MAX_TOKENS_20NG; else n=$DOCS_SO max_tokens=$MAX_TOKENS_SO; fi
  local dir=$OUT/$name
  mkdir -p "$dir"
  # shellcheck disable=SC2046
  make_subset "$dir/corpus.jsonl" "$n" $(corpus_files "$name")
  local evals=()
  for p in default variant1 variant2 variant3 variant4 variant5; do
    local store=$dir/labels
    [[ $p != default ]] && store=$dir/labels-$p
    labels_stage "$dir" "$dir/corpus.jsonl" "$store" "$max_tokens" "$p"
    train_eval "$dir" "$dir/corpus.jsonl" "$store" dsl-prodlda "$k" "dsl-prodlda-K$k-prompt-$p"
    evals+=("$dir/evals/dsl-prodlda-K$k-prompt-$p")
  done
  "$NTM" --log-level warn compare --format markdown "${evals[@]}" > "$dir/table-prompts-K$k.md.tmp"
  mv "$dir/table-prompts-K$k.md.tmp" "$dir/table-prompts-K$k.md"
  # the headline columns, runs named by prompt
  local runs=()
  for e in "${evals[@]}"; do runs+=("$(basename "$e")"); done
  (cd "$dir/evals" && "$NTM_ABS" --log-level warn compare --format markdown "${runs[@]}" --metrics "$SUMMARY_METRICS") \
    > "$dir/summary-prompts-K$k.md.tmp"
  mv "$dir/summary-prompts-K$k.md.tmp" "$dir/summary-prompts-K$k.md"
  echo "== prompts on $name ($(wc -l < "$dir/corpus.jsonl") documents), DSL-ProdLDA, K = $k, seeds $SEEDS"
  cat "$dir/summary-prompts-K$k.md"
}

echo "check-real-lm: LM $LM, ntm $("$NTM" --version | head -1), $THREADS thread(s), $(nproc) cores, $(date -u +%F)"
if [[ $PROMPTS == 1 ]]; then prompt_grid; exit 0; fi
[[ $WHICH == all || $WHICH == 20ng ]] && grid 20ng "$DOCS_20NG" "$MAX_TOKENS_20NG"
[[ $WHICH == all || $WHICH == stackoverflow ]] && grid stackoverflow "$DOCS_SO" "$MAX_TOKENS_SO"
[[ $WHICH == all && $LABELS_ONLY == 0 ]] && headline
exit 0
