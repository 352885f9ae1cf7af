#!/usr/bin/python3
"""Read an ntm label store with nothing but Python 3 and numpy.

    scripts/read-label-store.py DIR            # check every chunk, print shapes
    scripts/read-label-store.py DIR --row 17   # also print corpus row 17
    scripts/read-label-store.py DIR --word v   # also print the LM word embedding of vocabulary word v

No safetensors package needed: the safetensors layout is an 8-byte little-endian header length,
a JSON header {name: {dtype, shape, data_offsets}}, then the raw little-endian tensor bytes.
BF16 tensors are widened to float32. With the `safetensors` package installed the same chunks
load with `safetensors.torch.load_file(path)` (see docs/formats.md, "The label store").
Exit status: 0 on success, 2 with a one-line message on a problem.
"""
import argparse
import hashlib
import json
import os
import struct
import sys

import numpy as np

DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
          "U8": "u1", "BOOL": "?"}


def read_safetensors(path):
    """Returns ({name: numpy array}, metadata dict) for one safetensors file."""
    with open(path, "rb") as f:
        return parse_safetensors(f.read())


def read_verified(directory, entry, what):
    """read_safetensors of the file a meta.json entry names, after checking its sha256 (one read)."""
    path = os.path.join(directory, os.path.basename(entry["file"]))
    with open(path, "rb") as f:
        data = f.read()
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise ValueError(f"{path}: sha256 does not match meta.json (corrupted {what})")
    return path, parse_safetensors(data)[0]


def parse_safetensors(data):
    """({name: numpy array}, metadata dict) from the bytes of a safetensors file."""
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = data[base + begin:base + end]
        if info["dtype"] == "BF16":  # bfloat16 = the top 16 bits of a float32
            arr = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            arr = np.frombuffer(raw, dtype=np.dtype(DTYPES[info["dtype"]]))
        tensors[name] = arr.reshape(info["shape"])
    return tensors, header.get("__metadata__", {})


def load_store(directory):
    """Returns (meta, tensors) for a whole store: chunks concatenated, CSR row pointers global."""
    with open(os.path.join(directory, "meta.json")) as f:
        meta = json.load(f)
    if meta.get("format") != "ntm-label-store":
        raise ValueError(f"{directory}: not an ntm label store (format {meta.get('format')!r})")
    if meta.get("format_version", 0) > 1:
        raise ValueError(f"{directory}: format_version {meta['format_version']} is newer than this script reads (1)")
    if not meta.get("complete"):
        raise ValueError(f"{directory}: the label store is incomplete; finish it with ntm build-labels --resume")
    parts = {}
    nnz = 0
    for entry in meta["chunks"]:
        _, tensors = read_verified(directory, entry, "chunk")
        tensors["bow_indptr"] = tensors["bow_indptr"][1:] + nnz
        nnz = int(tensors["bow_indptr"][-1]) if len(tensors["bow_indptr"]) else nnz
        for name, arr in tensors.items():
            parts.setdefault(name, []).append(arr)
    store = {name: np.concatenate(arrs) for name, arrs in parts.items()}
    store["bow_indptr"] = np.concatenate([np.zeros(1, dtype=np.int64), store["bow_indptr"]])
    store["hidden"] = store["hidden"].astype(np.float32)
    if "layer_hidden" in store:  # [D, S, H]: build-labels --layers; meta["layers"] names the S layers
        store["layer_hidden"] = store["layer_hidden"].astype(np.float32)
    we = meta.get("word_embeddings")
    if we:  # optional: the LM's input embeddings of the vocabulary words, [V, E] float32
        path, tensors = read_verified(directory, we, "word embeddings")
        store["word_embeddings"] = tensors["word_embeddings"]
        if list(store["word_embeddings"].shape) != list(we["shape"]):
            raise ValueError(f"{path}: shape {list(store['word_embeddings'].shape)} differs from meta.json {we['shape']}")
    return meta, store


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--row", type=int, action="append", default=[], help="print this corpus row (repeatable)")
    ap.add_argument("--word", action="append", default=[], help="print this word's LM embedding (repeatable)")
    args = ap.parse_args()
    try:
        meta, s = load_store(args.dir)
    except (OSError, ValueError, KeyError) as e:
        print(f"read-label-store: error: {e}", file=sys.stderr)
        return 2
    print(f"documents {meta['num_docs']}  V {len(meta['vocab'])}  H {meta['hidden_size']} "
          f"({meta['hidden_dtype']})  chunks {len(meta['chunks'])}  labels {len(meta['label_names'])}")
    for name in sorted(s):
        print(f"tensor {name} {s[name].dtype} {list(s[name].shape)}")
    for d in args.row:
        a, b = s["bow_indptr"][d], s["bow_indptr"][d + 1]
        print(f"row {d} doc_index {int(s['doc_index'][d])} label {int(s['labels'][d])}")
        print(f"row {d} soft_labels " + " ".join(repr(float(x)) for x in s["soft_labels"][d]))
        print(f"row {d} hidden " + " ".join(repr(float(x)) for x in s["hidden"][d]))
        for j, layer in enumerate(meta.get("layers", [])):
            print(f"row {d} layer {layer} " + " ".join(repr(float(x)) for x in s["layer_hidden"][d][j]))
        print(f"row {d} bow " + " ".join(f"{int(i)}:{float(c)!r}" for i, c in
                                         zip(s["bow_indices"][a:b], s["bow_counts"][a:b])))
    for w in args.word:
        if "word_embeddings" not in s or w not in meta["vocab"]:
            print(f"read-label-store: error: no word embedding for {w!r}", file=sys.stderr)
            return 2
        row = s["word_embeddings"][meta["vocab"].index(w)]
        print(f"word {w} " + " ".join(repr(float(x)) for x in row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
