#!/usr/bin/env python3
"""Copies a label store, replacing its LM hidden states with LSA document embeddings, and writes
LSA word vectors (word2vec text format) — for quality checks of the embedding-based models
(FASTopic, ECRTM's word embeddings) when no real LM checkpoint is at hand: the bundled tiny LM
has random weights, so its hidden states carry no topical signal at all.

  lsa_store.py STORE OUT_STORE OUT_VECTORS.txt [--dim 100]

LSA: TF-IDF of the store's BoW (scikit-learn TfidfTransformer), TruncatedSVD(dim, seed 0);
document embeddings = the SVD projection, word vectors = the SVD components (one row per word;
see below for their scaling).
The copy keeps everything else (soft labels, BoW, labels); meta.json gets the new hidden_size,
the chunks' new sha256/bytes and a note in extra.
"""
import argparse, hashlib, json, os, shutil, struct

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfTransformer

from label_store import rls

ap = argparse.ArgumentParser()
ap.add_argument("store")
ap.add_argument("out")
ap.add_argument("vectors")
ap.add_argument("--dim", type=int, default=100)
a = ap.parse_args()

meta, s = rls.load_store(a.store)
V = len(meta["vocab"])
D = len(s["bow_indptr"]) - 1
X = csr_matrix((s["bow_counts"].astype(np.float64), s["bow_indices"], s["bow_indptr"]), shape=(D, V))
svd = TruncatedSVD(a.dim, random_state=0)
docs = svd.fit_transform(TfidfTransformer().fit_transform(X)).astype(np.float32)  # [D, dim]
# Word vectors shaped like pretrained ones (GloVe / word2vec, what ETM and ECRTM expect): the SVD
# components scaled by their singular values, without the first one (on TF-IDF it is the
# all-positive "frequent word" direction, which would pull every topic towards the same words), each
# row L2-normalised so that frequent words do not dominate by norm.
words = (svd.components_.T * svd.singular_values_)[:, 1:]                          # [V, dim - 1]
words = (words / np.maximum(np.linalg.norm(words, axis=1, keepdims=True), 1e-12)).astype(np.float32)
with open(a.vectors + ".tmp", "w") as f:
    f.write(f"{V} {words.shape[1]}\n")
    for w, row in zip(meta["vocab"], words):
        f.write(w + " " + " ".join(f"{x:.6g}" for x in row) + "\n")
os.replace(a.vectors + ".tmp", a.vectors)


def write_safetensors(path, tensors, metadata):
    names = sorted(tensors)
    header, blobs, off = {}, [], 0
    codes = {np.dtype("float32"): "F32", np.dtype("int64"): "I64", np.dtype("int32"): "I32"}
    for n in names:
        arr = np.ascontiguousarray(tensors[n])
        raw = arr.tobytes()
        header[n] = {"dtype": codes[arr.dtype], "shape": list(arr.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    header["__metadata__"] = metadata
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    data = struct.pack("<Q", len(h)) + h + b"".join(blobs)
    with open(path, "wb") as f:
        f.write(data)
    return hashlib.sha256(data).hexdigest(), len(data)


if os.path.exists(a.out):
    shutil.rmtree(a.out)
os.makedirs(a.out)
for entry in meta["chunks"]:
    src = os.path.join(a.store, entry["file"])
    t, md = rls.read_safetensors(src)
    t = {k: np.array(v) for k, v in t.items() if k != "layer_hidden"}
    first, n = entry["first_doc"], entry["num_docs"]
    t["hidden"] = docs[first:first + n]
    entry["sha256"], entry["bytes"] = write_safetensors(os.path.join(a.out, entry["file"]), t, md)
meta["hidden_size"] = a.dim
meta["hidden_dtype"] = "float32"
meta.pop("layers", None)
meta.pop("word_embeddings", None)
meta.setdefault("extra", {})["hidden_replaced_by"] = f"LSA (TF-IDF + TruncatedSVD {a.dim}) by scripts/bench/lsa_store.py"
with open(os.path.join(a.out, "meta.json"), "w") as f:
    json.dump(meta, f, indent=1)
print(f"wrote {a.out} (hidden = LSA [{D}, {a.dim}]) and {a.vectors}")
