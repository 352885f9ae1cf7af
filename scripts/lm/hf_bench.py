#!/usr/bin/env python3
"""HF transformers prefill throughput on the bench prompts (GPU), for scripts/bench-lm.sh.

  hf_bench.py MODEL_DIR PROMPTS.jsonl --mode best|reference [--batch 32]

best:      bf16, sdpa, length-sorted batches, logits_to_keep=1 (HF's fastest way to do this job)
reference: bf16, sdpa, input-order batches, full logits + output_hidden_states=True, positions
           from the mask (the configuration the fixtures' reference outputs were made with)
Prints one JSON line: mode, sequences, tokens (real), seconds, tokens_per_s, peak_mem_gb.
"""
import argparse, json, time

import torch
from transformers import AutoModelForCausalLM

ap = argparse.ArgumentParser()
ap.add_argument("model")
ap.add_argument("prompts")
ap.add_argument("--mode", choices=["best", "reference"], default="best")
ap.add_argument("--batch", type=int, default=32)
a = ap.parse_args()

seqs = [json.loads(l) for l in open(a.prompts) if l.strip()]
try:
    model = AutoModelForCausalLM.from_pretrained(a.model, dtype=torch.bfloat16, attn_implementation="sdpa")
except TypeError:
    model = AutoModelForCausalLM.from_pretrained(a.model, torch_dtype=torch.bfloat16, attn_implementation="sdpa")
model = model.cuda().eval()

order = list(range(len(seqs)))
if a.mode == "best":
    order.sort(key=lambda i: -len(seqs[i]))
batches = [order[i:i + a.batch] for i in range(0, len(order), a.batch)]


def tensors(batch):
    L = max(len(seqs[i]) for i in batch)
    ids = torch.zeros(len(batch), L, dtype=torch.long)
    mask = torch.zeros(len(batch), L, dtype=torch.long)
    for r, i in enumerate(batch):  # left padding, as HF batches causal-LM prompts
        s = seqs[i]
        ids[r, L - len(s):] = torch.tensor(s)
        mask[r, L - len(s):] = 1
    return ids.cuda(non_blocking=True), mask.cuda(non_blocking=True)


def run(batch):
    ids, mask = tensors(batch)
    if a.mode == "best":
        out = model(input_ids=ids, attention_mask=mask, logits_to_keep=1)
        return out.logits[:, -1].float().cpu()
    pos = (mask.cumsum(-1) - 1).clamp(min=0)
    out = model(input_ids=ids, attention_mask=mask, position_ids=pos, output_hidden_states=True)
    logits = out.logits[:, -1].float().cpu()
    hidden = out.hidden_states[-1][:, -1].float().cpu()
    return logits, hidden


with torch.inference_mode():
    for b in batches[:2]:  # warm-up (kernels, allocator)
        run(b)
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    t0 = time.perf_counter()
    for b in batches:
        run(b)
    torch.cuda.synchronize()
    secs = time.perf_counter() - t0
tokens = sum(len(s) for s in seqs)
print(json.dumps({"mode": a.mode, "sequences": len(seqs), "tokens": tokens, "seconds": secs,
                  "tokens_per_s": tokens / secs, "peak_mem_gb": torch.cuda.max_memory_allocated() / 1e9,
                  "gpu": torch.cuda.get_device_name(0), "torch": torch.__version__}))
