#!/usr/bin/env python3
"""TopMost 1.0.2 ProdLDA / ETM / ECRTM on an ntm label store's BoW -> an ntm run directory.

  topmost_models.py --model prodlda|etm|ecrtm --labels STORE --out RUN --num-topics K --seeds 0 [--epochs 200]

TopMost's own defaults otherwise: BasicTrainer (Adam, lr 0.002, no scheduler), training batches of
200 shuffled documents (BasicDataset), ProdLDA(en_units 200, dropout 0.4), ETM(en_units 800),
ECRTM(beta_temp 0.2, weight_loss_ECR 100, sinkhorn_alpha 20). ETM and ECRTM start from the store's
word embeddings (build-labels' LM input embeddings; ETM keeps them fixed, ECRTM trains them),
which is what `ntm train --model etm|ecrtm` reads; without them, random 200-d ones (no GloVe:
nothing downloads). The fixed BoW is passed as a SimpleNamespace dataset, skipping TopMost's
preprocessing (whose vocabulary would differ). theta = trainer.test(bow), beta = model.get_beta().
"""
from types import SimpleNamespace

import numpy as np

import common

ap = common.parser(__doc__.splitlines()[0])
ap.add_argument("--model", choices=["prodlda", "etm", "ecrtm"], required=True)
ap.add_argument("--epochs", type=int, default=200)
ap.add_argument("--batch-size", type=int, default=200)
ap.add_argument("--lr", type=float, default=0.002)
a = ap.parse_args()
store = common.Store(a.labels)
common.stub_torchvision()
import torch  # noqa: E402
import topmost  # noqa: E402
from torch.utils.data import DataLoader  # noqa: E402

X = torch.as_tensor(store.bow.toarray(), dtype=torch.float32)  # [N, V]
V, WE = len(store.vocab), store.word_embeddings


def fit(seed):
    # BatchNorm in ProdLDA/ECRTM fails on a last batch of one document
    drop_last = X.shape[0] % a.batch_size == 1
    ds = SimpleNamespace(train_data=X, vocab=store.vocab, vocab_size=V,
                         train_dataloader=DataLoader(X, batch_size=a.batch_size, shuffle=True, drop_last=drop_last))
    if a.model == "prodlda":
        model = topmost.ProdLDA(V, num_topics=a.num_topics)
    elif a.model == "etm":
        model = (topmost.ETM(V, embed_size=WE.shape[1], num_topics=a.num_topics, pretrained_WE=WE, train_WE=False)
                 if WE is not None else topmost.ETM(V, num_topics=a.num_topics, train_WE=True))
    else:
        model = (topmost.ECRTM(V, num_topics=a.num_topics, pretrained_WE=WE, embed_size=WE.shape[1])
                 if WE is not None else topmost.ECRTM(V, num_topics=a.num_topics))
    tr = topmost.BasicTrainer(model, ds, num_top_words=a.top_n, epochs=a.epochs, learning_rate=a.lr,
                              batch_size=a.batch_size)
    _, theta = tr.train()
    beta = tr.get_beta()
    return common.top_words_from_beta(beta, store.vocab, a.top_n), theta, beta


common.run(a, store, f"topmost-{a.model}", "topmost", f"topmost.{ {'prodlda': 'ProdLDA', 'etm': 'ETM', 'ecrtm': 'ECRTM'}[a.model]}",
           {"epochs": a.epochs, "batch_size": a.batch_size, "lr": a.lr,
            "word_embeddings": "store" if WE is not None else "random"}, fit)
