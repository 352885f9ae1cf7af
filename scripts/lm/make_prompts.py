#!/usr/bin/env python3
"""Random token-id prompts with log-normal lengths (median ~200, clipped to [8, max]) as JSONL.

usage: make_prompts.py OUT.jsonl N [--median 200] [--sigma 0.9] [--max 2048] [--vocab 128000]
"""
import argparse, json, math, random

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("n", type=int)
ap.add_argument("--median", type=float, default=200)
ap.add_argument("--sigma", type=float, default=0.9)
ap.add_argument("--max", type=int, default=2048)
ap.add_argument("--vocab", type=int, default=128000)
ap.add_argument("--seed", type=int, default=0)
a = ap.parse_args()
rng = random.Random(a.seed)
total = 0
with open(a.out, "w") as f:
    for _ in range(a.n):
        n = int(round(rng.lognormvariate(math.log(a.median), a.sigma)))
        n = max(8, min(a.max, n))
        total += n
        f.write(json.dumps([rng.randrange(a.vocab) for _ in range(n)]) + "\n")
print(f"{a.n} prompts, {total} tokens, mean {total / a.n:.0f}")
