#!/usr/bin/python3
"""Reference values for tests/unit/eval_coherence_test.cpp.

Run once with Debian's /usr/bin/python3 (gensim 4.2): prints C++ constants.
  * gensim: CoherenceModel(topics, texts, dictionary, coherence, window_size, topn, processes=1)
  * exact / palmetto: an independent brute-force re-implementation in plain Python that
    enumerates every window and tests membership directly (no incremental bookkeeping).
The corpus repeats words inside windows (so gensim's sliding-window quirk shows), has documents
shorter than the window and an empty document.
"""
import math
from gensim.corpora import Dictionary
from gensim.models.coherencemodel import CoherenceModel

TEXTS = [
    "game team game play score team game win".split(),
    "team win game".split(),
    "cpu disk memory disk cpu drive memory disk".split(),
    [],
    "score play game team play team score win game play".split(),
    "drive disk cpu game".split(),
    "memory memory memory cpu".split(),
    "win team team team team win score play".split(),
]
TOPICS = [["game", "team", "play", "score", "win"], ["cpu", "disk", "memory", "drive", "game"],
          ["team", "disk", "win", "cpu", "play"]]
EPS = 1e-12


def windows(doc, w):
    if w == 0 or len(doc) <= w:
        return [set(doc)]
    return [set(doc[s:s + w]) for s in range(len(doc) - w + 1)]


def brute(w, min_count=0):
    wins = [x for d in TEXTS for x in windows(d, w)]
    n = len(wins)
    def c(a, b=None):
        v = sum(1 for x in wins if a in x and (b is None or b in x))
        return 0 if v < min_count else v
    return n, c


def npmi_fn(n, c, undefined_zero):
    def f(a, b):
        ca, cb, cab = c(a), c(b), c(a, b)
        if ca == 0 or cb == 0:
            return 0.0  # Palmetto: undefined -> 0 (gensim/exact: never reached, all words occur)
        pmi = math.log((cab / n + EPS) / ((ca / n) * (cb / n)))
        return pmi / -math.log(cab / n + EPS)
    return f


def cv(topic, f, gamma):
    vecs = [[f(wi, wj) ** gamma for wj in topic] for wi in topic]
    vw = [sum(v[j] for v in vecs) for j in range(len(topic))]
    nw = math.sqrt(sum(x * x for x in vw))
    sims = []
    for v in vecs:
        den = math.sqrt(sum(x * x for x in v)) * nw
        sims.append(sum(a * b for a, b in zip(v, vw)) / den if den > 0 else 0.0)
    return sum(sims) / len(sims)


def exact_scores(w_cv, w_pmi, palmetto=False, min_frequency=10):
    out = {}
    n, c = brute(w_cv, min_frequency * w_cv if palmetto else 0)
    out["c_v"] = [cv(t, npmi_fn(n, c, True), 2 if palmetto else 1) for t in TOPICS]
    n, c = brute(w_pmi, min_frequency * w_pmi if palmetto else 0)
    f = npmi_fn(n, c, True)
    out["c_npmi"] = [sum(f(a, b) for a in t for b in t if a != b) / (len(t) * (len(t) - 1)) for t in TOPICS]
    def pmi(a, b):  # Palmetto UCI: undefined -> 0
        return math.log((c(a, b) / n + EPS) / ((c(a) / n) * (c(b) / n))) if c(a) and c(b) else 0.0
    out["c_uci"] = [sum(pmi(a, b) for a in t for b in t if a != b) / (len(t) * (len(t) - 1)) for t in TOPICS]
    n, c = brute(0)
    out["u_mass"] = [sum(math.log((c(t[i], t[j]) / n + EPS) / (c(t[j]) / n)) for i in range(1, len(t))
                         for j in range(i)) / (len(t) * (len(t) - 1) / 2) for t in TOPICS]
    if palmetto:
        out = {k: [round(v, 5) for v in vals] for k, vals in out.items()}
    return out


def emit(name, scores):
    for m in ["c_v", "c_npmi", "c_uci", "u_mass"]:
        vals = ", ".join(repr(v) for v in scores[m])
        print(f"  {{\"{name}\", \"{m}\", {{{vals}}}}},")


def main():
    d = Dictionary(TEXTS)
    g = {}
    for m, w in [("c_v", 4), ("c_npmi", 3), ("c_uci", 3), ("u_mass", None)]:
        # gensim 4.2 raises IndexError on an empty text in sliding-window measures
        # (_slide_window reads window[0]); ntm's gensim flavour drops empty documents there.
        texts = TEXTS if m == "u_mass" else [t for t in TEXTS if t]
        cm = CoherenceModel(topics=TOPICS, texts=texts, dictionary=d, coherence=m, window_size=w, topn=5,
                            processes=1)
        g[m] = cm.get_coherence_per_topic()
    print("// windows: c_v 4, c_npmi/c_uci 3, u_mass document; top-n 5")
    emit("gensim", g)
    emit("exact", exact_scores(4, 3))
    # Palmetto's minimum frequency is 10 x window; on this tiny corpus 1 x window keeps some counts.
    print("// palmetto with min_frequency = 1 (counts below 1 x window -> 0)")
    emit("palmetto", exact_scores(4, 3, palmetto=True, min_frequency=1))


if __name__ == "__main__":
    main()
