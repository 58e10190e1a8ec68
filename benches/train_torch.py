"""The PyTorch baseline of `cargo bench -p rmod-tests --bench train`: the same network, loss,
optimizer and data as `rmod train` (He init, Adam, mini-batches, MSE on standardized data,
float64, one thread), timed from data load to the trained weights.
Usage: python3 benches/train_torch.py DATA.csv LAYERS EPOCHS BATCH LR"""
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)
torch.manual_seed(7)
path, layers, epochs, batch, lr = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
k, w = (int(v) for v in layers.split("x"))
t0 = time.perf_counter()
data = np.loadtxt(path, delimiter=",", skiprows=1)
X, Y = data[:, :-1], data[:, -1:]
n = len(X)
idx = np.random.default_rng(7).permutation(n)
n_eval = round(0.15 * n)
tr = idx[2 * n_eval:]
xm, xs = X[tr].mean(0), X[tr].std(0)
ym, ys = Y[tr].mean(0), Y[tr].std(0)
Xt = torch.tensor((X[tr] - xm) / xs)
Yt = torch.tensor((Y[tr] - ym) / ys)
mods = []
d = X.shape[1]
for _ in range(k):
    lin = torch.nn.Linear(d, w).double()
    torch.nn.init.kaiming_normal_(lin.weight, nonlinearity="relu")
    torch.nn.init.zeros_(lin.bias)
    mods += [lin, torch.nn.ReLU()]
    d = w
out = torch.nn.Linear(d, Y.shape[1]).double()
torch.nn.init.kaiming_normal_(out.weight, nonlinearity="relu")
torch.nn.init.zeros_(out.bias)
net = torch.nn.Sequential(*mods, out)
opt = torch.optim.Adam(net.parameters(), lr=lr)
for epoch in range(epochs):
    perm = torch.randperm(len(Xt))
    for s in range(0, len(Xt), batch):
        b = perm[s:s + batch]
        opt.zero_grad()
        loss = torch.mean((net(Xt[b]) - Yt[b]) ** 2)
        loss.backward()
        opt.step()
with torch.no_grad():
    mse = float(torch.mean((net(Xt) - Yt) ** 2))
print(f"{time.perf_counter() - t0:.3f} {mse:.6f}")
