#!/usr/bin/env python3
"""The reference's soft-label extraction with HF transformers (GPU), for scripts/bench-build-labels.sh.

  hf_build_labels.py MODEL_DIR CORPUS.jsonl WORD_TOKENS.json --mode reference|best|batch1 [--batch 32]

reference: the paper's code run batched: prompts in corpus order, batches of 32, left padding,
           bf16, sdpa, full-vocabulary logits + output_hidden_states=True (method-spec §3.2).
best:      HF's fastest way to do the same job: length-sorted batches of 32, logits_to_keep=1,
           last hidden state only.
batch1:    the reference scripts' own setting (batch 1, full logits, hidden states).
Tokenisation (AutoTokenizer, add_special_tokens=True) is included in the time, as in ntm.
Prints one JSON line: mode, documents, tokens, seconds, docs_per_s, tokens_per_s, peak_mem_gb.
"""
import argparse, json, time

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

INSTRUCTION = "Generate a label that capture the overall theme of the document below."

ap = argparse.ArgumentParser()
ap.add_argument("model")
ap.add_argument("corpus")
ap.add_argument("word_tokens")
ap.add_argument("--mode", choices=["reference", "best", "batch1"], default="reference")
ap.add_argument("--batch", type=int, default=32)
a = ap.parse_args()

docs = [json.loads(l)["text"] for l in open(a.corpus, encoding="utf-8") if l.strip()]
word_ids = torch.tensor(json.load(open(a.word_tokens))["token_ids"]).cuda()
tok = AutoTokenizer.from_pretrained(a.model)
if tok.pad_token is None:
    tok.pad_token = tok.eos_token
tok.padding_side = "left"
try:
    model = AutoModelForCausalLM.from_pretrained(a.model, dtype=torch.bfloat16, attn_implementation="sdpa")
except TypeError:
    model = AutoModelForCausalLM.from_pretrained(a.model, torch_dtype=torch.bfloat16, attn_implementation="sdpa")
model = model.cuda().eval()
prompts = [f"{INSTRUCTION}\n\nDocument: {d}\n\nTopic: ".rstrip() for d in docs]
batch = 1 if a.mode == "batch1" else a.batch


def run(idx):
    enc = tok([prompts[i] for i in idx], return_tensors="pt", padding=True).to("cuda")
    if a.mode == "best":
        out = model(**enc, logits_to_keep=1, use_cache=False)
        hidden = None
    else:
        out = model(**enc, output_hidden_states=True, use_cache=False)
        hidden = out.hidden_states[-1][:, -1].float().cpu()
    soft = out.logits[:, -1].index_select(-1, word_ids).float().cpu()
    return soft, hidden, int(enc["attention_mask"].sum())


order = list(range(len(prompts)))
if a.mode == "best":
    lens = [len(x) for x in tok(prompts)["input_ids"]]
    order.sort(key=lambda i: -lens[i])
batches = [order[i:i + batch] for i in range(0, len(order), batch)]
with torch.inference_mode():
    run(batches[0])  # warm-up
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    t0 = time.perf_counter()
    tokens = 0
    for b in batches:
        tokens += run(b)[2]
    torch.cuda.synchronize()
    secs = time.perf_counter() - t0
print(json.dumps({"mode": a.mode, "documents": len(docs), "tokens": tokens, "seconds": secs,
                  "docs_per_s": len(docs) / secs, "tokens_per_s": tokens / secs,
                  "peak_mem_gb": torch.cuda.max_memory_allocated() / 1e9, "gpu": torch.cuda.get_device_name(0)}))
