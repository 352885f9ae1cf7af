#!/usr/bin/env python3
"""Writes small random-weight GGUF models and their reference outputs to tests/fixtures/gguf/models/.

Each family fixture starts from tests/fixtures/lm-models/<family> (its config and random weights),
cut to 1 layer and 64 vocabulary rows, and is written with the `gguf` package the way llama.cpp's
converter writes it (tensor names, metadata keys, the llama Q/K row permutation, Gemma's +1 on norm
weights, GPT-2's Linear layout). Two llama files cover every quant type:
  llama-mixed32.gguf  Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, F16, BF16 (quantized with gguf's quantizer)
  llama-kquants.gguf  Q2_K..Q6_K (random blocks with finite scales; gguf-py has no K quantizer)

Reference (`<name>.reference.safetensors`, tensor last_logits [N, V] for the sequences in
ids.jsonl): transformers' model built from the equivalent config.json with the weights
dequantized by `gguf.quants.dequantize` and mapped back to HF names/layouts here, fp32 CPU. This
is used for every file because transformers' own GGUF loading (`from_pretrained(dir,
gguf_file=...)`) cannot load several of them (gemma 1, qwen3 head_dim, Q5_0/Q5_1...); the script
also tries it and prints how far it is from the reference (docs/gguf.md records the result).

  NTM_PYTHON=/path/to/python scripts/make-gguf-fixtures.py
"""
import json
import os
import sys
import tempfile

import numpy as np
import torch
from gguf import GGMLQuantizationType as Q
from gguf import GGML_QUANT_SIZES, GGUFWriter, quants
from safetensors.numpy import load_file
from safetensors.torch import save_file

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SRC = os.path.join(ROOT, "tests", "fixtures", "lm-models")
OUT = os.path.join(ROOT, "tests", "fixtures", "gguf", "models")
VOCAB = 64
SEQS = [[1, 5, 9, 2, 33, 7], [4], [60, 61, 62, 63, 0, 1, 2, 3, 10, 20, 30]]
rng = np.random.default_rng(1717)


def permute(w, n_head):  # convert_hf_to_gguf LlamaModel.permute
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def unpermute(w, n_head):  # transformers' reverse_permute
    return w.reshape(n_head, w.shape[0] // n_head // 2, 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def hf_to_gguf_name(n, arch):
    if arch == "gpt2":
        n = n.removeprefix("transformer.")
        top = {"wte.weight": "token_embd.weight", "wpe.weight": "position_embd.weight", "ln_f.weight": "output_norm.weight",
               "ln_f.bias": "output_norm.bias", "lm_head.weight": "output.weight"}
        if n in top:
            return top[n]
        _, i, rest = n.split(".", 2)
        m = {"ln_1": "attn_norm", "attn.c_attn": "attn_qkv", "attn.c_proj": "attn_output", "ln_2": "ffn_norm",
             "mlp.c_fc": "ffn_up", "mlp.c_proj": "ffn_down"}
        base, kind = rest.rsplit(".", 1)
        return f"blk.{i}.{m[base]}.{kind}"
    top = {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
           "lm_head.weight": "output.weight"}
    if n in top:
        return top[n]
    _, _, i, rest = n.split(".", 3)
    m = {"input_layernorm": "attn_norm", "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k",
         "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output", "self_attn.qkv_proj": "attn_qkv",
         "self_attn.q_norm": "attn_q_norm", "self_attn.k_norm": "attn_k_norm",
         "post_attention_layernorm": "post_attention_norm" if arch == "gemma2" else "ffn_norm",
         "pre_feedforward_layernorm": "ffn_norm", "post_feedforward_layernorm": "post_ffw_norm",
         "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down", "mlp.gate_up_proj": "ffn_up"}
    base, kind = rest.rsplit(".", 1)
    return f"blk.{i}.{m[base]}.{kind}"


def random_blocks(qt, n_blocks):
    """Random K-quant blocks with small finite fp16 scales (their byte offsets per type)."""
    fields = {Q.Q2_K: [80, 82], Q.Q3_K: [108], Q.Q4_K: [0, 2], Q.Q5_K: [0, 2], Q.Q6_K: [208], Q.Q8_0: [0], Q.Q4_1: [0, 2]}
    raw = rng.integers(0, 256, size=(n_blocks, GGML_QUANT_SIZES[qt][1]), dtype=np.uint8)
    for off in fields[qt]:
        raw[:, off:off + 2] = (np.abs(rng.standard_normal(n_blocks)) * 0.0002 + 0.00005).astype(np.float16).view(np.uint8).reshape(-1, 2)
    return raw


def encode(x, qt):
    """(raw bytes or array for GGUFWriter, raw_dtype)"""
    if qt == Q.F32:
        return x.astype(np.float32), None
    if qt == Q.F16:
        return x.astype(np.float16), None
    return quants.quantize(x.astype(np.float32), qt), qt


def write_family(name, arch, cfg, sd, qtype_of, kblocks=None):
    """cfg: HF config dict (1 layer, VOCAB rows); sd: HF state dict (numpy fp32)."""
    path = os.path.join(OUT, name + ".gguf")
    w = GGUFWriter(path, arch)
    w.add_name(name)
    if arch == "gpt2":
        w.add_block_count(cfg["n_layer"]); w.add_context_length(cfg["n_positions"]); w.add_embedding_length(cfg["n_embd"])
        w.add_feed_forward_length(cfg.get("n_inner") or 4 * cfg["n_embd"]); w.add_head_count(cfg["n_head"])
        w.add_layer_norm_eps(cfg["layer_norm_epsilon"])
    else:
        heads, hd = cfg["num_attention_heads"], cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]
        w.add_block_count(cfg["num_hidden_layers"]); w.add_context_length(cfg["max_position_embeddings"])
        w.add_embedding_length(cfg["hidden_size"]); w.add_feed_forward_length(cfg["intermediate_size"])
        w.add_head_count(heads); w.add_head_count_kv(cfg["num_key_value_heads"])
        w.add_layer_norm_rms_eps(cfg["rms_norm_eps"]); w.add_rope_freq_base(cfg["rope_parameters"]["rope_theta"])
        w.add_rope_dimension_count(hd)
        if "head_dim" in cfg:
            w.add_key_length(hd); w.add_value_length(hd)
        if arch == "gemma2":
            w.add_attn_logit_softcapping(cfg["attn_logit_softcapping"]); w.add_final_logit_softcapping(cfg["final_logit_softcapping"])
            w.add_sliding_window(cfg["sliding_window"])
    w.add_tokenizer_model("gpt2"); w.add_tokenizer_pre("gpt-2")
    w.add_token_list([f"t{i}" for i in range(VOCAB)]); w.add_token_merges([])
    w.add_bos_token_id(1); w.add_eos_token_id(2)
    deq = {}
    for hf, x in sd.items():
        g = hf_to_gguf_name(hf, arch)
        x = x.astype(np.float32)
        if arch == "llama" and g.endswith(("attn_q.weight", "attn_q.bias")):
            x = permute(x, cfg["num_attention_heads"])
        if arch == "llama" and g.endswith(("attn_k.weight", "attn_k.bias")):
            x = permute(x, cfg["num_key_value_heads"])
        if arch in ("gemma", "gemma2") and g.endswith("norm.weight"):
            x = x + 1
        if arch == "gpt2" and x.ndim == 2 and g.startswith("blk."):
            x = np.ascontiguousarray(x.T)  # Conv1D [in, out] -> Linear [out, in]
        qt = qtype_of(g, x) if x.ndim == 2 else Q.F32
        if kblocks and qt in kblocks:
            data = random_blocks(qt, x.size // GGML_QUANT_SIZES[qt][0]).reshape(x.shape[0], -1)
            raw_dtype = qt
        else:
            data, raw_dtype = encode(x, qt)
        w.add_tensor(g, data, raw_dtype=raw_dtype)
        # What a reader recovers: dequantize, then undo the converter's transforms.
        d = quants.dequantize(data.view(np.uint8) if raw_dtype is not None else data, raw_dtype or (Q.F16 if data.dtype == np.float16 else Q.F32))
        d = np.asarray(d, dtype=np.float32).reshape(x.shape)
        if arch == "llama" and g.endswith(("attn_q.weight", "attn_q.bias")):
            d = unpermute(d, cfg["num_attention_heads"])
        if arch == "llama" and g.endswith(("attn_k.weight", "attn_k.bias")):
            d = unpermute(d, cfg["num_key_value_heads"])
        if arch in ("gemma", "gemma2") and g.endswith("norm.weight"):
            d = d - np.float32(1)
        if arch == "gpt2" and d.ndim == 2 and g.startswith("blk."):
            d = np.ascontiguousarray(d.T)
        deq[hf] = d
    w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
    return path, deq


def reference(cfg, deq):
    from transformers import AutoConfig, AutoModelForCausalLM
    c = AutoConfig.for_model(**cfg)
    model = AutoModelForCausalLM.from_config(c, dtype=torch.float32).eval()
    sd = {k: torch.from_numpy(v) for k, v in deq.items()}
    missing, unexpected = model.load_state_dict(sd, strict=False)
    missing = [m for m in missing if not (m == "lm_head.weight" and cfg.get("tie_word_embeddings"))]
    assert not missing and not unexpected, (missing, unexpected)
    if cfg.get("tie_word_embeddings"):
        model.tie_weights()
    with torch.no_grad():
        return torch.stack([model(torch.tensor([s])).logits[0, -1] for s in SEQS]).float()


def transformers_check(path, ref):
    try:
        from transformers import AutoModelForCausalLM
        m = AutoModelForCausalLM.from_pretrained(os.path.dirname(path), gguf_file=os.path.basename(path), dtype=torch.float32).eval()
        with torch.no_grad():
            got = torch.stack([m(torch.tensor([s])).logits[0, -1] for s in SEQS]).float()
        return f"max |diff| {float((got - ref).abs().max()):.2e}" if got.shape == ref.shape else f"shape {tuple(got.shape)}"
    except Exception as e:  # noqa: BLE001 - reported, not fatal
        return f"fails: {type(e).__name__}: {str(e).splitlines()[0][:100]}"


def shrink(family):
    cfg = json.load(open(os.path.join(SRC, family, "config.json")))
    sd = load_file(os.path.join(SRC, family, "model.safetensors"))
    layer_key = "n_layer" if family == "gpt2" else "num_hidden_layers"
    cfg[layer_key] = 1
    cfg["vocab_size"] = VOCAB
    if "layer_types" in cfg:
        cfg["layer_types"] = cfg["layer_types"][:1]
    for k in ("rms_norm_eps", "layer_norm_epsilon"):
        if k in cfg:
            cfg[k] = float(np.float32(cfg[k]))  # as the GGUF stores it
    out = {}
    for k, v in sd.items():
        if ".1." in k or ".h.1." in k:
            continue
        if k.endswith(("embed_tokens.weight", "wte.weight", "lm_head.weight")):
            v = v[:VOCAB]
        out[k] = v
    return cfg, out


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "ids.jsonl"), "w") as f:
        for s in SEQS:
            f.write(json.dumps(s) + "\n")
    results = {}
    jobs = []
    q8 = lambda g, x: Q.Q8_0  # noqa: E731
    for fam in ["qwen2", "qwen3", "phi3", "gemma", "gemma2", "gpt2"]:
        cfg, sd = shrink(fam)
        jobs.append((fam, fam, cfg, sd, q8, None))
    cfg, sd = shrink("llama")
    mixed = {"token_embd": Q.Q8_0, "attn_q": Q.Q4_0, "attn_k": Q.Q4_1, "attn_v": Q.Q5_0, "attn_output": Q.Q5_1,
             "ffn_gate": Q.F16, "ffn_up": Q.BF16, "ffn_down": Q.Q8_0, "output": Q.Q4_0}
    jobs.append(("llama-mixed32", "llama", cfg, sd, lambda g, x: mixed[g.split(".")[-2]], None))
    # K-quants need rows of 256: a synthetic llama (hidden 256, 2 heads of 16, 1 kv head).
    kcfg = dict(cfg, hidden_size=256, num_attention_heads=2, num_key_value_heads=1, head_dim=16, intermediate_size=32,
                vocab_size=64, tie_word_embeddings=False)
    shapes = {"model.embed_tokens.weight": (64, 256), "model.layers.0.input_layernorm.weight": (256,),
              "model.layers.0.self_attn.q_proj.weight": (32, 256), "model.layers.0.self_attn.k_proj.weight": (16, 256),
              "model.layers.0.self_attn.v_proj.weight": (16, 256), "model.layers.0.self_attn.o_proj.weight": (256, 32),
              "model.layers.0.post_attention_layernorm.weight": (256,), "model.layers.0.mlp.gate_proj.weight": (32, 256),
              "model.layers.0.mlp.up_proj.weight": (32, 256), "model.layers.0.mlp.down_proj.weight": (256, 32),
              "model.norm.weight": (256,), "lm_head.weight": (64, 256)}
    ksd = {k: (1 + 0.1 * rng.standard_normal(s) if len(s) == 1 else rng.standard_normal(s)).astype(np.float32) for k, s in shapes.items()}
    kq = {"token_embd": Q.Q6_K, "attn_q": Q.Q2_K, "attn_k": Q.Q3_K, "attn_v": Q.Q4_K, "attn_output": Q.Q8_0,
          "ffn_gate": Q.Q5_K, "ffn_up": Q.Q6_K, "ffn_down": Q.Q4_1, "output": Q.Q4_K}
    jobs.append(("llama-kquants", "llama", kcfg, ksd, lambda g, x: kq[g.split(".")[-2]], set(kq.values())))
    for name, arch, cfg, sd, qof, kb in jobs:
        path, deq = write_family(name, arch, cfg, sd, qof, kb)
        ref = reference(cfg, deq)
        save_file({"last_logits": ref.contiguous()}, os.path.join(OUT, name + ".reference.safetensors"))
        results[name] = transformers_check(path, ref)
        print(f"{name:15s} {os.path.getsize(path):7d} B  transformers gguf_file load vs reference: {results[name]}", file=sys.stderr)
    with open(os.path.join(OUT, "transformers-check.json"), "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
