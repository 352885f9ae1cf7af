#!/usr/bin/env python3
"""Live LM parity: transformers (CPU, fp32, eager attention) vs `ntm lm-run` on
  * every checkpoint under tests/fixtures/lm-models (HF loads it itself; bf16 weights are upcast), and
  * one random-weight tiny model per model family ntm supports that transformers can build
    (AutoConfig.for_model + the recipes below; the family list comes from ntm's own error message).
Each model runs 4 sequences (lengths 7, 12, 5, 1), one at a time on the HF side; ntm runs them
as one batch with --layers all. Compared: last_logits, last_hidden, all_layers_last_hidden.

usage: check_lm_parity.py --ntm BIN [--tol 1e-4] [--only NAME,...] [--keep DIR]
Exit 1 when a model exceeds the tolerance or fails to run; prints one row per model.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
import torch  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "lm-models")
COMMON = dict(vocab_size=384, hidden_size=64, intermediate_size=96, num_hidden_layers=2, num_attention_heads=4,
              num_key_value_heads=2, max_position_embeddings=128, pad_token_id=0, bos_token_id=1, eos_token_id=2)
# Family-specific settings on top of COMMON (tiny shapes like the fixtures' README describes).
RECIPES = {
    "llama": {"tie_word_embeddings": False},
    "mistral": {"sliding_window": None},
    "qwen2": {"tie_word_embeddings": True},
    "qwen3": {"head_dim": 32},
    "phi3": {},
    "gemma": {"head_dim": 16, "hidden_activation": "gelu_pytorch_tanh"},
    "gemma2": {"head_dim": 16, "query_pre_attn_scalar": 16, "sliding_window": 4096},
    "ernie4_5": {"head_dim": 16},
    "gpt2": {"n_embd": 64, "n_layer": 2, "n_head": 4, "n_positions": 128, "vocab_size": 384, "n_inner": 96,
             "bos_token_id": 1, "eos_token_id": 2},
}
LENGTHS = [7, 12, 5, 1]


def ntm_families(ntm, work):
    """The model_types ntm supports, from its error for an unknown one."""
    d = os.path.join(work, "probe")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump({"model_type": "no-such-family"}, f)
    with open(os.path.join(work, "probe.jsonl"), "w") as f:
        f.write("[1]\n")
    r = subprocess.run([ntm, "--device", "cpu", "lm-run", "--model", d, "--input", os.path.join(work, "probe.jsonl"),
                        "--out", os.path.join(work, "probe.safetensors")], capture_output=True, text=True)
    m = re.search(r"supported: ([^)]*)\)", r.stdout + r.stderr)
    if not m:
        sys.exit(f"check_lm_parity: cannot read the supported families from ntm: {r.stdout}{r.stderr}")
    return [s.strip() for s in m.group(1).split(",")]


def randomize(model, seed):
    """Weights like the fixtures': matrices N(0, 0.15^2), biases N(0, 0.05^2), norm weights w0 +- 0.1."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            if p.dim() == 1 and ("norm" in name or "ln_" in name) and not name.endswith("bias"):
                p.copy_(p + 0.1 * noise)
            elif p.dim() == 1:
                p.copy_(0.05 * noise)
            else:
                p.copy_(0.15 * noise)


def build_random(family, out_dir, seed):
    from transformers import AutoConfig, AutoModelForCausalLM

    kwargs = dict(RECIPES.get(family, {}))
    if family != "gpt2":
        kwargs = {**COMMON, **kwargs}
    cfg = AutoConfig.for_model(family, **kwargs)
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(cfg, attn_implementation="eager")
    randomize(model, seed)
    model.save_pretrained(out_dir, safe_serialization=True)


def hf_reference(model_dir, seqs):
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(model_dir, attn_implementation="eager")
    model = model.float().eval()  # bf16 checkpoints: upcast after loading (RoPE buffers as HF keeps them)
    logits, hidden, layers = [], [], []
    with torch.no_grad():
        for s in seqs:
            out = model(torch.tensor([s]), output_hidden_states=True)
            logits.append(out.logits[0, -1])
            hidden.append(out.hidden_states[-1][0, -1])
            layers.append(torch.stack([h[0, -1] for h in out.hidden_states]))
    return torch.stack(logits), torch.stack(hidden), torch.stack(layers, dim=1)  # [N, V], [N, H], [L+1, N, H]


def ntm_run(ntm, model_dir, seqs, work):
    from safetensors.torch import load_file

    ids, out = os.path.join(work, "ids.jsonl"), os.path.join(work, "ntm.safetensors")
    with open(ids, "w") as f:
        f.writelines(json.dumps(s) + "\n" for s in seqs)
    r = subprocess.run([ntm, "--device", "cpu", "--log-level", "warn", "lm-run", "--model", model_dir, "--input", ids,
                        "--out", out, "--dtype", "float32", "--layers", "all"], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"ntm lm-run exit {r.returncode}: {(r.stdout + r.stderr).strip()}")
    t = load_file(out)
    return t["last_logits"], t["last_hidden"], t["all_layers_last_hidden"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ntm", required=True)
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--only", default="")
    ap.add_argument("--keep", default="")
    a = ap.parse_args()
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    work = a.keep or tempfile.mkdtemp(prefix="ntm-lm-parity.")
    os.makedirs(work, exist_ok=True)
    models = [("fixture " + n, os.path.join(FIXTURES, n), None) for n in sorted(os.listdir(FIXTURES))
              if os.path.isfile(os.path.join(FIXTURES, n, "config.json"))]
    models += [("random " + f, os.path.join(work, "random-" + f), f) for f in ntm_families(a.ntm, work)]
    only = set(filter(None, a.only.split(",")))
    g = torch.Generator().manual_seed(0)
    print(f"{'model':<28} {'logits':>10} {'hidden':>10} {'layers':>10}  result")
    bad = 0
    for i, (label, path, family) in enumerate(models):
        if only and label.split()[1] not in only:
            continue
        try:
            if family is not None:
                build_random(family, path, seed=1000 + i)
            with open(os.path.join(path, "config.json")) as f:
                vocab = json.load(f).get("vocab_size", 384)
            seqs = [torch.randint(3, vocab, (n,), generator=g).tolist() for n in LENGTHS]
            ref = hf_reference(path, seqs)
            got = ntm_run(a.ntm, path, seqs, work)
            d = [float((x - y).abs().max()) for x, y in zip(got, ref)]
            ok = max(d) <= a.tol and all(x.shape == y.shape for x, y in zip(got, ref))
            print(f"{label:<28} {d[0]:10.3g} {d[1]:10.3g} {d[2]:10.3g}  {'ok' if ok else 'MISMATCH'}", flush=True)
            bad += not ok
        except Exception as e:  # noqa: BLE001 - one row per model, whatever went wrong
            print(f"{label:<28} {'':>10} {'':>10} {'':>10}  FAILED: {type(e).__name__}: {str(e)[:300]}", flush=True)
            bad += 1
    print(f"TOTAL: {bad} model(s) above {a.tol:g} or failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
