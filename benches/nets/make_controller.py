"""Regenerates benches/nets/controller5_6x50.json, the verification-style benchmark network
(issue: "a 5-input 6x50 network trained by you"): two advisory scores of a controller-like
map on [-1, 1]^5, sampled here (numpy, fixed seed) and trained by `rmod train` (6 hidden
layers of 50 ReLUs). Run from the repository root after `cargo build --release`:
python3 benches/nets/make_controller.py"""
import subprocess

import numpy as np

rng = np.random.default_rng(5)
n = 6000
x = rng.uniform(-1.0, 1.0, size=(n, 5))
a1 = np.sin(2 * x[:, 0]) + x[:, 1] * x[:, 2] - 0.5 * x[:, 3] ** 2 + 0.3 * x[:, 4]
a2 = np.cos(1.5 * x[:, 1]) - x[:, 0] * x[:, 4] + 0.4 * x[:, 2] - 0.2 * x[:, 3]
path = "target/controller5.csv"
with open(path, "w") as f:
    f.write("x1,x2,x3,x4,x5,advise_a,advise_b\n")
    for r, p, q in zip(x, a1, a2):
        f.write(",".join(repr(float(v)) for v in [*r, p, q]) + "\n")
subprocess.run(
    ["target/release/rmod", "train", path, "--inputs", "x1,x2,x3,x4,x5",
     "--outputs", "advise_a,advise_b", "--layers", "6x50", "--epochs", "150",
     "--batch", "64", "--lr", "1e-3", "--seed", "5", "-o", "benches/nets/controller5_6x50.json"],
    check=True,
)
