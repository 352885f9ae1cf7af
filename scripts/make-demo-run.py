#!/usr/bin/python3
"""Builds a small `ntm train`-format run directory from scikit-learn LDA on a labelled TSV corpus,
for demonstrating `ntm eval --report` (and the screenshot script) without a trained ntm model.

  scripts/make-demo-run.py CORPUS.tsv OUT_DIR [--topics 20] [--seeds 0,1] [--docs 4000]

Writes OUT_DIR/meta.json, OUT_DIR/seed-S/{topics.json, theta.safetensors, beta.safetensors} and
OUT_DIR/reference.tokens (lower-cased \\w+ tokens, one document per line) for --reference-corpus.
"""
import argparse
import json
import os
import re

import struct

import numpy as np
from sklearn.decomposition import LatentDirichletAllocation
from sklearn.feature_extraction.text import CountVectorizer


def save_file(tensors, path):
    """Minimal safetensors writer (numpy arrays; F32 / I64), no external package needed."""
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors, key=lambda n: (-tensors[n].dtype.itemsize, n)):
        arr = np.ascontiguousarray(tensors[name])
        dtype = {np.dtype(np.float32): "F32", np.dtype(np.int64): "I64"}[arr.dtype]
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + arr.nbytes]}
        offset += arr.nbytes
        blobs.append(arr.tobytes())
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("out")
    ap.add_argument("--topics", type=int, default=20)
    ap.add_argument("--seeds", default="0,1")
    ap.add_argument("--docs", type=int, default=4000)
    a = ap.parse_args()
    texts, labels = [], []
    with open(a.corpus, encoding="utf-8") as f:
        next(f)
        for line in f:
            t, lab = line.rstrip("\n").split("\t", 1)
            texts.append(t)
            labels.append(lab)
            if len(texts) >= a.docs:
                break
    names = sorted(set(labels))
    label_ids = np.array([names.index(x) for x in labels], dtype=np.int64)
    os.makedirs(a.out, exist_ok=True)
    word = re.compile(r"\w+")
    with open(os.path.join(a.out, "reference.tokens"), "w", encoding="utf-8") as f:
        for t in texts:
            f.write(" ".join(word.findall(t.lower())) + "\n")
    vec = CountVectorizer(max_features=2000, stop_words="english", token_pattern=r"(?u)\b[a-z]{3,}\b", lowercase=True)
    X = vec.fit_transform(texts)
    vocab = vec.get_feature_names_out()
    seeds = [int(s) for s in a.seeds.split(",")]
    for s in seeds:
        lda = LatentDirichletAllocation(n_components=a.topics, learning_method="online", max_iter=8, random_state=s)
        theta = lda.fit_transform(X).astype(np.float32)
        beta = (lda.components_ / lda.components_.sum(1, keepdims=True)).astype(np.float32)
        d = os.path.join(a.out, f"seed-{s}")
        os.makedirs(d, exist_ok=True)
        topics = [[str(vocab[i]) for i in np.argsort(-row)[:15]] for row in beta]
        with open(os.path.join(d, "topics.json"), "w") as f:
            json.dump({"format": "ntm-topics", "num_topics": a.topics, "top_n": 15, "vocab_hash": "", "topics": topics}, f)
        save_file({"theta": theta, "doc_index": np.arange(len(texts), dtype=np.int64), "labels": label_ids},
                  os.path.join(d, "theta.safetensors"))
        save_file({"beta": beta}, os.path.join(d, "beta.safetensors"))
    with open(os.path.join(a.out, "meta.json"), "w") as f:
        json.dump({"format": "ntm-run", "model": "sklearn-lda (demo)", "seeds": seeds, "labels_dir": ""}, f)


if __name__ == "__main__":
    main()
