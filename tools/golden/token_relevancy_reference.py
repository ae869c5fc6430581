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
    python3 tools/golden/token_relevancy_reference.py [GOLDEN_DIR [CASE ...]]   (default tests/data/golden,
    every case)
The question-answering case (blip_vqa) chains three stages and follows VQA_RULE below.
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


VQA_RULE = """BLIP question answering (vision encoder -> question encoder -> answer decoder), y = logit of
answer token t after the forced answer prefix, back-propagated through the decoder, the question states,
the question encoder and the image embeddings into the vision encoder:

    R_ii = I;  R_ii += Abar_vis @ R_ii                       for every vision layer
    R_qq = I;  R_qi = 0;  per question-encoder layer (bidirectional self-attention, then q->i cross):
        R_qq += Abar_self @ R_qq;  R_qi += Abar_self @ R_qi
        R_qi += norm(R_qq).T @ Abar_cross @ norm(R_ii)
    R_aa = I;  R_aq = 0;  per answer-decoder layer (causal self-attention, then a->q cross):
        R_aa += Abar_self @ R_aa;  R_aq += Abar_self @ R_aq
        R_aq += norm(R_aa).T @ Abar_cross @ norm(R_qq)       (R_qq final, after every question layer)
    R_ai = R_aq @ R_qi
    map = R_ai[t_last, 1:]  (CLS dropped, patch grid row-major)"""


def text_stack(self_layers, cross_layers, context_bar):
    """R_ss and R_sc of a text stack over a context whose normalised self-relevancy is context_bar."""
    t = self_layers[0][0].shape[-1]
    rss = np.eye(t)
    rsc = np.zeros((t, context_bar.shape[0]))
    for (sa, sg), (ca, cg) in zip(self_layers, cross_layers):
        s = positive_grad_attention(sa, sg)
        rss, rsc = rss + s @ rss, rsc + s @ rsc
        c = positive_grad_attention(ca, cg)
        rsc = rsc + normalize_self(rss).T @ c @ context_bar
    return rss, rsc


def vqa_relevancy(vis, q_self, q_cross, a_self, a_cross):
    n = vis[0][0].shape[-1]
    rii = np.eye(n)
    for a, g in vis:
        rii = rii + positive_grad_attention(a, g) @ rii
    rqq, rqi = text_stack(q_self, q_cross, normalize_self(rii))
    _, raq = text_stack(a_self, a_cross, normalize_self(rqq))
    return raq @ rqi


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


def blip_vqa_steps(folder, expected):
    model = transformers.BlipForQuestionAnswering.from_pretrained(folder, attn_implementation="eager").eval()
    pixels = torch.from_numpy(expected["pixel_values"])
    question = torch.from_numpy(expected["input_ids"])
    mask = torch.from_numpy(expected["attention_mask"])
    ids = expected["answer_ids"][0].tolist()
    steps = []
    for t in range(1, len(ids)):
        model.zero_grad()
        vis = model.vision_model(pixel_values=pixels, output_attentions=True)
        vis_att = retained(list(vis.attentions))
        q = model.text_encoder(input_ids=question, attention_mask=mask, encoder_hidden_states=vis.last_hidden_state,
                               output_attentions=True, return_dict=True)
        q_self = retained(list(q.attentions))
        q_cross = retained(list(q.cross_attentions))
        dec = model.text_decoder(input_ids=torch.tensor([ids[:t]]), encoder_hidden_states=q.last_hidden_state,
                                 output_attentions=True, use_cache=False, return_dict=True)
        a_self = retained(list(dec.attentions))
        a_cross = retained(list(dec.cross_attentions))
        y = dec.logits[0, -1, ids[t]]
        y.backward()
        rai = vqa_relevancy(pairs(vis_att), pairs(q_self), pairs(q_cross), pairs(a_self), pairs(a_cross))
        steps.append((ids[:t], ids[t], y.item(), rai))
    vc = model.config.vision_config
    return steps, vc.image_size // vc.patch_size


def caption_maps(runner):
    def run(folder, expected):
        steps, grid = runner(folder, expected)
        return [(p, tok, y, relevancy(enc, ds, dc)) for p, tok, y, enc, ds, dc in steps], grid
    return run


CASES = {
    "vit_gpt2_caption": (caption_maps(vit_gpt2_steps), None),
    "blip_caption": (caption_maps(blip_steps), None),
    "blip_vqa": (blip_vqa_steps, VQA_RULE),
}


def write_case(root, case, runner, rule=None):
    folder = os.path.join(root, case)
    expected = load_file(os.path.join(folder, "expected.safetensors"))
    steps, grid = runner(folder, expected)
    out = {
        "rule": rule or __doc__.split("Writes")[0].strip(),
        "environment": {"torch": torch.__version__, "transformers": transformers.__version__,
                        "numpy": np.__version__},
        "grid": grid,
        "steps": [],
    }
    for prefix, token, logit, r in steps:
        row = r[-1]
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
    for case in sys.argv[2:] or CASES:
        if case not in CASES:
            sys.exit(f"unknown case {case!r}; known: {', '.join(CASES)}")
        write_case(root, case, *CASES[case])


if __name__ == "__main__":
    main()
