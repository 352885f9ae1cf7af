#!/usr/bin/env python3
"""Reference token ids for a GGUF file's tokenizer (used by scripts/check-gguf-tokenizer.sh).

    $NTM_PYTHON scripts/gguf-tokenizer-reference.py texts OUT.jsonl [TEXTS.json ...]
    $NTM_PYTHON scripts/gguf-tokenizer-reference.py encode ENGINE FILE.gguf TEXTS.jsonl OUT.jsonl [--special]
    $NTM_PYTHON scripts/gguf-tokenizer-reference.py compare NTM.jsonl REF.jsonl TEXTS.jsonl LABEL [--show N]
    $NTM_PYTHON scripts/gguf-tokenizer-reference.py fixture FILE.gguf TEXTS.jsonl LLAMA.jsonl LLAMA_S.jsonl OUT.json

texts: the shared texts (tests/fixtures/tokenizers/texts.json by default) plus the edge cases
below (digit runs, whitespace runs, Unicode, special-token strings), one JSON string per line.
encode: ENGINE is llama.cpp (llama-cpp-python 0.3.36, vocab_only, special tokens parsed) or
transformers (AutoTokenizer.from_pretrained(dir, gguf_file=...), transformers 5.23.0); --special
adds what the tokenizer adds by default (BOS/EOS). compare: prints the first mismatches and a last
line "LABEL: N texts, M mismatches". fixture: the stored expected ids for the C++ test.
"""
import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EDGE_TEXTS = [
    "Hello world! 123",
    "1 12 123 1234 12345 123456 1234567 3.14159 0.5e-10 2026-12-06 10:25",
    "  two leading spaces, two  inner, three   inner and trailing   ",
    "tabs\tand\t\ttabs, newlines\nand\n\n\nruns \n \n\t\r\n end",
    "\n\n\n",
    "          ",
    "naïve café résumé Zürich São Paulo Ångström",
    "東京は日本の首都です。我想在apple工作1314151天～",
    "Привет, мир! нещо на Български",
    "مرحبا بالعالم",
    "emoji 🚀 (normal) 😶\u200d🌫️ ✅ 🦙🦙 👍🏽",
    "combining e\u0301 vs \u00e9, ﬁ ligature, full-width ＡＢＣ１２３",
    "I've been 'told he's there, 'RE you sure? 'M not sure I'll make it, 'D you like tea? We'Ve a'lL",
    "code: for (int i = 0; i < n; ++i) { x[i] = y[i] * 2; } // done",
    "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n",
    "<|endoftext|>text after a special<|endoftext|>",
    "''''''```````\"\"\"\"......!!!!!!?????? ------=======",
    "",
]


def cmd_texts(out, sources):
    texts = []
    for src in sources or [ROOT / "tests" / "fixtures" / "tokenizers" / "texts.json"]:
        texts += json.loads(Path(src).read_text(encoding="utf-8"))
    texts += EDGE_TEXTS
    with open(out, "w", encoding="utf-8") as f:
        for t in texts:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def cmd_encode(engine, gguf_path, texts_path, out, special):
    texts = read_jsonl(texts_path)
    if engine == "llama.cpp":
        from llama_cpp import Llama

        llm = Llama(model_path=str(gguf_path), vocab_only=True, verbose=False)
        # add_bos=True is llama_tokenize's add_special: BOS/EOS as the file's add_*_token say.
        ids = [llm.tokenize(t.encode("utf-8"), add_bos=special, special=True) for t in texts]
    elif engine == "transformers":
        from transformers import AutoTokenizer

        p = Path(gguf_path).resolve()
        tok = AutoTokenizer.from_pretrained(str(p.parent), gguf_file=p.name)
        ids = [tok.encode(t, add_special_tokens=special) for t in texts]
    else:
        sys.exit(f"gguf-tokenizer-reference: unknown engine '{engine}' (llama.cpp or transformers)")
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for row in ids:
            f.write(json.dumps(list(row)) + "\n")
    os.replace(tmp, out)


def cmd_compare(ntm_path, ref_path, texts_path, label, show):
    a, b, texts = read_jsonl(ntm_path), read_jsonl(ref_path), read_jsonl(texts_path)
    if not (len(a) == len(b) == len(texts)):
        sys.exit(f"{label}: line counts differ: ntm {len(a)}, reference {len(b)}, texts {len(texts)}")
    bad = [i for i in range(len(texts)) if a[i] != b[i]]
    for i in bad[:show]:
        k = next((j for j in range(min(len(a[i]), len(b[i]))) if a[i][j] != b[i][j]), min(len(a[i]), len(b[i])))
        lo = max(0, k - 3)
        print(f"  {label} text {i}: {json.dumps(texts[i], ensure_ascii=False)[:120]}\n"
              f"    first difference at id {k}: ntm ...{a[i][lo:k + 6]}\n    {' ' * 27}ref ...{b[i][lo:k + 6]}")
    print(f"{label}: {len(texts)} texts, {len(bad)} mismatches")


def cmd_fixture(gguf_path, texts_path, plain_path, special_path, out):
    h = hashlib.sha256()
    with open(gguf_path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    data = {
        "file": Path(gguf_path).name,
        "sha256": h.hexdigest(),
        "reference": "llama-cpp-python 0.3.36 (Llama(vocab_only=True).tokenize(text, add_bos=special, special=True))",
        "texts": read_jsonl(texts_path)[-len(EDGE_TEXTS):],
        "n_shared_texts": len(read_jsonl(texts_path)) - len(EDGE_TEXTS),
        "plain": read_jsonl(plain_path),
        "special": read_jsonl(special_path),
    }
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
    os.replace(tmp, out)


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(argv) >= 2 else 2
    cmd, args = argv[1], argv[2:]
    if cmd == "texts" and len(args) >= 1:
        cmd_texts(args[0], args[1:])
    elif cmd == "encode" and len(args) in (4, 5):
        cmd_encode(args[0], args[1], args[2], args[3], "--special" in args[4:])
    elif cmd == "compare" and len(args) >= 4:
        show = int(args[args.index("--show") + 1]) if "--show" in args else 5
        cmd_compare(args[0], args[1], args[2], args[3], show)
    elif cmd == "fixture" and len(args) == 5:
        cmd_fixture(*args)
    else:
        print(f"gguf-tokenizer-reference: bad arguments for '{cmd}' (see --help)", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
