#!/usr/bin/env python3
"""The side-by-side table of scripts/bench-peers.sh: one row per run, time and memory from
/usr/bin/time -v, fit time from a peer's seed meta.json (training only, imports and data loading
excluded), quality from `ntm eval`'s metrics.json (mean ± population std over the seeds).

  bench_table.py ROWS.tsv     (lines: family<TAB>name<TAB>run dir<TAB>time -v file<TAB>eval dir)
"""
import json
import os
import re
import sys

METRICS = [("c_npmi", "NPMI"), ("c_v", "C_V"), ("topic_diversity", "TD"), ("inverted_rbo", "I-RBO"),
           ("purity", "purity"), ("nmi", "NMI")]


def time_v(path):
    text = open(path).read()
    def grab(pat):
        m = re.search(pat, text)
        return m.group(1) if m else None
    wall = grab(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)")
    secs = 0.0
    for part in (wall or "0").split(":"):
        secs = secs * 60 + float(part)
    cpu = float(grab(r"User time \(seconds\): (\S+)") or 0) + float(grab(r"System time \(seconds\): (\S+)") or 0)
    rss = int(grab(r"Maximum resident set size \(kbytes\): (\d+)") or 0) / 1024
    return secs, cpu, rss, grab(r"Exit status: (\d+)")


def fit_seconds(run):
    """Training seconds summed over the seeds: a peer's train_seconds (seed meta.json), or ntm's
    metrics.jsonl (per-epoch seconds summed; LDA's cumulative seconds at the last sweep)."""
    meta = json.load(open(os.path.join(run, "meta.json")))
    tot = None
    for s in meta.get("seeds", []):
        d = os.path.join(run, f"seed-{s}")
        m = json.load(open(os.path.join(d, "meta.json"))) if os.path.exists(os.path.join(d, "meta.json")) else {}
        if "train_seconds" in m:
            tot = (tot or 0.0) + m["train_seconds"]
        elif os.path.exists(os.path.join(d, "metrics.jsonl")):
            recs = [json.loads(x) for x in open(os.path.join(d, "metrics.jsonl")) if x.strip()]
            if recs:
                secs = recs[-1]["seconds"] if "sweep" in recs[-1] else sum(r.get("seconds", 0) for r in recs)
                tot = (tot or 0.0) + secs
    return tot


def fmt(a):
    if a is None:
        return "—"
    return f"{a['mean']:.3f}" if a.get("n", 1) < 2 else f"{a['mean']:.3f} ± {a['std']:.3f}"


rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
head = ["model", "run", "fit wall s", "process wall s", "process CPU s", "peak RSS MiB"] + [h for _, h in METRICS]
print("| " + " | ".join(head) + " |")
print("|" + "|".join("---" for _ in head) + "|")
for family, name, run, tfile, edir in rows:
    wall, cpu, rss, status = time_v(tfile) if os.path.exists(tfile) else (0, 0, 0, "missing")
    if status != "0" or not os.path.exists(os.path.join(edir, "metrics.json")):
        print(f"| {family} | {name} | failed (exit {status}; see {tfile}) |" + " |" * (len(head) - 3))
        continue
    fit = fit_seconds(run)
    agg = json.load(open(os.path.join(edir, "metrics.json")))["aggregate"]
    cells = [family, name, "—" if fit is None else f"{fit:.1f}", f"{wall:.1f}", f"{cpu:.1f}", f"{rss:.0f}"]
    cells += [fmt(agg.get(k)) for k, _ in METRICS]
    print("| " + " | ".join(cells) + " |")
