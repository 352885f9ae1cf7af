#!/usr/bin/env python3
"""Expected values for tests/unit/eval_missing_words_test.cpp: gensim 4.x CoherenceModel on
topics holding words that never occur in the reference texts.

gensim's CoherenceModel drops a topic word its dictionary does not know and scores the topic on
the remaining words; ntm's `gensim` coherence flavour must do the same. Writes
tests/fixtures/eval/gensim_missing_words.json (texts, topics, windows, values per measure and
topic). A topic left with one word gets c_v 1.0 and NaN for the pairwise measures in gensim;
such NaNs are written as null (ntm scores them 0, see docs/reliability.md).

  NTM_PYTHON=/path/to/python-with-gensim scripts/gensim-missing-words-fixture.py
"""
import json
import math
import os
import subprocess
import sys

# Re-run under $NTM_PYTHON (or the repo's .venv) when this interpreter lacks gensim.
try:
    from gensim.corpora import Dictionary
    from gensim.models.coherencemodel import CoherenceModel
    import gensim
except ImportError:
    here = os.path.dirname(os.path.abspath(__file__))
    py = os.environ.get("NTM_PYTHON") or os.path.join(here, "..", ".venv", "bin", "python")
    if os.environ.get("NTM_FIXTURE_REEXEC") or not os.path.exists(py):
        sys.exit("gensim is missing: set NTM_PYTHON to a python with gensim 4.x (scripts/setup-references.sh)")
    os.environ["NTM_FIXTURE_REEXEC"] = "1"
    sys.exit(subprocess.call([py, os.path.abspath(__file__)] + sys.argv[1:]))

TEXTS = [
    "team game play game score win team game".split(),
    "win game team team".split(),
    "disk cpu memory drive disk memory cpu disk".split(),
    "play score game win team play score team play game".split(),
    "game cpu disk drive".split(),
    "cpu memory memory".split(),
    "score play win team team win team".split(),
]
# "zebra", "quasar" and "nowhere" never occur in TEXTS.
TOPICS = [
    ["game", "zebra", "team", "play", "score"],
    ["cpu", "disk", "quasar", "memory", "nowhere"],
    ["zebra", "team", "disk", "win", "cpu"],
    ["game", "team", "play", "score", "win"],
    ["quasar", "drive", "nowhere", "zebra"],
]
WINDOWS = {"c_v": 4, "c_npmi": 3, "c_uci": 3, "u_mass": 0}


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "eval",
                       "gensim_missing_words.json")
    dictionary = Dictionary(TEXTS)
    values = {}
    for measure, window in WINDOWS.items():
        per_topic = []
        for topic in TOPICS:  # one model per topic: gensim truncates by the first topic's length
            kw = {"window_size": window} if window else {}
            cm = CoherenceModel(topics=[topic], texts=TEXTS, dictionary=dictionary, coherence=measure,
                                topn=len(topic), processes=1, **kw)
            v = float(cm.get_coherence_per_topic()[0])
            per_topic.append(None if math.isnan(v) else v)
        values[measure] = per_topic
    doc = {"generated_by": "scripts/gensim-missing-words-fixture.py", "gensim": gensim.__version__,
           "texts": [" ".join(t) for t in TEXTS], "topics": TOPICS, "windows": WINDOWS, "values": values}
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(out))


if __name__ == "__main__":
    main()
