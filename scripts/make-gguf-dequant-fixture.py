#!/usr/bin/env python3
"""Writes tests/fixtures/gguf/dequant.safetensors: random blocks of every ggml type ntm
dequantizes, with gguf-py's own dequantization as the expected float32 values.

For each type T the file holds `T.raw` (U8, the block bytes) and `T.expected` (F32, what
`gguf.quants.dequantize` of gguf==0.19.0 returns). Block bytes are random with the fp16 scale
fields replaced by finite halves (normal and subnormal), so every code path and every bit pattern
of the quants is exercised; the 32-element types also get blocks from gguf's own quantizer.
Run with NTM_PYTHON (a python with gguf==0.19.0, numpy, safetensors):
  ${NTM_PYTHON:-.venv/bin/python} scripts/make-gguf-dequant-fixture.py
"""
import os
import sys

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf import GGML_QUANT_SIZES, quants
from safetensors.numpy import save_file

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "gguf", "dequant.safetensors")
rng = np.random.default_rng(17)

# Byte ranges of the fp16 scale fields inside one block.
HALF_FIELDS = {
    T.Q4_0: [0], T.Q4_1: [0, 2], T.Q5_0: [0], T.Q5_1: [0, 2], T.Q8_0: [0],
    T.Q2_K: [80, 82], T.Q3_K: [108], T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208],
}


def finite_halves(n):
    h = (rng.standard_normal(n) * 0.05).astype(np.float16)
    h[::7] = (rng.standard_normal(len(h[::7])) * 1e-6).astype(np.float16)  # subnormals
    h[::11] = 0
    return h


def blocks_for(t, n_blocks):
    _, size = GGML_QUANT_SIZES[t]
    raw = rng.integers(0, 256, size=(n_blocks, size), dtype=np.uint8)
    for off in HALF_FIELDS[t]:
        raw[:, off:off + 2] = finite_halves(n_blocks).view(np.uint8).reshape(n_blocks, 2)
    return raw


def main():
    out = {}
    # Plain types.
    f32 = rng.standard_normal(512).astype(np.float32)
    f32[:4] = [0.0, -0.0, 1e-40, np.float32(3.4e38)]
    out["F32.raw"] = f32.view(np.uint8)
    f16 = rng.integers(0, 0x7C00, size=512).astype(np.uint16)  # every finite positive half
    f16[::2] |= 0x8000
    out["F16.raw"] = f16.view(np.uint8)
    bf16 = rng.integers(0, 0x7F80, size=512).astype(np.uint16)
    bf16[::2] |= 0x8000
    out["BF16.raw"] = bf16.view(np.uint8)
    for t in HALF_FIELDS:
        n = 6 if GGML_QUANT_SIZES[t][0] == 256 else 32
        raw = blocks_for(t, n)
        if GGML_QUANT_SIZES[t][0] == 32:  # also blocks from the reference quantizer
            x = rng.standard_normal((8, 32)).astype(np.float32)
            raw = np.concatenate([raw, quants.quantize(x, t).reshape(8, -1)])
        out[f"{t.name}.raw"] = raw.reshape(-1)
    for name in list(out):
        t = T[name.split(".")[0]]
        raw = out[name]
        if t in (T.F32, T.F16, T.BF16):
            exp = quants.dequantize(raw, t)
        else:
            exp = quants.dequantize(raw.reshape(-1, GGML_QUANT_SIZES[t][1]), t).reshape(-1)
        out[f"{t.name}.expected"] = np.ascontiguousarray(exp, dtype=np.float32).reshape(-1)
        out[name] = np.ascontiguousarray(raw).reshape(-1)
    save_file(out, OUT, metadata={"generator": "scripts/make-gguf-dequant-fixture.py", "gguf": "0.19.0"})
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes, {len(out) // 2} types)", file=sys.stderr)


if __name__ == "__main__":
    main()
