#!/usr/bin/env bash
# Benchmark of `ntm eval` against the reference tools, same machine, same run:
#   1. C_V (window 110) + NPMI (window 10) of 50 topics x 15 words on 20 Newsgroups (train),
#      ntm --coherence-flavour gensim vs gensim 4.x CoherenceModel (values must agree to 1e-6);
#   2. retrieval P@1/5/10 for N = 20,000 documents and K = 50 topics: ntm (blockwise matmul KL)
#      vs the DSL reference's numpy computation (KL matrix in float32 + np.argsort, row blocks).
# Usage: scripts/bench-eval.sh            (NTM=path/to/ntm, NTM_DATA_DIR=corpora, DEVICE=cpu|cuda)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
ntm="${NTM:-$root/build/ntm}"
device="${DEVICE:-auto}"
py=/usr/bin/python3
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "== coherence: C_V + NPMI, 50 x 15-word topics, 20 Newsgroups train =="
"$py" "$root/scripts/check-coherence-vs-gensim.py" --ntm "$ntm" --datasets 20newsgroups/train.tsv \
  --measures c_v,c_npmi --time

echo
echo "== retrieval P@k: N = 20000, K = 50 =="
"$py" - "$tmp" <<'PY'
import json, struct, sys, numpy as np
tmp = sys.argv[1]
rng = np.random.default_rng(0)
N, K = 20000, 50
theta = rng.dirichlet(np.full(K, 0.1), size=N).astype(np.float32)
labels = (theta[:, :20].argmax(1) + (rng.random(N) < 0.3) * rng.integers(0, 20, N)) % 20
labels = labels.astype(np.int64)
arrs = {"theta": theta, "labels": labels}
header, off, blobs = {}, 0, []
for name in ["labels", "theta"]:
    a = np.ascontiguousarray(arrs[name])
    header[name] = {"dtype": "F32" if a.dtype == np.float32 else "I64", "shape": list(a.shape), "data_offsets": [off, off + a.nbytes]}
    off += a.nbytes; blobs.append(a.tobytes())
h = json.dumps(header, separators=(",", ":")).encode(); h += b" " * ((8 - len(h) % 8) % 8)
open(f"{tmp}/theta.safetensors", "wb").write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
open(f"{tmp}/topics.txt", "w").write("".join(f"t{k}a t{k}b\n" for k in range(K)))
np.save(f"{tmp}/theta.npy", theta); np.save(f"{tmp}/labels.npy", labels)
PY
start=$(date +%s.%N)
"$ntm" --log-level warn --device "$device" eval --topics "$tmp/topics.txt" --theta "$tmp/theta.safetensors" \
  --metrics retrieval --out "$tmp/ev" >/dev/null
end=$(date +%s.%N)
ntm_s=$(echo "$end - $start" | bc)
"$py" - "$tmp" "$ntm_s" <<'PY'
import json, sys, time, numpy as np
tmp, ntm_s = sys.argv[1], float(sys.argv[2])
theta, labels = np.load(f"{tmp}/theta.npy"), np.load(f"{tmp}/labels.npy")
t0 = time.perf_counter()
P = theta / theta.sum(1, keepdims=True)
logP = np.log(P + np.float32(1e-12))
hits = {1: 0.0, 5: 0.0, 10: 0.0}
N = len(P)
for b in range(0, N, 50):  # the reference's KL in float32, 50 query rows at a time
    q = P[b:b + 50]
    D = (q[:, None, :] * (logP[b:b + 50][:, None, :] - logP[None, :, :])).sum(-1)
    D[np.arange(len(q)), np.arange(b, b + len(q))] = 0
    order = np.argsort(D, axis=1)
    for i in range(len(q)):
        nb = order[i][order[i] != b + i][:10]
        same = labels[nb] == labels[b + i]
        for k in hits:
            hits[k] += same[:k].mean()
ref_s = time.perf_counter() - t0
ours = json.load(open(f"{tmp}/ev/metrics.json"))["seeds"][0]["metrics"]
print(f"{'':14s} {'P@1':>8s} {'P@5':>8s} {'P@10':>8s} {'seconds':>9s}")
print(f"{'numpy (DSL)':14s} {hits[1]/N:8.5f} {hits[5]/N:8.5f} {hits[10]/N:8.5f} {ref_s:9.2f}")
print(f"{'ntm':14s} {ours['precision@1']:8.5f} {ours['precision@5']:8.5f} {ours['precision@10']:8.5f} {ntm_s:9.2f}")
print(f"speed-up {ref_s / ntm_s:.1f}x (ntm time is the whole process, start-up included)")
PY
