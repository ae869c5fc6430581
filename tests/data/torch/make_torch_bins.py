#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes the small torch.save checkpoints the pytorch_model.bin reader is tested on.

Run with Debian's python3-torch (a developer tool only, never a build dependency):
    /usr/bin/python3 tests/data/torch/make_torch_bins.py
Each case folder gets pytorch_model.bin, a config.json, and expected.json (name -> dtype, shape, values
as float) so the C++ test can compare without torch.  evil_reduce.bin goes to tests/data/hostile/: a
pickle whose __reduce__ would run a shell command; the loader must refuse it without running anything.
"""
import collections
import json
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
HOSTILE = os.path.join(HERE, "..", "hostile")


def save_case(name, state, flatten=None):
    folder = os.path.join(HERE, name)
    os.makedirs(folder, exist_ok=True)
    torch.save(state, os.path.join(folder, "pytorch_model.bin"))
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump({"model_type": "vit", "architectures": ["ViTModel"]}, f)
    expected = {}
    for key, t in (flatten or state).items():
        expected[key] = {
            "dtype": str(t.dtype).replace("torch.", ""),
            "shape": list(t.shape),
            "values": [float(v) for v in t.detach().float().reshape(-1).tolist()],
        }
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)


def main():
    g = torch.Generator().manual_seed(7)
    base = torch.randn(4, 6, generator=g)
    state = collections.OrderedDict()
    state["f32"] = torch.randn(3, 5, generator=g)
    state["f16"] = torch.randn(2, 3, generator=g).half()
    state["bf16"] = torch.randn(7, generator=g).bfloat16()
    state["i64"] = torch.arange(-3, 3, dtype=torch.int64).reshape(2, 3)
    state["i32"] = torch.arange(5, dtype=torch.int32)
    state["scalar"] = torch.tensor(2.5)
    state["empty"] = torch.zeros(0, 4)
    state["transposed"] = base.t()          # non-contiguous view: strides (1, 6)
    state["row_slice"] = base[1:3]          # shares base's storage at an offset
    state["base"] = base
    state["param"] = torch.nn.Parameter(torch.randn(2, 2, generator=g))  # _rebuild_parameter
    save_case("torch_mixed", state)

    nested = {"state_dict": collections.OrderedDict(w=torch.randn(3, generator=g)), "epoch": 3}
    save_case("torch_nested", nested, flatten={"state_dict.w": nested["state_dict"]["w"]})

    # A real module's state_dict carries a _metadata attribute, pickled as BUILD state on the OrderedDict.
    torch.manual_seed(3)
    module = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.LayerNorm(3), torch.nn.Linear(3, 2).half())
    module_state = module.state_dict()
    assert hasattr(module_state, "_metadata")
    save_case("torch_module", module_state)

    class Evil:
        def __reduce__(self):
            return (os.system, ("echo loupe-pwned > /tmp/loupe_pwned",))

    os.makedirs(HOSTILE, exist_ok=True)
    torch.save({"w": torch.zeros(2), "x": Evil()}, os.path.join(HOSTILE, "evil_reduce.bin"))


if __name__ == "__main__":
    main()
