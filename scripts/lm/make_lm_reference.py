#!/usr/bin/env python3
"""Writes reference.safetensors for an HF checkpoint folder under tests/fixtures/lm-models/ with the
installed transformers (fp32, eager attention, CPU), in the layout tests/fixtures/README.md describes.

    .venv/bin/python scripts/lm/make_lm_reference.py tests/fixtures/lm-models/llama_bf16_sharded [--out F]

The input ids and mask are taken from the folder's existing reference.safetensors (so the inputs never
change); bf16 checkpoints are upcast after loading, with the RoPE buffers as transformers keeps them.
Used to regenerate llama_bf16_sharded with transformers 5.23.0, which keeps inv_freq in fp32 where 5.17
rounded it to bf16; `--check` instead compares with the stored file and prints the max |diff| per tensor.
"""
import argparse
import os
import sys

import torch
from safetensors.torch import load_file, save_file
from transformers import AutoModelForCausalLM
import transformers


def run(model, ids, mask):
    out = {}
    with torch.no_grad():
        pos = (mask.cumsum(-1) - 1).clamp(min=0)
        r = model(input_ids=ids, attention_mask=mask, position_ids=pos, output_hidden_states=True)
        out["maskpos_last_logits"] = r.logits[:, -1].contiguous()
        out["maskpos_last_hidden"] = r.hidden_states[-1][:, -1].contiguous()
        out["maskpos_all_layers_last_hidden"] = torch.stack([h[:, -1] for h in r.hidden_states]).contiguous()
        r = model(input_ids=ids, attention_mask=mask, output_hidden_states=True)
        out["hf_default_last_logits"] = r.logits[:, -1].contiguous()
        out["hf_default_last_hidden"] = r.hidden_states[-1][:, -1].contiguous()
        logits, hidden = [], []
        for b in range(ids.shape[0]):
            seq = ids[b][mask[b].bool()].unsqueeze(0)
            r = model(input_ids=seq, output_hidden_states=True)
            logits.append(r.logits[0, -1])
            hidden.append(r.hidden_states[-1][0, -1])
            if b == 1:
                out["single1_all_logits"] = r.logits[0].contiguous()
        out["single_last_logits"] = torch.stack(logits).contiguous()
        out["single_last_hidden"] = torch.stack(hidden).contiguous()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--out")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    ref_path = os.path.join(a.folder, "reference.safetensors")
    ref = load_file(ref_path)
    ids, mask = ref["input_ids"], ref["attention_mask"]
    model = AutoModelForCausalLM.from_pretrained(a.folder, attn_implementation="eager").float().eval()
    out = run(model, ids, mask)
    if a.check:
        worst = 0.0
        for k, v in out.items():
            d = (v - ref[k]).abs().max().item() if k in ref else float("nan")
            worst = max(worst, d)
            print(f"{k:34s} max|diff| {d:.3e}")
        print(f"transformers {transformers.__version__}: worst {worst:.3e}")
        return 0 if worst <= 1e-5 else 1
    out["input_ids"], out["attention_mask"] = ids, mask
    extra = [k for k in ref if k not in out]
    if extra:
        sys.exit(f"{ref_path}: tensors this script does not recompute: {extra}")
    dst = a.out or ref_path
    tmp = dst + ".tmp"
    save_file(out, tmp, metadata={"transformers": transformers.__version__, "torch": torch.__version__})
    os.replace(tmp, dst)
    print(f"wrote {dst} (transformers {transformers.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
