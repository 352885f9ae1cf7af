#!/usr/bin/python3
"""Sensitivity check for the word filter: builds the top-V vocabulary with a deliberately naive
rule set (split at whitespace, strip punctuation at both ends, keep str.isalpha() and islower()
words of >= 3 characters that are not spaCy stop words and do not follow a token ending in
. ! ?) and compares it with an ntm vocab.json built from the same corpus.

Usage: scripts/compare_words_naive.py CORPUS.tsv NTM_VOCAB.json
Prints the overlap of the two word sets and the words only one side has.
"""
import collections
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
STOP = set(open(os.path.join(here, "..", "data", "stopwords", "spacy_en_stop_words.txt"), encoding="utf-8").read().split())
PUNCT = "\"'()[]{}<>,.;:!?`*#&_-=+/\\|~^%$@“”‘’«»…"


def words(text):
    start = True
    for raw in text.split():
        tok = raw.strip(PUNCT)
        if tok and tok.isalpha() and tok.islower() and len(tok) > 2 and tok not in STOP and not start:
            yield tok
        start = raw[-1] in ".!?"


def main():
    corpus, vocab_path = sys.argv[1], sys.argv[2]
    ntm = json.load(open(vocab_path, encoding="utf-8"))
    size = len(ntm["words"])
    counts = collections.Counter()
    with open(corpus, encoding="utf-8") as f:
        next(f)
        for line in f:
            counts.update(words(line.rstrip("\n").rsplit("\t", 1)[0]))
    naive = [w for w, _ in counts.most_common(size)]
    a, b = set(ntm["words"]), set(naive)
    print(f"V={size}  overlap {len(a & b)} ({100 * len(a & b) / size:.1f}%)  naive distinct {len(counts)}  ntm distinct {ntm['distinct_words']}")
    print("only ntm :", " ".join(sorted(a - b, key=lambda w: -ntm['counts'][ntm['words'].index(w)])[:25]))
    print("only naive:", " ".join(sorted(b - a, key=lambda w: -counts[w])[:25]))


if __name__ == "__main__":
    main()
