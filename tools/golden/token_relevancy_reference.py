#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reference per-token relevancy maps of caption tokens (Chefer et al. 2021, encoder-decoder rules).

For every generated token t of a golden caption case, the library's model is run over the forced prefix
(the golden greedy ids up to t) with output_attentions; y = logit of token t at the last position is
back-propagated into the retained attention probabilities, and the rules are applied in numpy (float64
from the float32 probabilities and gradients):

    Abar = mean_h(max(grad * A, 0))
    R_ii = I;  R_ii += Abar_enc @ R_ii                       for every encoder layer
    R_tt = I;  R_ti = 0;  per decoder layer:
        R_tt += Abar_self @ R_tt;  R_ti += Abar_self @ R_ti
        R_ti += norm(R_tt).T @ Abar_cross @ norm(R_ii)
    norm(R) = (R - I) / rowsum(R - I) + I   (a zero row of R - I stays zero)
    map = R_ti[t_last, 1:]  (CLS dropped, patch grid row-major)

Writes tests/data/golden/<case>/token_relevancy.json. Usage:
    python3 tools/golden/token_relevancy_reference.py [GOLDEN_DIR]   (default tests/data/golden)
"""
import json
import os
import sys

import numpy as np
import torch
import transformers
from safetensors.numpy import load_file


def positive_grad_attention(a, g):
    return np.maximum(a.astype(np.float64) * g.astype(np.float64), 0.0).mean(axis=0)


def normalize_self(r):
    n = r.shape[0]
    x = r - np.eye(n)
    s = x.sum(axis=-1, keepdims=True)
    x = np.where(s != 0, x / np.where(s != 0, s, 1.0), x)
    return x + np.eye(n)


def relevancy(enc, dec_self, dec_cross):
    n = enc[0][0].shape[-1]
    t = dec_self[0][0].shape[-1]
    rii = np.eye(n)
    for a, g in enc:
        rii = rii + positive_grad_attention(a, g) @ rii
    rii_bar = normalize_self(rii)
    rtt = np.eye(t)
    rti = np.zeros((t, n))
    for (sa, sg), (ca, cg) in zip(dec_self, dec_cross):
        s = positive_grad_attention(sa, sg)
        rtt, rti = rtt + s @ rtt, rti + s @ rti
        c = positive_grad_attention(ca, cg)
        rti = rti + normalize_self(rtt).T @ c @ rii_bar
    return rti


def retained(tensors):
    for x in tensors:
        x.retain_grad()
    return tensors


def pairs(tensors):
    return [(x[0].detach().numpy(), x.grad[0].numpy()) for x in tensors]


def vit_gpt2_steps(folder, expected):
    model = transformers.VisionEncoderDecoderModel.from_pretrained(folder, attn_implementation="eager").eval()
    pixels = torch.from_numpy(expected["pixel_values"])
    ids = expected["greedy_ids"][0].tolist()
    steps = []
    for t in range(1, len(ids)):
        model.zero_grad()
        enc = model.encoder(pixel_values=pixels, output_attentions=True)
        enc_att = retained(list(enc.attentions))
        dec = model.decoder(input_ids=torch.tensor([ids[:t]]), encoder_hidden_states=enc.last_hidden_state,
                            output_attentions=True, use_cache=False)
        self_att = retained(list(dec.attentions))
        cross_att = retained(list(dec.cross_attentions))
        y = dec.logits[0, -1, ids[t]]
        y.backward()
        steps.append((ids[:t], ids[t], float(y), pairs(enc_att), pairs(self_att), pairs(cross_att)))
    return steps, model.config.encoder.image_size // model.config.encoder.patch_size


def blip_steps(folder, expected):
    model = transformers.BlipForConditionalGeneration.from_pretrained(folder, attn_implementation="eager").eval()
    pixels = torch.from_numpy(expected["pixel_values"])
    ids = expected["uncond_ids"][0].tolist()
    steps = []
    for t in range(1, len(ids)):
        model.zero_grad()
        vis = model.vision_model(pixel_values=pixels, output_attentions=True)
        enc_att = retained(list(vis.attentions))
        dec = model.text_decoder(input_ids=torch.tensor([ids[:t]]), encoder_hidden_states=vis.last_hidden_state,
                                 output_attentions=True, use_cache=False, return_dict=True)
        self_att = retained(list(dec.attentions))
        cross_att = retained(list(dec.cross_attentions))
        y = dec.logits[0, -1, ids[t]]
        y.backward()
        steps.append((ids[:t], ids[t], float(y), pairs(enc_att), pairs(self_att), pairs(cross_att)))
    vc = model.config.vision_config
    return steps, vc.image_size // vc.patch_size


def write_case(root, case, runner):
    folder = os.path.join(root, case)
    expected = load_file(os.path.join(folder, "expected.safetensors"))
    steps, grid = runner(folder, expected)
    out = {
        "rule": __doc__.split("Writes")[0].strip(),
        "environment": {"torch": torch.__version__, "transformers": transformers.__version__,
                        "numpy": np.__version__},
        "grid": grid,
        "steps": [],
    }
    for prefix, token, logit, enc, dself, dcross in steps:
        rti = relevancy(enc, dself, dcross)
        row = rti[-1]
        out["steps"].append({"prefix": prefix, "token": token, "logit": logit,
                             "image_tokens": [float(v) for v in row],
                             "patches": [float(v) for v in row[1:]]})
    path = os.path.join(folder, "token_relevancy.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"{path}: {len(steps)} tokens, grid {grid}")


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../tests/data/golden")
    write_case(root, "vit_gpt2_caption", vit_gpt2_steps)
    write_case(root, "blip_caption", blip_steps)


if __name__ == "__main__":
    main()
