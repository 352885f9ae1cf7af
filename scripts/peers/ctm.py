#!/usr/bin/env python3
"""contextualized-topic-models 2.6.1 ZeroShotTM / CombinedTM on an ntm label store -> an ntm run directory.

  ctm.py --model zeroshot|combined --labels STORE --out RUN --num-topics K --seeds 0 [--epochs 100] [--embeddings hidden|minilm]

Contextual input: the store's LM hidden states (what `ntm train --model zeroshot|combined` reads), or
with --embeddings minilm all-MiniLM-L6-v2 of the BoW strings. CTM's defaults otherwise: batch 64,
lr 2e-3, Adam betas (0.99, 0.99), hidden (100, 100), softplus, dropout 0.2, learned priors; data
loader workers 0 (no fork, reproducible). theta = get_doc_topic_distribution(n_samples 20),
beta = the unnormalised decoder matrix (get_topic_word_matrix).
"""
import numpy as np

import common

ap = common.parser(__doc__.splitlines()[0])
ap.add_argument("--model", choices=["zeroshot", "combined"], required=True)
ap.add_argument("--epochs", type=int, default=100)
ap.add_argument("--batch-size", type=int, default=64)
ap.add_argument("--lr", type=float, default=2e-3)
a = ap.parse_args()
store = common.Store(a.labels)
E = store.hidden if a.embeddings == "hidden" else common.minilm_embeddings(store.texts())
from contextualized_topic_models.datasets.dataset import CTMDataset  # noqa: E402
from contextualized_topic_models.models.ctm import CombinedTM, ZeroShotTM  # noqa: E402

ds = CTMDataset(X_contextual=E, X_bow=store.bow, idx2token=dict(enumerate(store.vocab)))
Model = ZeroShotTM if a.model == "zeroshot" else CombinedTM


def fit(seed):
    m = Model(bow_size=len(store.vocab), contextual_size=E.shape[1], n_components=a.num_topics,
              num_epochs=a.epochs, batch_size=a.batch_size, lr=a.lr, num_data_loader_workers=0)
    m.fit(ds, do_train_predictions=False)
    theta = m.get_doc_topic_distribution(ds, n_samples=20)
    beta = m.get_topic_word_matrix()
    return common.top_words_from_beta(beta, store.vocab, a.top_n), theta, beta


common.run(a, store, f"ctm-{a.model}", "contextualized-topic-models", Model.__name__,
           {"epochs": a.epochs, "batch_size": a.batch_size, "lr": a.lr, "embeddings": a.embeddings}, fit)
