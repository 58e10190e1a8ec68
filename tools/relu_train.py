"""Shared by the scripts that regenerate shipped networks (examples/plant/nets/train.py,
benches/nets/make_nets.py): a small ReLU MLP trained with Adam on standardized data, full batch.
`rmod train` (issue 5) is meant to replace it."""
import numpy as np


def train(rng, X, Y, hidden, epochs, lr=3e-3):
    """Returns weights, biases, (x mean, x std, y mean, y std) and the standardized train RMSE.
    Y has one column per output; the last layer is linear, the others ReLU."""
    xm, xs = X.mean(0), X.std(0)
    ym, ys = Y.mean(0), Y.std(0)
    Xn, Yn = (X - xm) / xs, (Y - ym) / ys
    sizes = [X.shape[1]] + hidden + [Y.shape[1]]
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
        err = hs[-1] - Yn
        g = 2 * err / len(Xn)
        gW, gB = [None] * len(W), [None] * len(W)
        for k in reversed(range(len(W))):
            gW[k], gB[k] = g.T @ hs[k], g.sum(0)
            if k > 0:
                g = (g @ W[k]) * (pre[k - 1] > 0)
        for i, (p, gr) in enumerate(zip(params, gW + gB)):
            m[i] = 0.9 * m[i] + 0.1 * gr
            v[i] = 0.999 * v[i] + 0.001 * gr * gr
            p -= lr * (m[i] / (1 - 0.9**t)) / (np.sqrt(v[i] / (1 - 0.999**t)) + 1e-8)
    rmse = float(np.sqrt((err**2).mean()))
    return W, B, (xm, xs, ym, ys), rmse
