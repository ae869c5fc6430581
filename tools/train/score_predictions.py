#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Top-1 accuracy of `loupe classify --json` output against a shapes-world labels.csv.

    loupe sample shapes /tmp/test --count 2000 --seed 2002
    (cd /tmp/test && loupe classify --model resources/models/shapes-vit --topk 1 --json images/*.png) > pred.jsonl
    tools/train/score_predictions.py /tmp/test/labels.csv pred.jsonl
"""
import json
import os
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: score_predictions.py LABELS_CSV PREDICTIONS_JSONL")
    truth = {}
    with open(sys.argv[1]) as f:
        next(f)
        for line in f:
            name, label = line.strip().split(",")
            truth[os.path.basename(name)] = label
    total = correct = 0
    confusion = {}
    with open(sys.argv[2]) as f:
        for line in f:
            row = json.loads(line)
            want = truth[os.path.basename(row["image"])]
            got = row["top"][0]["label"]
            total += 1
            correct += got == want
            if got != want:
                confusion[want + "->" + got] = confusion.get(want + "->" + got, 0) + 1
    missing = len(truth) - total
    print(json.dumps({"images": total, "missing": missing, "top1": correct / max(1, total),
                      "errors": dict(sorted(confusion.items(), key=lambda kv: -kv[1]))}))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
