#!/usr/bin/env python3
"""Concatenates shared-format TSV corpora (header `text<TAB>label`, no quoting, one TAB per line)
into one JSONL corpus, optionally only the first N documents. Used by the bench scripts so that
ntm and the Python references read byte-identical texts.

  corpus_to_jsonl.py OUT.jsonl N FILE.tsv [FILE.tsv ...]      (N = 0: all documents)
"""
import json, sys

out, n, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
rows = []
for path in files:
    with open(path, encoding="utf-8", newline="\n") as f:
        next(f)
        for line in f:
            text, label = line.rstrip("\n").rsplit("\t", 1)
            rows.append({"text": text, "label": label})
rows = rows[:n] if n > 0 else rows
with open(out + ".tmp", "w", encoding="utf-8") as f:
    for row in rows:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")
import os
os.replace(out + ".tmp", out)
