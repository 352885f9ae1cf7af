#!/usr/bin/env python3
"""gensim 4.4 LdaModel (online variational Bayes) on an ntm label store's BoW -> an ntm run directory.

  lda_gensim.py --labels STORE --out RUN --num-topics K --seeds 0 [--passes 1]

Settings are the DSL reference's LDA baseline (method-spec §6, OCTIS around gensim): passes 1,
iterations 50, chunksize 2000, alpha "symmetric" (1/K), eta None (1/K), decay 0.5, offset 1,
gamma_threshold 1e-3, random_state = seed (eval_every None: perplexity logging only).
theta = get_document_topics(minimum_probability 0), beta = get_topics().
"""
import numpy as np

import common

ap = common.parser(__doc__.splitlines()[0])
ap.add_argument("--passes", type=int, default=1)
ap.add_argument("--iterations", type=int, default=50)
a = ap.parse_args()
store = common.Store(a.labels)
from gensim.matutils import Sparse2Corpus, corpus2dense  # noqa: E402
from gensim.models import LdaModel  # noqa: E402

corpus = Sparse2Corpus(store.bow, documents_columns=False)
id2word = dict(enumerate(store.vocab))


def fit(seed):
    m = LdaModel(corpus=corpus, id2word=id2word, num_topics=a.num_topics, passes=a.passes,
                 iterations=a.iterations, chunksize=2000, update_every=1, alpha="symmetric", eta=None,
                 decay=0.5, offset=1.0, eval_every=None, gamma_threshold=1e-3, random_state=seed)
    beta = m.get_topics()
    theta = corpus2dense(m.get_document_topics(corpus, minimum_probability=0.0), num_terms=a.num_topics).T
    return common.top_words_from_beta(beta, store.vocab, a.top_n), theta, beta


common.run(a, store, "gensim-lda", "gensim", "gensim.models.LdaModel",
           {"passes": a.passes, "iterations": a.iterations, "chunksize": 2000, "alpha": "symmetric"}, fit)
