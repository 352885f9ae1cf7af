#!/usr/bin/env python3
"""FASTopic 1.0.1 on an ntm label store -> an ntm run directory.

  fastopic_run.py --labels STORE --out RUN --num-topics K --seeds 0 [--epochs 200] [--embeddings hidden|minilm]

Document embeddings: the store's LM hidden states (what `ntm train --model fastopic` reads; ntm
L2-normalises them, so they are normalised here too), or with --embeddings minilm all-MiniLM-L6-v2
of the BoW strings. The BoW and vocabulary are the store's (a fixed preprocess object, so TopMost's
Preprocess never runs) and the encoder is an object that refuses to encode, so nothing loads from
the hub. FASTopic's defaults otherwise: lr 0.002, full-batch Adam, DT_alpha 3, TW_alpha 2,
theta_temp 1. theta = fit_transform's, beta = get_beta().
"""
import numpy as np
import scipy.sparse as sp

import common

ap = common.parser(__doc__.splitlines()[0])
ap.add_argument("--epochs", type=int, default=200)
ap.add_argument("--lr", type=float, default=0.002)
a = ap.parse_args()
store = common.Store(a.labels)
if a.embeddings == "hidden":
    E = store.hidden / np.maximum(np.linalg.norm(store.hidden, axis=1, keepdims=True), 1e-12)
else:
    E = common.minilm_embeddings(store.texts())
E = np.ascontiguousarray(E, dtype=np.float32)  # FASTopic needs float32 (float64 fails in get_theta)
from fastopic import FASTopic  # noqa: E402


class FixedBoW:  # FASTopic only calls .preprocess(docs)
    def preprocess(self, docs):
        return {"train_bow": sp.csr_matrix(store.bow), "vocab": list(store.vocab)}


class NoEncoder:  # used only by transform(new_docs); fit uses the preset embeddings
    def encode(self, docs, **kw):
        raise RuntimeError("peers: FASTopic was asked to encode documents")


docs = ["" for _ in range(store.bow.shape[0])]  # only their count is used


def fit(seed):
    m = FASTopic(num_topics=a.num_topics, preprocess=FixedBoW(), doc_embed_model=NoEncoder(),
                 num_top_words=a.top_n, device="cpu", verbose=False)
    _, theta = m.fit_transform(docs, epochs=a.epochs, learning_rate=a.lr, preset_doc_embeddings=E)
    beta = m.get_beta()
    return common.top_words_from_beta(beta, store.vocab, a.top_n), theta, beta


common.run(a, store, "fastopic", "fastopic", "fastopic.FASTopic",
           {"epochs": a.epochs, "lr": a.lr, "embeddings": a.embeddings}, fit)
