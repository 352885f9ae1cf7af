#!/usr/bin/env python3
"""Writes tests/fixtures/tokenizers/components.json: ids and decodes from Hugging Face tokenizers
0.23.3 (PyPI) for variants of the e2e fixture's tokenizer.json that exercise the components the real
Llama/Qwen files do not use (NFKC, Lowercase, Strip, Metaspace, Digits, Punctuation,
WhitespaceSplit, Whitespace, Split behaviours and invert, ByteLevel with a prefix space,
byte_fallback, unk fusing, lstrip/rstrip/single_word/normalized added tokens, BOS+EOS templates,
decoders). Run with the references venv:  .venv/bin/python scripts/make-tokenizer-component-fixtures.py [OUT]
"""
import copy
import json
import os
import sys

from tokenizers import Tokenizer, __version__ as tokenizers_version

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def load(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return json.load(f)


BASE = load("tests/fixtures/e2e/tokenizer.json")
ALL_TEXTS = load("tests/fixtures/tokenizers/texts.json")
TEXTS = ALL_TEXTS[:40] + ALL_TEXTS[250:280] + ALL_TEXTS[500:] + [
    "a<|endoftext|>b", "<|endoftext|> start", "Hello [MASK] world", "Hello[MASK]world", "  [MASK]  x",
    "the cat sat", "thecat the", "The THE tHe", "x1y22z333 4444", "ﬁnancial ① Ⅻ ｆｕｌｌ", "\u180Ea\u3000b\u2028c",
    "¿Qué? ¡Sí! «quote» — dash… end.", "  lead and trail  ", "a\u0000b", "▁already▁meta spaced",
]
BYTE_TOKENS = {f"<0x{b:02X}>": 384 + b for b in range(256)}


def added(extra=()):
    return BASE["added_tokens"] + list(extra)


def mask(**o):
    m = {"id": 384 + 256, "content": "[MASK]", "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
    m.update(o)
    return m


def tpl(bos, eos):
    return {
        "type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                   {"SpecialToken": {"id": eos, "type_id": 0}}],
        "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
        "special_tokens": {bos: {"id": bos, "ids": [0], "tokens": [bos]},
                           eos: {"id": eos, "ids": [384 + 256], "tokens": [eos]}},
    }


META_DECODER = {"type": "Sequence", "decoders": [
    {"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"}, {"type": "Fuse"},
    {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}

VARIANTS = [
    {"name": "nfkc_lower_strip_whitespace",
     "top": {"normalizer": {"type": "Sequence", "normalizers": [
                 {"type": "NFKC"}, {"type": "Lowercase"}, {"type": "Strip", "strip_left": True, "strip_right": True}]},
             "pre_tokenizer": {"type": "Whitespace"},
             "added_tokens": added([mask(normalized=True, special=False, content="[mask]")]), "decoder": None},
     "model": {"unk_token": "<|endoftext|>", "fuse_unk": True}},
    {"name": "metaspace_first_bytefallback",
     "top": {"normalizer": {"type": "NFC"},
             "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": True},
             "added_tokens": added([mask(rstrip=True)]), "post_processor": tpl("<|endoftext|>", "[MASK]"),
             "decoder": META_DECODER},
     "model": {"byte_fallback": True, "vocab": {**BASE["model"]["vocab"], **BYTE_TOKENS, "▁": 384 + 256}}},
    {"name": "metaspace_always_nosplit_unk",
     "top": {"pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": False},
             "decoder": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": False}},
     "model": {"unk_token": "<|endoftext|>", "fuse_unk": False}},
    {"name": "digits_punct_wssplit",
     "top": {"pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                 {"type": "WhitespaceSplit"}, {"type": "Punctuation", "behavior": "Isolated"},
                 {"type": "Digits", "individual_digits": True}]},
             "added_tokens": added([mask(single_word=True, special=False)])}},
    {"name": "split_behaviours",
     "top": {"pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                 {"type": "Split", "pattern": {"String": " "}, "behavior": "MergedWithPrevious", "invert": False},
                 {"type": "Split", "pattern": {"Regex": "\\d+"}, "behavior": "MergedWithNext", "invert": False},
                 {"type": "Split", "pattern": {"Regex": "[aeiou]"}, "behavior": "Contiguous", "invert": True},
                 {"type": "Split", "pattern": {"String": "th"}, "behavior": "Removed", "invert": False},
                 {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}]},
             "added_tokens": added([mask(lstrip=True, rstrip=True)]), "post_processor": tpl("<|endoftext|>", "[MASK]")}},
    {"name": "bytelevel_prefix_space",
     "top": {"normalizer": {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "},
             "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
             "added_tokens": added([mask(lstrip=True)])}},
]


def build(v):
    t = copy.deepcopy(BASE)
    t.update(copy.deepcopy(v["top"]))
    t["model"].update(copy.deepcopy(v.get("model", {})))
    if "added_tokens" not in v["top"]:
        t["added_tokens"] = added([mask()])
    # Added tokens outside the model vocabulary must have the ids tokenizers would assign them (the
    # next free id); tokenizers re-assigns inconsistent ids when it loads a file.
    nxt = len(t["model"]["vocab"])
    for a in t["added_tokens"]:
        if a["content"].lower() == "[mask]":
            a["id"] = nxt
    sp = (t.get("post_processor") or {}).get("special_tokens") or {}
    if "[MASK]" in sp:
        sp["[MASK]"]["ids"] = [nxt]
    return t


def main():
    out_file = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests/fixtures/tokenizers/components.json")
    out = {"made_with": f"tokenizers (PyPI) {tokenizers_version}", "texts": TEXTS, "variants": []}
    for v in VARIANTS:
        t = build(v)
        tok = Tokenizer.from_str(json.dumps(t))
        plain = [tok.encode(x, add_special_tokens=False).ids for x in TEXTS]
        special = [tok.encode(x, add_special_tokens=True).ids for x in TEXTS]
        decoded = [tok.decode(p, skip_special_tokens=False) for p in plain]
        out["variants"].append({"name": v["name"], "tokenizer": t, "plain": plain, "special": special, "decode": decoded})
    with open(out_file + ".tmp", "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, separators=(",", ":"))
    os.replace(out_file + ".tmp", out_file)
    print(f"wrote {out_file}: {len(out['variants'])} variants x {len(TEXTS)} texts")


if __name__ == "__main__":
    main()
