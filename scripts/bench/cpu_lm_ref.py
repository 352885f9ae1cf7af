#!/usr/bin/env python3
"""The build-labels workload in llama.cpp (llama-cpp-python) and transformers, and the agreement
of soft labels between runs (scripts/bench-cpu-lm.sh drives it).

  cpu_lm_ref.py llama  MODEL.gguf CORPUS.jsonl WORDS.json THREADS OUT.npz [--prefix-reuse] [--no-hidden]
  cpu_lm_ref.py hf     MODEL.gguf CORPUS.jsonl WORDS.json THREADS OUT.npz
  cpu_lm_ref.py store  STORE_DIR OUT.npz
  cpu_lm_ref.py agree  REF.npz OTHER.npz       -> "top1_pct mean_kl same|different (prompt tokens)"
  cpu_lm_ref.py rate   RUN.log                  -> "docs/s prompt_tokens/s" of a llama / hf run

Each document is its own prompt (ntm's default prompt, src/labels/prompt.cpp): the next-token
logits of the vocabulary words' tokens (WORDS.json = the store's word_tokens.json) and the last
hidden state at the last prompt token. Runs print one JSON line: docs, tokens, seconds (the
document loop only, model loading excluded).
"""
import json
import os
import sys
import time

import numpy as np

INSTRUCTION = "Generate a label that capture the overall theme of the document below."


def prompt(doc):
    return (INSTRUCTION + "\n\nDocument: " + doc + "\n\nTopic: ").rstrip()


def read_corpus(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f if line.strip()]


def word_ids(path):
    with open(path) as f:
        return np.array(json.load(f)["token_ids"], dtype=np.int64)


def run_llama(model, corpus, words, threads, out, prefix_reuse, hidden):
    import llama_cpp

    kw = dict(embedding=True, pooling_type=llama_cpp.LLAMA_POOLING_TYPE_LAST) if hidden else {}
    llm = llama_cpp.Llama(model_path=model, n_ctx=4096, n_batch=4096, n_ubatch=4096, n_threads=threads,
                          n_threads_batch=threads, verbose=False, **kw)
    docs = read_corpus(corpus)
    toks = [llm.tokenize(prompt(d).encode("utf-8"), add_bos=True, special=False) for d in docs]
    ctx = llm._ctx.ctx
    n_vocab, n_embd = llm.n_vocab(), llm.n_embd()
    soft, hid, tokens = [], [], 0
    t0 = time.perf_counter()
    for t in toks:
        # llama.cpp's own prefix reuse (as Llama.generate does): keep the KV of the tokens this
        # prompt shares with the previous one and evaluate only the rest.
        keep = 0
        if prefix_reuse:
            prev = llm.input_ids[: llm.n_tokens]
            while keep < min(len(prev), len(t) - 1) and prev[keep] == t[keep]:
                keep += 1
        llm.n_tokens = keep  # eval() drops the KV cache from n_tokens on
        llm.eval(t[keep:])
        tokens += len(t) - keep
        logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(ctx, -1), shape=(n_vocab,))
        soft.append(logits[words].copy())
        if hidden:
            e = llama_cpp.llama_get_embeddings_seq(ctx, 0)
            hid.append(np.ctypeslib.as_array(e, shape=(n_embd,)).copy())
    secs = time.perf_counter() - t0
    np.savez(out, soft=np.stack(soft), hidden=np.stack(hid) if hid else np.zeros((0,)),
             prompt_tokens=np.array([len(t) for t in toks]))
    print(json.dumps({"docs": len(docs), "tokens": int(sum(len(t) for t in toks)), "computed_tokens": tokens,
                      "seconds": secs}))


def run_hf(model, corpus, words, threads, out):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.set_num_threads(threads)
    d, f = os.path.dirname(os.path.abspath(model)), os.path.basename(model)
    tok = AutoTokenizer.from_pretrained(d, gguf_file=f)
    lm = AutoModelForCausalLM.from_pretrained(d, gguf_file=f, dtype=torch.float32).eval()
    docs = read_corpus(corpus)
    ids = [tok(prompt(x), return_tensors="pt").input_ids for x in docs]
    wt = torch.from_numpy(words)
    soft, hid = [], []
    t0 = time.perf_counter()
    with torch.inference_mode():
        for x in ids:
            o = lm(input_ids=x, output_hidden_states=True, logits_to_keep=1)
            soft.append(o.logits[0, -1, wt].numpy().copy())
            hid.append(o.hidden_states[-1][0, -1].numpy().copy())
    secs = time.perf_counter() - t0
    np.savez(out, soft=np.stack(soft), hidden=np.stack(hid), prompt_tokens=np.array([x.shape[1] for x in ids]))
    print(json.dumps({"docs": len(docs), "tokens": int(sum(x.shape[1] for x in ids)), "seconds": secs}))


def read_store(store, out):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "rls", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "read-label-store.py"))
    rls = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rls)
    with open(os.path.join(store, "meta.json")) as f:
        meta = json.load(f)
    parts = [rls.read_safetensors(os.path.join(store, os.path.basename(c["file"])))[0] for c in meta["chunks"]]
    np.savez(out, soft=np.concatenate([p["soft_labels"] for p in parts]),
             hidden=np.concatenate([p["hidden"] for p in parts]),
             prompt_tokens=np.concatenate([p["prompt_tokens"] for p in parts]))


def agree(ref, other):
    a, b = np.load(ref), np.load(other)
    p, q = a["soft"].astype(np.float64), b["soft"].astype(np.float64)
    top1 = 100.0 * np.mean(p.argmax(1) == q.argmax(1))

    def log_softmax(x):
        x = x - x.max(1, keepdims=True)
        return x - np.log(np.exp(x).sum(1, keepdims=True))

    lp, lq = log_softmax(p), log_softmax(q)
    kl = np.mean(np.sum(np.exp(lp) * (lp - lq), axis=1))
    same_tokens = bool(np.array_equal(a["prompt_tokens"], b["prompt_tokens"]))
    print(f"{top1:.1f} {kl:.2e} {'same' if same_tokens else 'different'}")


def main():
    a = sys.argv[1:]
    if not a:
        sys.exit(__doc__)
    if a[0] == "llama":
        run_llama(a[1], a[2], word_ids(a[3]), int(a[4]), a[5], "--prefix-reuse" in a, "--no-hidden" not in a)
    elif a[0] == "hf":
        run_hf(a[1], a[2], word_ids(a[3]), int(a[4]), a[5])
    elif a[0] == "store":
        read_store(a[1], a[2])
    elif a[0] == "rate":
        with open(a[1]) as f:
            j = json.loads([line for line in f if line.startswith("{")][-1])
        print(f"{j['docs'] / j['seconds']:.2f} {j['tokens'] / j['seconds']:.0f}")
    elif a[0] == "agree":
        agree(a[1], a[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
