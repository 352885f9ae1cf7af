#!/usr/bin/python3
"""Parity check: ntm's `gensim` coherence flavour against gensim 4.x CoherenceModel.

Run with Debian's /usr/bin/python3 (python3-gensim). For each corpus (20 Newsgroups train,
StackOverflow all; from $NTM_DATA_DIR or ../shared/data) the texts are lower-cased and split with
the regex \\w+, empty documents dropped (gensim 4.2 raises IndexError on an empty text in its
sliding-window accumulator), and written once to a temporary tokens file that ntm reads with
--reference-format tokens while gensim gets the same token lists in memory. 50 topics of 15 words
are drawn (seeded) from the 2,000 most frequent corpus words. c_v (window 110), c_npmi and c_uci
(window 10) and u_mass must agree per topic to 1e-6.

  scripts/check-coherence-vs-gensim.py [--small] [--ntm build/ntm] [--time]

Exit status 0 when every difference is <= 1e-6, 1 otherwise, 77 when gensim or the data is missing
(ctest SKIP_RETURN_CODE).
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time

SKIP = 77
MEASURES = ["c_v", "c_npmi", "c_uci", "u_mass"]


def find_data_dir():
    d = os.environ.get("NTM_DATA_DIR")
    if d and os.path.isdir(d):
        return d
    here = os.path.dirname(os.path.abspath(__file__))
    for cand in [os.path.join(here, "..", "..", "shared", "data"), "/work/shared/data"]:
        if os.path.isdir(cand):
            return cand
    return None


def read_texts(path, limit):
    texts = []
    word = re.compile(r"\w+")
    with open(path, encoding="utf-8") as f:
        next(f)  # header text<TAB>label
        for line in f:
            text = line.rstrip("\n").split("\t", 1)[0]
            toks = word.findall(text.lower())
            if toks:
                texts.append(toks)
            if limit and len(texts) >= limit:
                break
    return texts


def draw_topics(dictionary, num_topics, num_words, seed):
    rng = random.Random(seed)
    frequent = sorted(dictionary.token2id, key=lambda w: (-dictionary.cfs[dictionary.token2id[w]], w))[:2000]
    return [rng.sample(frequent, num_words) for _ in range(num_topics)]


def run_ntm(ntm, topics_path, tokens_path, measures, out_dir):
    cmd = [ntm, "--log-level", "warn", "eval", "--topics", topics_path, "--reference-corpus", tokens_path,
           "--reference-format", "tokens", "--coherence-flavour", "gensim", "--metrics", ",".join(measures),
           "--top-n", "15", "--out", out_dir]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    secs = time.perf_counter() - t0
    with open(os.path.join(out_dir, "metrics.json")) as f:
        m = json.load(f)
    return m["seeds"][0]["coherence_per_topic"], secs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--small", action="store_true", help="first 300 documents, 8 topics (CI size)")
    ap.add_argument("--ntm", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "ntm"))
    ap.add_argument("--datasets", default="20newsgroups/train.tsv,stackoverflow/all.tsv")
    ap.add_argument("--measures", default=",".join(MEASURES))
    ap.add_argument("--topics", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--time", action="store_true", help="print a timing table (gensim vs ntm)")
    args = ap.parse_args()
    try:
        import logging
        logging.disable(logging.WARNING)
        from gensim.corpora import Dictionary
        from gensim.models.coherencemodel import CoherenceModel
    except ImportError:
        print("SKIP: gensim is not importable by", sys.executable)
        return SKIP
    data = find_data_dir()
    if data is None:
        print("SKIP: no corpora ($NTM_DATA_DIR unset and ../shared/data missing)")
        return SKIP
    if not os.path.exists(args.ntm):
        print("SKIP: no ntm binary at", args.ntm)
        return SKIP
    measures = args.measures.split(",")
    limit = 300 if args.small else 0
    num_topics = 8 if args.small else args.topics
    worst = 0.0
    rows = []
    for rel in args.datasets.split(","):
        path = os.path.join(data, rel)
        if not os.path.exists(path):
            print("SKIP:", path, "missing")
            return SKIP
        texts = read_texts(path, limit)
        with tempfile.TemporaryDirectory() as tmp:
            tokens_path = os.path.join(tmp, "tokens.txt")
            with open(tokens_path, "w", encoding="utf-8") as f:
                for t in texts:
                    f.write(" ".join(t) + "\n")
            t0 = time.perf_counter()
            dictionary = Dictionary(texts)
            dict_secs = time.perf_counter() - t0
            topics = draw_topics(dictionary, num_topics, 15, args.seed)
            topics_path = os.path.join(tmp, "topics.txt")
            with open(topics_path, "w", encoding="utf-8") as f:
                for t in topics:
                    f.write(" ".join(t) + "\n")
            ours, ntm_secs = run_ntm(args.ntm, topics_path, tokens_path, measures, os.path.join(tmp, "ev"))
            gensim_secs = dict_secs
            print(f"{rel}: {len(texts)} documents, {sum(map(len, texts))} tokens, {num_topics} topics x 15 words")
            for m in measures:
                t0 = time.perf_counter()
                cm = CoherenceModel(topics=topics, texts=texts, dictionary=dictionary, coherence=m, topn=15)
                ref = cm.get_coherence_per_topic()
                gensim_secs += time.perf_counter() - t0
                diff = max(abs(a - b) for a, b in zip(ref, ours[m]))
                worst = max(worst, diff)
                print(f"  {m:7s} max |ntm - gensim| = {diff:.3e}   mean gensim {sum(ref) / len(ref):+.6f}"
                      f"  ntm {sum(ours[m]) / len(ours[m]):+.6f}")
            rows.append((rel, gensim_secs, ntm_secs))
    if args.time:
        print()
        print(f"{'corpus':28s} {'measures':22s} {'gensim s':>9s} {'ntm s':>8s} {'speed-up':>9s}")
        for rel, g, n in rows:
            print(f"{rel:28s} {','.join(measures):22s} {g:9.2f} {n:8.2f} {g / n:8.1f}x")
    print(f"max difference over all corpora and measures: {worst:.3e}", "(OK)" if worst <= 1e-6 else "(FAIL)")
    return 0 if worst <= 1e-6 else 1


if __name__ == "__main__":
    sys.exit(main())
