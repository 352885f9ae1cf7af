#!/usr/bin/env python3
"""tomotopy 0.14 LDAModel (collapsed Gibbs, C++) on an ntm label store's BoW -> an ntm run directory.

  lda_tomotopy.py --labels STORE --out RUN --num-topics K --seeds 0 [--iterations 1000] [--threads 1]

Settings follow `ntm train --model lda` so the two compare like for like: symmetric alpha 50/K
(--alpha), eta 0.01 (--beta), --iterations sweeps, workers = --threads, and no prior optimisation
(optim_interval 0; tomotopy's own default re-estimates alpha every 10 sweeps and starts at
alpha 0.1). theta = get_topic_dist(), beta = get_topic_word_dist().
"""
import numpy as np

import common

ap = common.parser(__doc__.splitlines()[0])
ap.add_argument("--iterations", type=int, default=1000)
ap.add_argument("--alpha", type=float, default=-1.0, help="< 0: 50 / K, as ntm")
ap.add_argument("--beta", type=float, default=0.01)
a = ap.parse_args()
store = common.Store(a.labels)
alpha = a.alpha if a.alpha > 0 else 50.0 / a.num_topics
import tomotopy as tp  # noqa: E402

docs = []
for d in range(store.bow.shape[0]):
    lo, hi = store.bow.indptr[d], store.bow.indptr[d + 1]
    docs.append([store.vocab[i] for i, c in zip(store.bow.indices[lo:hi], store.bow.data[lo:hi]) for _ in range(int(c))])


def fit(seed):
    m = tp.LDAModel(k=a.num_topics, alpha=alpha, eta=a.beta, seed=seed)
    for words in docs:
        m.add_doc(words)
    m.optim_interval = 0
    m.train(iterations=a.iterations, workers=a.threads)
    # tomotopy numbers its vocabulary in first-seen order: map back to the store's
    pos = {w: i for i, w in enumerate(m.used_vocabs)}
    col = np.array([pos.get(w, -1) for w in store.vocab])
    beta = np.zeros((a.num_topics, len(store.vocab)), dtype=np.float32)
    for k in range(a.num_topics):
        dist = np.asarray(m.get_topic_word_dist(k))
        beta[k, col >= 0] = dist[col[col >= 0]]
    theta = np.array([d.get_topic_dist() for d in m.docs])
    return common.top_words_from_beta(beta, store.vocab, a.top_n), theta, beta


common.run(a, store, "tomotopy-lda", "tomotopy", "tomotopy.LDAModel",
           {"iterations": a.iterations, "alpha": alpha, "eta": a.beta, "optim_interval": 0}, fit)
