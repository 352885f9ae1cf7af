#!/usr/bin/env python3
"""gensim LdaModel on the BoW of an ntm label store, for scripts/bench-lda.sh.

  lda_gensim.py LABEL_STORE OUT_TOPICS --k 50 --seed 0 [--passes 1]

Settings are the DSL reference's LDA baseline (method-spec §6: OCTIS wrapper around gensim
LdaModel): passes 1, iterations 50, chunksize 2000, update_every 1, alpha "symmetric", eta None,
decay 0.5, offset 1.0, gamma_threshold 1e-3, random_state = seed, empty-BoW documents dropped.
(eval_every is set to None: the reference's eval_every 10 only logs perplexity, which would be
charged to gensim's time.) Writes the top-15 words of each topic, one topic per line, and prints
one JSON line: seconds and cpu_seconds (training only; CPU time of all threads), documents, tokens, passes.
"""
import argparse, json, os, sys, time

from gensim.models import LdaModel

from label_store import rls

ap = argparse.ArgumentParser()
ap.add_argument("store")
ap.add_argument("out")
ap.add_argument("--k", type=int, default=50)
ap.add_argument("--seed", type=int, default=0)
ap.add_argument("--passes", type=int, default=1)
a = ap.parse_args()

meta, s = rls.load_store(a.store)
vocab = meta["vocab"]
indptr, idx, cnt = s["bow_indptr"], s["bow_indices"], s["bow_counts"]
corpus = []
for d in range(len(indptr) - 1):
    lo, hi = int(indptr[d]), int(indptr[d + 1])
    if hi > lo:
        corpus.append([(int(i), int(c)) for i, c in zip(idx[lo:hi], cnt[lo:hi])])
id2word = {i: w for i, w in enumerate(vocab)}
tokens = sum(c for doc in corpus for _, c in doc)
t0, c0 = time.perf_counter(), time.process_time()
lda = LdaModel(corpus, num_topics=a.k, id2word=id2word, passes=a.passes, iterations=50, chunksize=2000,
               update_every=1, alpha="symmetric", eta=None, decay=0.5, offset=1.0, eval_every=None,
               gamma_threshold=1e-3, random_state=a.seed)
secs, cpu = time.perf_counter() - t0, time.process_time() - c0
topics = lda.get_topics()  # [K, V]
with open(a.out, "w") as f:
    for row in topics:
        f.write(" ".join(vocab[i] for i in row.argsort()[::-1][:15]) + "\n")
print(json.dumps({"seconds": secs, "cpu_seconds": cpu, "documents": len(corpus), "tokens": int(tokens), "passes": a.passes}))
