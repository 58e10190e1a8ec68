"""Regenerates the benchmark networks of BENCHMARKS.md ("Bound tightening"): ReLU networks
trained (numpy, Adam, full batch, fixed seeds) on standard test functions sampled by Latin
hypercube. Run from the repository root: python3 benches/nets/make_nets.py (needs numpy)."""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from relu_train import train  # noqa: E402


def peaks(x):
    a, b = x[:, 0], x[:, 1]
    return (3 * (1 - a) ** 2 * np.exp(-a**2 - (b + 1) ** 2)
            - 10 * (a / 5 - a**3 - b**5) * np.exp(-a**2 - b**2)
            - np.exp(-(a + 1) ** 2 - b**2) / 3)


def rosenbrock(x):
    return np.sum(100 * (x[:, 1:] - x[:, :-1] ** 2) ** 2 + (1 - x[:, :-1]) ** 2, axis=1)


def styblinski_tang(x):
    return 0.5 * np.sum(x**4 - 16 * x**2 + 5 * x, axis=1)


def lhs(rng, n, lo, hi):
    d = len(lo)
    u = (np.stack([rng.permutation(n) for _ in range(d)], 1) + rng.uniform(size=(n, d))) / n
    return lo + u * (hi - lo)


CASES = [
    ("peaks_2x16", peaks, 2, -3.0, 3.0, [16, 16]),
    ("peaks_3x32", peaks, 2, -3.0, 3.0, [32, 32, 32]),
    ("rosenbrock5_2x32", rosenbrock, 5, -2.0, 2.0, [32, 32]),
    ("styblinski10_3x32", styblinski_tang, 10, -5.0, 5.0, [32, 32, 32]),
    ("peaks_4x64", peaks, 2, -3.0, 3.0, [64, 64, 64, 64]),
    ("styblinski10_4x128", styblinski_tang, 10, -5.0, 5.0, [128, 128, 128, 128]),
]

for seed, (name, f, d, lo, hi, hidden) in enumerate(CASES):
    rng = np.random.default_rng(100 + seed)
    X = lhs(rng, 4000, np.full(d, lo), np.full(d, hi))
    W, B, (xm, xs, ym, ys), rmse = train(rng, X, f(X)[:, None], hidden, 1500)
    layers = [{"weights": W[k].tolist(), "bias": B[k].tolist(),
               "activation": "linear" if k == len(W) - 1 else "relu"} for k in range(len(W))]
    doc = {"format": "relu-net", "version": 1,
           "inputs": [f"x{i + 1}" for i in range(d)], "outputs": ["y"],
           "input_bounds": [[lo, hi]] * d,
           "input_scaling": {"offset": xm.tolist(), "scale": xs.tolist()},
           "output_scaling": {"offset": ym.tolist(), "scale": ys.tolist()},
           "layers": layers,
           "training": {"script": "benches/nets/make_nets.py", "function": f.__name__, "seed": 100 + seed,
                        "samples": 4000, "epochs": 1500, "standardized_train_rmse": rmse}}
    with open(f"benches/nets/{name}.json", "w") as out:
        json.dump(doc, out)
        out.write("\n")
    print(name, "rmse", round(rmse, 4))
