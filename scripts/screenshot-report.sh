#!/usr/bin/env bash
# Screenshot of an ntm eval report with headless Chromium (apt-get install chromium).
#   scripts/screenshot-report.sh eval/report.html [out.png] [height]
# Without arguments: builds a demo run (scikit-learn LDA on 3,000 20 Newsgroups documents, needs
# /usr/bin/python3 with sklearn and $NTM_DATA_DIR), evaluates it with --report and shoots that.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
ntm="${NTM:-$root/build/ntm}"
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
[ -n "$browser" ] || { echo "no chromium found (apt-get install -y chromium)" >&2; exit 77; }
report="${1:-}"
out="${2:-/tmp/report.png}"
height="${3:-4400}"
if [ -z "$report" ]; then
  data="${NTM_DATA_DIR:-$root/../shared/data}"
  demo="$(mktemp -d)"
  /usr/bin/python3 "$root/scripts/make-demo-run.py" "$data/20newsgroups/train.tsv" "$demo/run" --docs 3000 --topics 20
  "$ntm" --log-level warn eval --run "$demo/run" --corpus "$data/20newsgroups/train.tsv" \
    --reference-corpus "$demo/run/reference.tokens" --reference-format tokens --report --out "$demo/ev"
  report="$demo/ev/report.html"
fi
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot="$out" \
  --window-size=1400,"$height" "file://$(realpath "$report")" 2>/dev/null
echo "screenshot: $out (from $report)"
