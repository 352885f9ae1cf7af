#!/usr/bin/env python3
"""Reference side of the tokenizer parity check and benchmark: Hugging Face tokenizers 0.23.3 (the
Rust library's PyPI package, in the venv of scripts/setup-references.sh).

  hf_tokenize.py encode TOKENIZER_JSON TEXTS_JSONL OUT_JSONL [--special]
      one JSON array of ids per input line (a JSON string per line)
  hf_tokenize.py bench TOKENIZER_JSON TEXTS_JSONL [--batch N]
      times encode_batch over all texts (run with TOKENIZERS_PARALLELISM=false for one thread);
      prints "docs bytes wall_seconds cpu_seconds tokens" (cpu: the whole process, all threads)
  hf_tokenize.py gpt2-json ENCODER_JSON VOCAB_BPE OUT_TOKENIZER_JSON
      writes a tokenizer.json equivalent to GPT2TokenizerFast from encoder.json + vocab.bpe
  hf_tokenize.py tsv2jsonl OUT_JSONL FILE.tsv...
      the text column (before the last TAB, header line skipped) of each TSV, as JSON lines
  hf_tokenize.py compare A_JSONL B_JSONL TEXTS_JSONL LABEL [--show N]
      counts lines whose id arrays differ; prints the first N mismatches; exit 1 if any
"""
import json
import os
import sys
import time


def read_lines(path):
    with open(path, encoding="utf-8", newline="\n") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def write_atomic(path, text):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def load(tokenizer_json):
    from tokenizers import Tokenizer

    return Tokenizer.from_file(tokenizer_json)


def encode(tokenizer_json, texts_file, out_file, special):
    tok = load(tokenizer_json)
    texts = [json.loads(line) for line in read_lines(texts_file)]
    out = []
    for i in range(0, len(texts), 512):
        encs = tok.encode_batch(texts[i:i + 512], add_special_tokens=special)
        out.extend(json.dumps(e.ids, separators=(",", ":")) for e in encs)
    write_atomic(out_file, "".join(line + "\n" for line in out))


def bench(tokenizer_json, texts_file, batch):
    tok = load(tokenizer_json)
    texts = [json.loads(line) for line in read_lines(texts_file)]
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    tok.encode_batch(texts[:64], add_special_tokens=False)  # warm up
    t0, c0 = time.perf_counter(), time.process_time()
    n = 0
    for i in range(0, len(texts), batch):
        for e in tok.encode_batch(texts[i:i + batch], add_special_tokens=False):
            n += len(e.ids)
    print(len(texts), nbytes, time.perf_counter() - t0, time.process_time() - c0, n)


def gpt2_json(encoder_file, bpe_file, out_file):
    with open(encoder_file, encoding="utf-8") as f:
        vocab = json.load(f)
    merges = [l for i, l in enumerate(read_lines(bpe_file)) if l and not (i == 0 and l.startswith("#version"))]
    eot = vocab["<|endoftext|>"]
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    tj = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": eot, "content": "<|endoftext|>", "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": True, "special": True}],
        "normalizer": None,
        "pre_tokenizer": byte_level,
        "post_processor": dict(byte_level, add_prefix_space=True, trim_offsets=False),
        "decoder": dict(byte_level, add_prefix_space=True),
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": merges},
    }
    write_atomic(out_file, json.dumps(tj, ensure_ascii=False))


def tsv2jsonl(out_file, files):
    out = []
    for path in files:
        for line in read_lines(path)[1:]:
            tab = line.rfind("\t")
            out.append(json.dumps(line[:tab] if tab >= 0 else line, ensure_ascii=False))
    write_atomic(out_file, "".join(line + "\n" for line in out))


def compare(a_file, b_file, texts_file, label, show):
    a, b, texts = read_lines(a_file), read_lines(b_file), read_lines(texts_file)
    bad = 0
    n = max(len(a), len(b))
    for i in range(n):
        x = json.loads(a[i]) if i < len(a) and a[i] else []
        y = json.loads(b[i]) if i < len(b) and b[i] else []
        if i < len(a) and i < len(b) and x == y:
            continue
        bad += 1
        if bad <= show:
            k = 0
            while k < len(x) and k < len(y) and x[k] == y[k]:
                k += 1
            text = json.loads(texts[i])[:160] if i < len(texts) else ""
            print(f"  MISMATCH {label} doc {i}: first difference at token {k}: ntm {x[k:k + 6]} hf {y[k:k + 6]}; "
                  f"text {text!r}")
    print(f"{label}: {n} docs, {bad} mismatches")
    return bad


def option(args, name, default):
    return int(args[args.index(name) + 1]) if name in args else default


def main(argv):
    cmd, args = (argv[1], argv[2:]) if len(argv) > 1 else ("", [])
    if cmd == "encode" and len(args) >= 3:
        encode(args[0], args[1], args[2], "--special" in args)
    elif cmd == "bench" and len(args) >= 2:
        bench(args[0], args[1], option(args, "--batch", 1))
    elif cmd == "gpt2-json" and len(args) == 3:
        gpt2_json(*args)
    elif cmd == "tsv2jsonl" and len(args) >= 2:
        tsv2jsonl(args[0], args[1:])
    elif cmd == "compare" and len(args) >= 4:
        return 1 if compare(args[0], args[1], args[2], args[3], option(args, "--show", 5)) else 0
    else:
        print("usage: hf_tokenize.py encode|bench|gpt2-json|tsv2jsonl|compare ... (see the header)", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
