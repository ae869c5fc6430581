# SPDX-License-Identifier: MIT
# Times ONNX Runtime (Python onnxruntime, CPU) on the exported ViT-B/16: batch 1 (20 runs) and batch 8, with
# the same input and JSON fields as time_ort.mjs, for hosts where onnxruntime comes from pip or apt, not npm.
#   python3 time_ort.py MODEL.onnx [THREADS]
import json
import sys
import time

import numpy as np
import onnxruntime as ort

model = sys.argv[1]
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
o = ort.SessionOptions()
o.intra_op_num_threads = threads
o.inter_op_num_threads = 1
o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
s = ort.InferenceSession(model, o, providers=["CPUExecutionProvider"])


def timed(batch, runs, warm):
    x = np.sin(np.arange(batch * 3 * 224 * 224, dtype=np.float64)).astype(np.float32).reshape(batch, 3, 224, 224)
    for _ in range(warm):
        s.run(None, {"pixel_values": x})
    t = []
    for _ in range(runs):
        a = time.perf_counter()
        s.run(None, {"pixel_values": x})
        t.append((time.perf_counter() - a) * 1000)
    t.sort()
    return t[len(t) // 2], t[0]


b1, b1min = timed(1, 20, 5)
b8, _ = timed(8, 4, 1)
print(json.dumps({"runtime": "onnxruntime (python) " + ort.__version__, "threads": threads,
                  "batch1_ms_median": b1, "batch1_ms_min": b1min, "batch8_images_per_s": 8000 / b8}))
