# SPDX-License-Identifier: MIT
# Benchmark peer only (not a dependency): ViT-B/16 224 with random weights in plain torch, exported to ONNX
# for ONNX Runtime. Same shapes as `loupe bench vit` (GELU erf, LayerNorm eps 1e-12). Debian python3-torch.
import sys, torch, torch.nn as nn
torch.manual_seed(0)
D, L, H, M, P, S, C = 768, 12, 12, 3072, 16, 224, 1000
class Block(nn.Module):
    def __init__(s):
        super().__init__(); s.ln1 = nn.LayerNorm(D, eps=1e-12); s.qkv = nn.Linear(D, 3*D); s.o = nn.Linear(D, D)
        s.ln2 = nn.LayerNorm(D, eps=1e-12); s.fc1 = nn.Linear(D, M); s.fc2 = nn.Linear(M, D)
    def forward(s, x):
        B, N, _ = x.shape
        q, k, v = s.qkv(s.ln1(x)).reshape(B, N, 3, H, D // H).permute(2, 0, 3, 1, 4)
        a = torch.softmax(q @ k.transpose(-1, -2) / (D // H) ** 0.5, -1)
        x = x + s.o((a @ v).transpose(1, 2).reshape(B, N, D))
        return x + s.fc2(nn.functional.gelu(s.fc1(s.ln2(x))))
class ViT(nn.Module):
    def __init__(s):
        super().__init__(); s.pe = nn.Conv2d(3, D, P, P); s.cls = nn.Parameter(torch.randn(1, 1, D)); s.pos = nn.Parameter(torch.randn(1, (S // P) ** 2 + 1, D))
        s.blocks = nn.ModuleList([Block() for _ in range(L)]); s.ln = nn.LayerNorm(D, eps=1e-12); s.head = nn.Linear(D, C)
    def forward(s, x):
        x = s.pe(x).flatten(2).transpose(1, 2)
        x = torch.cat([s.cls.expand(x.shape[0], -1, -1), x], 1) + s.pos
        for b in s.blocks: x = b(x)
        return s.head(s.ln(x)[:, 0])
m = ViT().eval()
# Newer torch exports through dynamo (needs onnxscript) unless told otherwise; older torch has no such keyword.
import inspect
legacy = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
torch.onnx.export(m, torch.randn(1, 3, S, S), sys.argv[1], opset_version=14, input_names=["pixel_values"], output_names=["logits"], dynamic_axes={"pixel_values": {0: "b"}, "logits": {0: "b"}}, **legacy)
print("exported", sys.argv[1])
