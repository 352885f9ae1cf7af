#!/usr/bin/env python3
"""Writes the real tokenizers of .assets/tokenizers as vocabulary-only GGUF files.

    $NTM_PYTHON scripts/make-gguf-tokenizer-fixtures.py [--assets DIR] [--out DIR] [--only NAMES]
                                                        [--gpt2-ids FILE]

For each of llama3, qwen3, gpt2 (gpt2-style byte-level BPE) and llama2 (SentencePiece, written as
tokenizer.ggml.model "llama") it writes OUT/NAME.gguf (default .assets/gguf-tokenizers/) with the
tokenizer metadata that llama.cpp's convert_hf_to_gguf.py writes for a --vocab-only conversion:
tokens, token types, merges or scores, special token ids, add_bos/add_eos and the chat template
(the last three through gguf.SpecialVocab, the converter's own helper). The files are made again
only when missing or older than this script. --gpt2-ids FILE also writes the HF tokenizers ids of
GPT-2 on tests/fixtures/tokenizers/texts.json (the committed tests/fixtures/tokenizers/gpt2.json).

Needs the python packages gguf (0.19.0) and tokenizers (0.23.3): run it with NTM_PYTHON.
Two departures from a real conversion, both forced by the assets:
  * tokenizer.ggml.pre is taken from a table (what the converter's hash lookup names for these
    tokenizers: llama-bpe, qwen2, gpt-2), not computed;
  * the llama2 asset has no tokenizer.model, so its SentencePiece scores are rebuilt from the
    merge ranks of its tokenizer.json (score = -rank of the first merge producing the piece,
    which is how SentencePiece BPE orders its pieces); ids are unchanged (checked by the tests).
"""
import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path

import gguf
from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

ROOT = Path(__file__).resolve().parent.parent
# name -> (general.architecture, tokenizer.ggml.model, tokenizer.ggml.pre)
ASSETS = {
    "llama3": ("llama", "gpt2", "llama-bpe"),
    "qwen3": ("qwen3", "gpt2", "qwen2"),
    "gpt2": ("gpt2", "gpt2", "gpt-2"),
    "llama2": ("llama", "llama", "default"),
}
T = gguf.TokenType


def looks_special(text):
    """Added tokens the converter marks CONTROL even when tokenizer.json says special=false."""
    if text in ("<pad>", "<mask>", "<2mass>", "[@BOS@]"):
        return True
    for a, b in (("<|", "|>"), ("<\uff5c", "\uff5c>"), ("<unused", ">")):
        if text.startswith(a) and text.endswith(b):
            return True
    return False


def gpt2_as_tokenizer_json(asset, tmp):
    """GPT-2's encoder.json + vocab.bpe as the tokenizer.json + config.json of openai-community/gpt2."""
    tok = Tokenizer(models.BPE.from_file(str(asset / "encoder.json"), str(asset / "vocab.bpe")))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens([AddedToken("<|endoftext|>", special=True, normalized=True)])
    tok.save(str(tmp / "tokenizer.json"))
    eot = tok.token_to_id("<|endoftext|>")
    (tmp / "config.json").write_text(json.dumps({"bos_token_id": eot, "eos_token_id": eot}))
    return tmp


def bpe_vocab(src):
    """tokens and token types as the converter's get_vocab_base() writes them."""
    tok = Tokenizer.from_file(str(src / "tokenizer.json"))
    vocab = tok.get_vocab(with_added_tokens=True)
    added = tok.get_added_tokens_decoder()
    rev = {i: t for t, i in vocab.items()}
    tokens, types = [], []
    for i in range(max(vocab.values()) + 1):
        if i not in rev:
            tokens.append(f"[PAD{i}]")
            types.append(T.UNUSED)
            continue
        text = rev[i]
        if i in added:
            if not added[i].normalized:
                text = tok.decode(tok.encode(text, add_special_tokens=False).ids, skip_special_tokens=False)
            if added[i].special or looks_special(text):
                types.append(T.CONTROL)
            else:
                text = text.replace("\u2581", " ")
                types.append(T.USER_DEFINED)
        else:
            types.append(T.NORMAL)
        tokens.append(text)
    return tokens, types


def spm_vocab(src):
    """tokens, scores and types as _create_vocab_sentencepiece() writes them (scores rebuilt)."""
    j = json.loads((src / "tokenizer.json").read_text(encoding="utf-8"))
    model = j["model"]
    vocab = model["vocab"]
    merges = [tuple(m.split(" ", 1)) if isinstance(m, str) else tuple(m) for m in model["merges"]]
    first_rank = {}
    for rank, (a, b) in enumerate(merges):
        first_rank.setdefault(vocab[a + b], rank)
    rev = {i: t for t, i in vocab.items()}
    n = max(vocab.values()) + 1
    tokens, scores, types = [f"[PAD{i}]" for i in range(n)], [-10000.0] * n, [T.UNUSED] * n
    specials = {a["content"] for a in j.get("added_tokens", []) if a.get("special")}
    for i, text in rev.items():
        tokens[i] = text
        if text == model.get("unk_token"):
            types[i], scores[i] = T.UNKNOWN, 0.0
        elif text in specials:
            types[i], scores[i] = T.CONTROL, 0.0
        elif re.fullmatch(r"<0x[0-9A-F]{2}>", text):
            types[i], scores[i] = T.BYTE, 0.0
        else:
            types[i] = T.NORMAL
            scores[i] = -float(first_rank[i]) if i in first_rank else -float(len(merges) + i)
    cfg_path = src / "tokenizer_config.json"
    cfg = json.loads(cfg_path.read_text(encoding="utf-8")) if cfg_path.is_file() else {}
    for key, data in cfg.get("added_tokens_decoder", {}).items():
        i, text = int(key), data["content"]
        if data.get("special") or looks_special(text):
            types[i] = T.CONTROL
        else:
            text = text.replace("\u2581", " ")
            types[i] = T.USER_DEFINED
        tokens[i] = text
    return tokens, scores, types


def write_gguf(name, src, out):
    arch, model, pre = ASSETS[name]
    tmp = out.with_name(out.name + ".tmp")
    w = gguf.GGUFWriter(str(tmp), arch)
    w.add_name(f"ntm fixture: {name} tokenizer")
    w.add_type("model")
    w.add_tokenizer_model(model)
    w.add_tokenizer_pre(pre)
    if model == "gpt2":
        tokens, types = bpe_vocab(src)
        w.add_token_list(tokens)
        w.add_token_types(types)
        special = gguf.SpecialVocab(src, load_merges=True, n_vocab=len(tokens))
    else:
        tokens, scores, types = spm_vocab(src)
        w.add_token_list(tokens)
        w.add_token_scores(scores)
        w.add_token_types(types)
        special = gguf.SpecialVocab(src, n_vocab=len(tokens))
    special.add_to_gguf(w, quiet=True)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    os.replace(tmp, out)
    print(f"make-gguf-tokenizer-fixtures: wrote {out} ({len(tokens)} tokens, pre '{pre}')", file=sys.stderr)


def write_gpt2_ids(src, path):
    """The HF ids of GPT-2 on texts.json, in the layout of tests/fixtures/tokenizers/llama3.json."""
    fixtures = ROOT / "tests" / "fixtures" / "tokenizers"
    texts = json.loads((fixtures / "texts.json").read_text(encoding="utf-8"))
    words = json.loads((fixtures / "llama3.json").read_text(encoding="utf-8"))["leading_space_words"]
    tok = Tokenizer.from_file(str(src / "tokenizer.json"))
    plain = [tok.encode(t, add_special_tokens=False).ids for t in texts]
    out = {
        "texts_sha": None,
        "plain": plain,
        "special": [tok.encode(t, add_special_tokens=True).ids for t in texts],
        "leading_space_words": {w: tok.encode(" " + w, add_special_tokens=False).ids for w in words},
        "decode_roundtrip": [tok.decode(ids, skip_special_tokens=False) for ids in plain[:50]],
    }
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    print(f"make-gguf-tokenizer-fixtures: wrote {path}", file=sys.stderr)


def main():
    assets = Path(os.environ.get("NTM_ASSETS_DIR", ROOT / ".assets"))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--assets", type=Path, default=assets / "tokenizers", help="the real tokenizers (NAME/...)")
    ap.add_argument("--out", type=Path, default=assets / "gguf-tokenizers", help="where NAME.gguf goes")
    ap.add_argument("--only", default=",".join(ASSETS), help="comma-separated subset of " + ",".join(ASSETS))
    ap.add_argument("--gpt2-ids", type=Path, help="also write GPT-2's HF ids on texts.json to this file")
    ap.add_argument("--force", action="store_true", help="rewrite files that are up to date")
    a = ap.parse_args()
    names = [n for n in a.only.split(",") if n]
    for n in names:
        if n not in ASSETS:
            print(f"make-gguf-tokenizer-fixtures: unknown tokenizer '{n}' (known: {', '.join(ASSETS)})", file=sys.stderr)
            return 2
    a.out.mkdir(parents=True, exist_ok=True)
    stamp = Path(__file__).stat().st_mtime
    missing = 0
    for name in names:
        asset = a.assets / name
        marker = asset / ("encoder.json" if name == "gpt2" else "tokenizer.json")
        if not marker.is_file():
            print(f"make-gguf-tokenizer-fixtures: WARN: {marker} missing; {name}.gguf not written", file=sys.stderr)
            missing += 1
            continue
        out = a.out / f"{name}.gguf"
        with tempfile.TemporaryDirectory() as tmp:
            src = gpt2_as_tokenizer_json(asset, Path(tmp)) if name == "gpt2" else asset
            if a.force or not out.is_file() or out.stat().st_mtime < max(stamp, marker.stat().st_mtime):
                write_gguf(name, src, out)
            if name == "gpt2" and a.gpt2_ids:
                write_gpt2_ids(src, a.gpt2_ids)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
