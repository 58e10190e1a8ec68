"""Regenerates nets/reactor.json and nets/column.json: small ReLU networks trained (numpy, Adam,
full batch, fixed seed) on synthetic process data. Run from this folder: python3 nets/train.py
(needs numpy). The functions below stand in for a plant simulator."""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tools"))
from relu_train import train  # noqa: E402

rng = np.random.default_rng(7)


def reactor(feed, T):  # t/h converted product
    sig = 1.0 / (1.0 + np.exp(-(T - 600.0) / 12.0))
    return feed * (0.55 + 0.4 * sig) * (1.0 - feed / 300.0)


def column(load, reflux):  # t/h light product, MW reboiler duty
    light = load * (0.30 + 0.45 * (1.0 - np.exp(-(reflux - 1.0) / 0.8)))
    duty = 0.08 * load * (1.0 + reflux) + 2.0
    return np.stack([light, duty], axis=1)


def write(path, names_in, names_out, bounds, W, B, scal, rmse):
    xm, xs, ym, ys = scal
    layers = [
        {"weights": W[k].tolist(), "bias": B[k].tolist(), "activation": "linear" if k == len(W) - 1 else "relu"}
        for k in range(len(W))
    ]
    doc = {
        "format": "relu-net",
        "version": 1,
        "inputs": names_in,
        "outputs": names_out,
        "input_bounds": bounds,
        "input_scaling": {"offset": xm.tolist(), "scale": xs.tolist()},
        "output_scaling": {"offset": ym.tolist(), "scale": ys.tolist()},
        "layers": layers,
        "training": {"script": "nets/train.py", "seed": 7, "standardized_train_rmse": rmse},
    }
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


n = 3000
feed = rng.uniform(0, 60, n)
T = rng.uniform(560, 640, n)
W, B, s, e = train(rng, np.stack([feed, T], 1), reactor(feed, T)[:, None], [8, 8], 3000)
write("nets/reactor.json", ["feed", "T"], ["conv"], [[0, 60], [540, 640]], W, B, s, e)
print("reactor rmse (standardized)", e)
load = rng.uniform(0, 120, n)
reflux = rng.uniform(1.2, 3.5, n)
W, B, s, e = train(rng, np.stack([load, reflux], 1), column(load, reflux), [8, 8], 3000)
write("nets/column.json", ["load", "reflux"], ["light", "duty"], [[0, 120], [1.2, 3.5]], W, B, s, e)
print("column rmse (standardized)", e)
