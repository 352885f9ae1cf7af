#!/usr/bin/python3
"""Cuts data/samples/brown_passages.tsv from the Brown Corpus (shared/data/brown/all.tsv).

Each of the 500 Brown texts (about 2,000 words, one of 15 genre labels) is lightly detokenised
(`` and '' become ", no space before , . ; : ? ! ) and after ( ), split into sentences, and the
sentences are grouped into passages of at least 100 words; the first 5 passages of every text are
kept (2,500 documents, label = genre). Deterministic; standard library only.

Usage: scripts/make_sample_brown.py [path/to/brown/all.tsv] > data/samples/brown_passages.tsv
"""
import re
import sys

PASSAGES_PER_TEXT = 5
MIN_WORDS = 100


def detokenize(text):
    t = text.replace("`` ", '"').replace(" ''", '"').replace("``", '"').replace("''", '"')
    t = re.sub(r" ([,.;:?!)])", r"\1", t)
    t = re.sub(r"\( ", "(", t)
    return re.sub(r"\s+", " ", t).strip()


def passages(text):
    sentences = re.split(r'(?<=[.?!"])\s+(?=["A-Z])', text)
    out, cur = [], []
    for s in sentences:
        cur.append(s)
        if sum(len(x.split()) for x in cur) >= MIN_WORDS:
            out.append(" ".join(cur))
            cur = []
    return out


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/brown/all.tsv"
    lines = open(src, encoding="utf-8").read().split("\n")
    assert lines[0] == "text\tlabel"
    out = sys.stdout
    out.write("text\tlabel\n")
    for line in lines[1:]:
        if not line:
            continue
        text, label = line.split("\t")
        for p in passages(detokenize(text))[:PASSAGES_PER_TEXT]:
            assert "\t" not in p and "\n" not in p
            out.write(p + "\t" + label + "\n")


if __name__ == "__main__":
    main()
