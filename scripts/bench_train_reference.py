#!/usr/bin/python3
"""Reference DSL-ProdLDA training loop, written from method-spec §5.1, for timing only.

Mirrors what the reference (raymondzmc/dsl-topic-models, models/dsl/prodlda.py + the vendored
OCTIS CTM pieces) does per epoch: a map-style Dataset whose __getitem__ returns per-document
FloatTensors, a DataLoader(batch 64, shuffle=True), the contextual encoder (2x200 softplus,
dropout 0.2, affine-free BatchNorm on mu and log-variance), softmax(BN(theta_drop B)/T) decoder,
teacher softmax(top-k-masked logits / T), KL with 1e-9 clamps, loss summed over the batch,
Adam(2e-3, betas (0.99, 0.99)). Data are random (timing only). Run with Debian's python3-torch.

--loader tensor replaces the reference's per-document Dataset/DataLoader (torch.FloatTensor of a
numpy row per document, then collate) by slicing pre-built tensors with a shuffled permutation:
the same mathematics without the reference's data-loading overhead, to show the compute-only gap.

Prints one JSON object: {"impl": "python-reference", "seconds_per_epoch": [...], ...}.
"""
import argparse
import json
import math
import sys
import time

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset


class DocDataset(Dataset):
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return self.x.shape[0]

    def __getitem__(self, i):
        return {"x_embeddings": torch.FloatTensor(self.x[i]), "y": torch.FloatTensor(self.y[i])}


class Encoder(nn.Module):
    def __init__(self, d_in, k, hidden, dropout=0.2):
        super().__init__()
        self.input_projection = nn.Linear(d_in, hidden[0])
        layers = []
        for i, (a, b) in enumerate(zip(hidden[:-1], hidden[1:])):
            layers.append(("l_%d" % i, nn.Sequential(nn.Linear(a, b), nn.Softplus())))
        from collections import OrderedDict
        self.hiddens = nn.Sequential(OrderedDict(layers))
        self.f_mu = nn.Linear(hidden[-1], k)
        self.f_mu_batchnorm = nn.BatchNorm1d(k, affine=False)
        self.f_sigma = nn.Linear(hidden[-1], k)
        self.f_sigma_batchnorm = nn.BatchNorm1d(k, affine=False)
        self.dropout_enc = nn.Dropout(dropout)
        self.activation = nn.Softplus()

    def forward(self, x):
        h = self.hiddens(self.activation(self.input_projection(x)))
        h = self.dropout_enc(h)
        return self.f_mu_batchnorm(self.f_mu(h)), self.f_sigma_batchnorm(self.f_sigma(h))


class Autoencoder(nn.Module):
    def __init__(self, v, d_in, k, hidden, dropout, temperature):
        super().__init__()
        self.encoder = Encoder(d_in, k, hidden)
        self.prior_mean = nn.Parameter(torch.zeros(k))
        self.prior_variance = nn.Parameter(torch.full((k,), 1.0 - 1.0 / k))
        self.beta = nn.Parameter(torch.empty(k, v))
        nn.init.xavier_uniform_(self.beta)
        self.beta_batchnorm = nn.BatchNorm1d(v, affine=False)
        self.drop_theta = nn.Dropout(dropout)
        self.temperature = temperature

    def forward(self, x):
        mu, log_sigma = self.encoder(x)
        sigma = torch.exp(log_sigma)
        eps = torch.randn_like(sigma)
        theta = torch.softmax(eps.mul(torch.exp(0.5 * log_sigma)).add_(mu), dim=1)
        theta = self.drop_theta(theta)
        word_dist = torch.softmax(self.beta_batchnorm(torch.matmul(theta, self.beta)) / self.temperature, dim=1)
        return self.prior_mean, self.prior_variance, mu, sigma, log_sigma, word_dist


def dsl_loss(k_topics, teacher_logits, student, pm, pv, mu, var, logvar, topk, temperature, weight):
    var_division = torch.sum(var / pv, dim=1)
    diff = pm - mu
    diff_term = torch.sum((diff * diff) / pv, dim=1)
    logdet = pv.log().sum() - logvar.sum(dim=1)
    kl = 0.5 * (var_division + diff_term - k_topics + logdet)
    vals, idx = torch.topk(teacher_logits, k=topk, dim=1)
    masked = torch.full_like(teacher_logits, float("-inf"))
    masked.scatter_(1, idx, vals)
    t = torch.softmax(masked / temperature, dim=-1).clamp_min(1e-9)
    s = student.clamp_min(1e-9)
    rl = torch.sum(t * torch.log(t / s), dim=1)
    return (kl + weight * rl).sum()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=18846)
    ap.add_argument("--v", type=int, default=2000)
    ap.add_argument("--h", type=int, default=2048)
    ap.add_argument("--k", type=int, default=50)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--loader", choices=["reference", "tensor"], default="reference")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    x = rng.standard_normal((a.n, a.h), dtype=np.float32)
    y = (rng.standard_normal((a.n, a.v), dtype=np.float32) * 3.0).astype(np.float32)
    device = torch.device(a.device)
    model = Autoencoder(a.v, a.h, a.k, (200, 200), 0.2, 3.0).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3, betas=(0.99, 0.99))
    if a.loader == "reference":
        loader = DataLoader(DocDataset(x, y), batch_size=64, shuffle=True, num_workers=0)
    else:
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)

        def tensor_loader():
            perm = torch.randperm(a.n)
            for b in range(0, a.n, 64):
                rows = perm[b:b + 64]
                yield {"x_embeddings": xt.index_select(0, rows), "y": yt.index_select(0, rows)}
        loader = None
    k = math.ceil(1.0 * a.v)
    times, losses = [], []
    for _ in range(a.epochs):
        model.train()
        if device.type == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        total, seen = 0.0, 0
        for batch in (loader if loader is not None else tensor_loader()):
            xb = batch["x_embeddings"].to(device)
            yb = batch["y"].to(device)
            model.zero_grad()
            pm, pv, mu, var, logvar, wd = model(xb)
            loss = dsl_loss(a.k, yb, wd, pm, pv, mu, var, logvar, k, 3.0, 1000.0)
            loss.backward()
            opt.step()
            total += loss.item()
            seen += xb.size(0)
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
        losses.append(total / seen)
        print("python epoch %d: %.2f s, loss %.4f" % (len(times), times[-1], losses[-1]), file=sys.stderr)
    print(json.dumps({"impl": "python-reference", "loader": a.loader, "torch": torch.__version__, "threads": a.threads,
                      "device": a.device, "seconds_per_epoch": times, "loss": losses}))


if __name__ == "__main__":
    main()
