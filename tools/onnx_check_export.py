"""Checks `rmod net export` against onnxruntime (run by hand from the repository root after
`cargo build --release`; needs numpy, onnx, onnxruntime): exports two shipped networks (one
with input/output scaling, names and bounds), validates them with onnx.checker, and writes
tests/onnx/rmod_export_*.onnx with onnxruntime's outputs at 20 points, which the Rust tests
compare with rmod's forward pass like every other exporter's file."""
import json
import subprocess

import numpy as np
import onnx
import onnxruntime as ort

NETS = [("examples/plant/nets/reactor.json", "rmod_export_reactor"), ("benches/nets/peaks_3x32.json", "rmod_export_peaks")]
for src, name in NETS:
    out = f"tests/onnx/{name}.onnx"
    subprocess.run(["target/release/rmod", "net", "export", src, "-o", out], check=True)
    onnx.checker.check_model(onnx.load(out), full_check=True)
    sess = ort.InferenceSession(out, providers=["CPUExecutionProvider"])
    net = json.load(open(src))
    lo, hi = np.array(net["input_bounds"]).T
    rng = np.random.default_rng(0)
    xs = rng.uniform(lo, hi, size=(20, len(lo)))
    ys = [sess.run(None, {"input": x.reshape(1, -1)})[0].ravel().tolist() for x in xs]
    with open(f"tests/onnx/{name}.samples.json", "w") as f:
        json.dump({"inputs": xs.tolist(), "outputs": ys}, f)
    print(out, "checked and sampled")
