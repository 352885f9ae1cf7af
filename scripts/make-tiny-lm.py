#!/usr/bin/python3
"""Generates ntm's bundled tiny causal LM (data/tiny-lm/): a random-weight Llama in Hugging Face
format (config.json, model.safetensors, tokenizer.json, tokenizer_config.json,
generation_config.json), so `build-labels -> train -> eval` runs end to end on CPU in CI.

The weights are RANDOM: soft labels from this model carry no meaning. Use a real checkpoint
(e.g. Llama-3.2-1B-Instruct) for real topic models.

Deterministic: a fixed seed, a byte-level BPE trained on a committed text list
(tests/fixtures/tokenizers/texts.json) with ties broken by the pair itself. Needs only the
Python standard library and numpy (Debian's /usr/bin/python3).

    /usr/bin/python3 scripts/make-tiny-lm.py [--out data/tiny-lm]
"""
import argparse
import collections
import json
import os
import re
import struct

import numpy as np

SEED = 20260227
NUM_MERGES = 1200
HIDDEN, LAYERS, HEADS, KV_HEADS, INTERMEDIATE = 64, 2, 4, 2, 128
BOS, EOS = "<|begin_of_text|>", "<|end_of_text|>"


def bytes_to_unicode():
    """GPT-2's reversible byte -> printable character map."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    chars = keep[:]
    n = 0
    for b in range(256):
        if b not in keep:
            keep.append(b)
            chars.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(keep, chars)}


# Training-time approximation of the GPT-2 split (the tokenizer.json carries the real regex).
SPLIT = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?[^\s\w]+|\s+(?!\S)|\s+""")


def train_bpe(texts):
    b2u = bytes_to_unicode()
    words = collections.Counter()
    for t in texts:
        for piece in SPLIT.findall(t):
            words[tuple(b2u[b] for b in piece.encode("utf-8"))] += 1
    vocab = [b2u[b] for b in sorted(b2u)]
    merges = []
    words = dict(words)
    for _ in range(NUM_MERGES):
        pairs = collections.Counter()
        for w, c in words.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] += c
        if not pairs:
            break
        best = max(pairs.items(), key=lambda kv: (kv[1], tuple(-ord(ch) for ch in kv[0][0] + "\0" + kv[0][1])))[0]
        merges.append(best)
        joined = best[0] + best[1]
        vocab.append(joined)
        new_words = {}
        for w, c in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and (w[i], w[i + 1]) == best:
                    out.append(joined)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            new_words[tuple(out)] = new_words.get(tuple(out), 0) + c
        words = new_words
    return vocab, merges


def tokenizer_json(vocab, merges):
    ids = {tok: i for i, tok in enumerate(vocab)}
    bos_id, eos_id = len(vocab), len(vocab) + 1
    added = [
        {"id": bos_id, "content": BOS, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True},
        {"id": eos_id, "content": EOS, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True},
    ]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {
            "type": "Sequence",
            "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"},
                 "behavior": "Isolated", "invert": False},
                {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
            ],
        },
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": BOS, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": BOS, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": BOS, "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {BOS: {"id": BOS, "ids": [bos_id], "tokens": [BOS]}},
        },
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {
            "type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
            "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
            "vocab": ids, "merges": [[a, b] for a, b in merges],
        },
    }, bos_id, eos_id


def save_safetensors(path, tensors):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        arr = np.ascontiguousarray(tensors[name], dtype="<f4")
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + arr.nbytes]}
        blobs.append(arr.tobytes())
        offset += arr.nbytes
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
    os.replace(path + ".tmp", path)


def write_json(path, obj):
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
        f.write("\n")
    os.replace(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--out", default=os.path.join(root, "data", "tiny-lm"))
    ap.add_argument("--texts", default=os.path.join(root, "tests", "fixtures", "tokenizers", "texts.json"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    texts = json.load(open(args.texts, encoding="utf-8"))
    vocab, merges = train_bpe(texts)
    tok, bos_id, eos_id = tokenizer_json(vocab, merges)
    vocab_size = len(vocab) + 2

    rng = np.random.default_rng(SEED)
    head_dim = HIDDEN // HEADS
    t = {"model.embed_tokens.weight": rng.normal(0, 0.5, (vocab_size, HIDDEN)),
         "model.norm.weight": 1 + rng.normal(0, 0.1, HIDDEN)}
    for l in range(LAYERS):
        p = f"model.layers.{l}."
        t[p + "input_layernorm.weight"] = 1 + rng.normal(0, 0.1, HIDDEN)
        t[p + "post_attention_layernorm.weight"] = 1 + rng.normal(0, 0.1, HIDDEN)
        t[p + "self_attn.q_proj.weight"] = rng.normal(0, 0.15, (HEADS * head_dim, HIDDEN))
        t[p + "self_attn.k_proj.weight"] = rng.normal(0, 0.15, (KV_HEADS * head_dim, HIDDEN))
        t[p + "self_attn.v_proj.weight"] = rng.normal(0, 0.15, (KV_HEADS * head_dim, HIDDEN))
        t[p + "self_attn.o_proj.weight"] = rng.normal(0, 0.15, (HIDDEN, HEADS * head_dim))
        t[p + "mlp.gate_proj.weight"] = rng.normal(0, 0.15, (INTERMEDIATE, HIDDEN))
        t[p + "mlp.up_proj.weight"] = rng.normal(0, 0.15, (INTERMEDIATE, HIDDEN))
        t[p + "mlp.down_proj.weight"] = rng.normal(0, 0.15, (HIDDEN, INTERMEDIATE))
    save_safetensors(os.path.join(args.out, "model.safetensors"), t)

    write_json(os.path.join(args.out, "config.json"), {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": vocab_size,
        "hidden_size": HIDDEN, "intermediate_size": INTERMEDIATE, "num_hidden_layers": LAYERS,
        "num_attention_heads": HEADS, "num_key_value_heads": KV_HEADS, "head_dim": head_dim,
        "hidden_act": "silu", "max_position_embeddings": 4096, "rms_norm_eps": 1e-5,
        "rope_theta": 10000.0, "rope_scaling": None, "attention_bias": False, "mlp_bias": False,
        "tie_word_embeddings": True, "bos_token_id": bos_id, "eos_token_id": eos_id,
        "torch_dtype": "float32", "_ntm_note": "random weights generated by scripts/make-tiny-lm.py; not a language model"})
    write_json(os.path.join(args.out, "generation_config.json"), {"bos_token_id": bos_id, "eos_token_id": eos_id})
    write_json(os.path.join(args.out, "tokenizer.json"), tok)
    write_json(os.path.join(args.out, "tokenizer_config.json"), {
        "add_bos_token": True, "add_eos_token": False, "bos_token": BOS, "eos_token": EOS,
        "model_max_length": 4096, "tokenizer_class": "PreTrainedTokenizerFast", "clean_up_tokenization_spaces": False})
    print(f"wrote {args.out}: vocab {vocab_size}, hidden {HIDDEN}, {LAYERS} layers, {len(merges)} merges")


if __name__ == "__main__":
    main()
