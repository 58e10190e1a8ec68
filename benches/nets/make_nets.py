"""Regenerates the benchmark networks of BENCHMARKS.md ("Bound tightening"): ReLU networks
trained (numpy, Adam, full batch, fixed seeds) on standard test functions sampled by Latin
hypercube. Run from the repository root: python3 benches/nets/make_nets.py (needs numpy)."""
import json
import numpy as np


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


def train(rng, X, y, hidden, epochs, lr=3e-3):
    xm, xs = X.mean(0), X.std(0)
    ym, ys = y.mean(), y.std()
    Xn, Yn = (X - xm) / xs, ((y - ym) / ys)[:, None]
    sizes = [X.shape[1]] + hidden + [1]
    W = [rng.normal(0, np.sqrt(2.0 / a), (b, a)) for a, b in zip(sizes, sizes[1:])]
    B = [np.zeros(b) for b in sizes[1:]]
    params = W + B
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for t in range(1, epochs + 1):
        hs, pre = [Xn], []
        for k in range(len(W)):
            a = hs[-1] @ W[k].T + B[k]
            pre.append(a)
            hs.append(a if k == len(W) - 1 else np.maximum(a, 0))
        g = 2 * (hs[-1] - Yn) / len(Xn)
        gW, gB = [None] * len(W), [None] * len(W)
        for k in reversed(range(len(W))):
            gW[k], gB[k] = g.T @ hs[k], g.sum(0)
            if k > 0:
                g = (g @ W[k]) * (pre[k - 1] > 0)
        for i, (p, gr) in enumerate(zip(params, gW + gB)):
            m[i] = 0.9 * m[i] + 0.1 * gr
            v[i] = 0.999 * v[i] + 0.001 * gr * gr
            p -= lr * (m[i] / (1 - 0.9**t)) / (np.sqrt(v[i] / (1 - 0.999**t)) + 1e-8)
    rmse = float(np.sqrt(((hs[-1] - Yn) ** 2).mean()))
    return W, B, (xm, xs, ym, ys), rmse


CASES = [
    ("peaks_2x16", peaks, 2, -3.0, 3.0, [16, 16]),
    ("peaks_3x32", peaks, 2, -3.0, 3.0, [32, 32, 32]),
    ("rosenbrock5_2x32", rosenbrock, 5, -2.0, 2.0, [32, 32]),
    ("styblinski10_3x32", styblinski_tang, 10, -5.0, 5.0, [32, 32, 32]),
    ("peaks_4x64", peaks, 2, -3.0, 3.0, [64, 64, 64, 64]),
]

for seed, (name, f, d, lo, hi, hidden) in enumerate(CASES):
    rng = np.random.default_rng(100 + seed)
    X = lhs(rng, 4000, np.full(d, lo), np.full(d, hi))
    W, B, (xm, xs, ym, ys), rmse = train(rng, X, f(X), hidden, 1500)
    layers = [{"weights": W[k].tolist(), "bias": B[k].tolist(),
               "activation": "linear" if k == len(W) - 1 else "relu"} for k in range(len(W))]
    doc = {"format": "relu-net", "version": 1,
           "inputs": [f"x{i + 1}" for i in range(d)], "outputs": ["y"],
           "input_bounds": [[lo, hi]] * d,
           "input_scaling": {"offset": xm.tolist(), "scale": xs.tolist()},
           "output_scaling": {"offset": [float(ym)], "scale": [float(ys)]},
           "layers": layers,
           "training": {"script": "benches/nets/make_nets.py", "function": f.__name__, "seed": 100 + seed,
                        "samples": 4000, "epochs": 1500, "standardized_train_rmse": rmse}}
    with open(f"benches/nets/{name}.json", "w") as out:
        json.dump(doc, out)
        out.write("\n")
    print(name, "rmse", round(rmse, 4))
