#!/usr/bin/env python3
"""Build small feed-forward networks in real frameworks, export them to ONNX,
and record onnxruntime's outputs on sample points, as test data for rmod's
ONNX import (tests/onnx/).

Run by hand, from the repository root:

    python3 tools/onnx_export.py

It writes into tests/onnx/:
  * NAME.onnx                 the networks (see tests/onnx/README.md),
  * NAME.samples.json         (NAME without .onnx) for every supported network: 20 points drawn
                              uniformly from [-2, 2]^n (seeded), as
                              {"inputs": [[x1..xn], ...], "outputs": [[y1..ym], ...]};
                              inputs are flat feature vectors (reshape them to
                              the graph input's shape), already rounded to the
                              model's input type (float32/float64/float16), and
                              outputs are onnxruntime's (CPUExecutionProvider)
                              flattened, written as Python floats (repr, full
                              precision),
  * README.md                 one line per file: how it was made, its op types in
                              graph order, opset, tensor types.

Everything is seeded (numpy, torch, TensorFlow, scikit-learn's random_state)
and runs single-threaded, so a rerun with the same package versions writes the
same numbers.

Package versions used for the committed files (CPython 3.11.7):
  torch 2.15.0 (PyPI wheel; the CPU-only index was unreachable), onnx 1.23.2,
  onnxruntime 1.32.0, scikit-learn 1.9.1, skl2onnx 1.20.0, numpy 2.4.6,
  tensorflow-cpu 2.21.0, tf-keras 2.21.0, tf2onnx 1.17.0.

Install:
    pip install torch onnx onnxruntime scikit-learn skl2onnx numpy
    pip install tensorflow-cpu tf2onnx
    pip install --no-deps tf-keras     # its dependency is `tensorflow`, not -cpu

Notes on the exporters:
  * torch >= 2.9 exports with the dynamo exporter by default (opset >= 18, no
    keep_initializers_as_inputs/opset 9); every torch export here passes
    dynamo=False to use the TorchScript exporter, which still honours
    opset_version, dynamic_axes, keep_initializers_as_inputs, training and
    do_constant_folding.
  * Keras: tf2onnx.convert.from_keras fails on a Keras 3 model (the `keras`
    package that tensorflow 2.21 brings) with
        KeyError: 'keras_tensor_3'
    (tf2onnx/convert.py line 529, `output_names = [reverse_lookup[out] ...]`).
    The Keras model is therefore built with tf_keras (Keras 2), for which
    from_keras works. If tf_keras is missing, the script falls back to a
    Keras 3 model converted with tf2onnx.convert.from_function; if
    tensorflow/tf2onnx are missing, keras_mlp.onnx is skipped.
"""

import json
import os
import sys
import warnings
import zlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
warnings.filterwarnings("ignore")

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "onnx")
N_SAMPLES = 20
BOX = 2.0

# name -> description, filled as the files are written (README.md)
MADE = {}
# names that get NAME.samples.json
SUPPORTED = []


def out_path(name):
    return os.path.join(OUT, name)


def rng_for(name):
    return np.random.RandomState(zlib.crc32(name.encode()) & 0x7FFFFFFF)


# ---------------------------------------------------------------- samples

NP_OF_ONNX = {
    TensorProto.FLOAT: np.float32,
    TensorProto.DOUBLE: np.float64,
    TensorProto.FLOAT16: np.float16,
}


def graph_inputs(model):
    """The real inputs: graph inputs that are not initializers."""
    inits = {i.name for i in model.graph.initializer}
    return [i for i in model.graph.input if i.name not in inits]


def write_samples(name):
    model = onnx.load(out_path(name))
    (inp,) = graph_inputs(model)
    tt = inp.type.tensor_type
    dtype = NP_OF_ONNX[tt.elem_type]
    dims = [d.dim_value if d.HasField("dim_value") else 1 for d in tt.shape.dim]
    dims[0] = 1  # one sample at a time: batch 1 works for fixed and dynamic batch
    n = int(np.prod(dims))
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3  # no warning about initializers listed as inputs
    sess = ort.InferenceSession(out_path(name), opts, providers=["CPUExecutionProvider"])
    xs = rng_for(name + ".samples").uniform(-BOX, BOX, size=(N_SAMPLES, n)).astype(dtype)
    inputs, outputs = [], []
    for x in xs:
        ys = sess.run(None, {inp.name: x.reshape(dims)})
        y = np.concatenate([np.asarray(v).reshape(-1) for v in ys])
        inputs.append([float(v) for v in x])
        outputs.append([float(v) for v in y])
    with open(out_path(name[: -len(".onnx")] + ".samples.json"), "w") as f:
        json.dump({"inputs": inputs, "outputs": outputs}, f)
        f.write("\n")


# ---------------------------------------------------------------- targets


def target(x, m):
    """A smooth function of the features, m outputs (x: [N, n])."""
    cols = []
    for k in range(m):
        s = np.sin(x[:, 0] + 0.5 * k)
        q = x[:, -1] * x[:, (k + 1) % x.shape[1]] * 0.5
        c = np.cos(0.7 * x.sum(axis=1) - k)
        cols.append(s + q + 0.3 * c)
    return np.stack(cols, axis=1)


def data(name, n_in, n_out, n=256):
    x = rng_for(name + ".train").uniform(-BOX, BOX, size=(n, n_in))
    return x, target(x, n_out)


# ---------------------------------------------------------------- torch


def torch_models():
    import torch
    import torch.nn as nn

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    def train(name, model, n_in, n_out, steps=300, dtype=torch.float32, lr=1e-2):
        x, y = data(name, n_in, n_out)
        x = torch.tensor(x, dtype=dtype)
        y = torch.tensor(y, dtype=dtype)
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        g = torch.Generator().manual_seed(zlib.crc32(name.encode()))
        model.train()
        for _ in range(steps):
            idx = torch.randint(0, x.shape[0], (32,), generator=g)
            opt.zero_grad()
            loss = ((model(x[idx]) - y[idx]) ** 2).mean()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            loss = ((model(x) - y) ** 2).mean().item()
        return loss

    def export(name, model, n_in, opset, dtype=torch.float32, dynamic=False, how="", supported=True, **kw):
        name += ".onnx"
        path = out_path(name)
        extra = {}
        if dynamic:
            extra["dynamic_axes"] = {"x": {0: "batch"}, "y": {0: "batch"}}
        torch.onnx.export(
            model,
            (torch.zeros(1, n_in, dtype=dtype),),
            path,
            dynamo=False,
            opset_version=opset,
            input_names=["x"],
            output_names=["y"],
            **extra,
            **kw,
        )
        onnx.checker.check_model(onnx.load(path), full_check=True)
        MADE[name] = how
        if supported:
            SUPPORTED.append(name)

    # torch_relu_op13
    torch.manual_seed(1)
    m = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 2))
    loss = train("torch_relu_op13", m, 3, 2)
    export("torch_relu_op13", m, 3, 13, dynamic=True,
           how=f"torch Linear(3,16)-ReLU-Linear(16,8)-ReLU-Linear(8,2), Adam 300 steps (mse {loss:.3g}), "
               "dynamic batch axis 'batch'")

    # torch_relu_op9_initin
    torch.manual_seed(2)
    m = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 2))
    loss = train("torch_relu_op9_initin", m, 3, 2)
    export("torch_relu_op9_initin", m, 3, 9, keep_initializers_as_inputs=True, export_params=True,
           how=f"torch Linear(3,16)-ReLU-Linear(16,8)-ReLU-Linear(8,2), Adam 300 steps (mse {loss:.3g}), "
               "keep_initializers_as_inputs=True (the 6 initializers are graph inputs too), fixed batch 1")

    # torch_dropout_bn_op11: training updates BN running stats (non-trivial)
    torch.manual_seed(3)
    m = nn.Sequential(nn.Linear(4, 12), nn.BatchNorm1d(12), nn.ReLU(), nn.Dropout(0.2), nn.Linear(12, 1))
    loss = train("torch_dropout_bn_op11", m, 4, 1)
    bn = m[1]
    assert not torch.allclose(bn.running_mean, torch.zeros(12))
    assert not torch.allclose(bn.running_var, torch.ones(12))
    export("torch_dropout_bn_op11", m, 4, 11, do_constant_folding=False,
           training=torch.onnx.TrainingMode.EVAL,
           how=f"torch Linear(4,12)-BatchNorm1d(12)-ReLU-Dropout(0.2)-Linear(12,1), Adam 300 steps "
               f"(mse {loss:.3g}), eval(), do_constant_folding=False, TrainingMode.EVAL; "
               "BN kept with trained running stats, eps 1e-5; Dropout dropped by the exporter")
    ops = [n.op_type for n in onnx.load(out_path("torch_dropout_bn_op11.onnx")).graph.node]
    assert "BatchNormalization" in ops, ops

    # torch_leaky_op13
    torch.manual_seed(4)
    m = nn.Sequential(nn.Linear(2, 10), nn.LeakyReLU(0.1), nn.Linear(10, 10), nn.LeakyReLU(0.05),
                      nn.Linear(10, 1))
    loss = train("torch_leaky_op13", m, 2, 1)
    export("torch_leaky_op13", m, 2, 13,
           how=f"torch Linear(2,10)-LeakyReLU(0.1)-Linear(10,10)-LeakyReLU(0.05)-Linear(10,1), "
               f"Adam 300 steps (mse {loss:.3g})")

    # torch_hardtanh_op13 / op9 (same weights)
    torch.manual_seed(5)
    m = nn.Sequential(nn.Linear(3, 8), nn.Hardtanh(0.0, 2.0), nn.Linear(8, 8), nn.ReLU6(), nn.Linear(8, 1))
    loss = train("torch_hardtanh", m, 3, 1)
    export("torch_hardtanh_op13", m, 3, 13,
           how=f"torch Linear(3,8)-Hardtanh(0,2)-Linear(8,8)-ReLU6-Linear(8,1), Adam 300 steps "
               f"(mse {loss:.3g}); Clip-11+ form: min/max as inputs from Constant nodes")
    export("torch_hardtanh_op9", m, 3, 9,
           how="the same network and weights as torch_hardtanh_op13; Clip-6 form: min/max attributes")

    # torch_float64_op13
    torch.manual_seed(6)
    m = nn.Sequential(nn.Flatten(), nn.Linear(3, 12), nn.ReLU(), nn.Linear(12, 12), nn.ReLU(),
                      nn.Linear(12, 1)).double()
    loss = train("torch_float64_op13", m, 3, 1, dtype=torch.float64)
    export("torch_float64_op13", m, 3, 13, dtype=torch.float64, dynamic=True,
           how=f"torch Flatten-Linear(3,12)-ReLU-Linear(12,12)-ReLU-Linear(12,1) in float64 (.double()), "
               f"Adam 300 steps (mse {loss:.3g}), dynamic batch axis 'batch'")

    # unsupported: Sigmoid / Tanh
    torch.manual_seed(7)
    m = nn.Sequential(nn.Linear(2, 6), nn.Sigmoid(), nn.Linear(6, 6), nn.Tanh(), nn.Linear(6, 1)).eval()
    export("unsupported_sigmoid_tanh", m, 2, 13, supported=False,
           how="torch Linear(2,6)-Sigmoid-Linear(6,6)-Tanh-Linear(6,1), seeded init (unsupported ops)")

    # unsupported: Conv1d
    torch.manual_seed(8)

    class ConvNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv1d(1, 4, 3)
            self.fc = nn.Linear(12, 1)

        def forward(self, x):
            h = torch.relu(self.conv(x.reshape(-1, 1, 5)))
            return self.fc(h.flatten(1))

    export("unsupported_conv", ConvNet().eval(), 5, 13, supported=False,
           how="torch Reshape to [N,1,5]-Conv1d(1,4,3)-ReLU-Flatten-Linear(12,1), seeded init "
               "(unsupported Conv)")
    return torch.__version__


# ---------------------------------------------------------------- scikit-learn


def sklearn_models():
    import sklearn
    import skl2onnx
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType
    from sklearn.neural_network import MLPRegressor

    x, y = data("sklearn_mlp", 3, 1, n=200)
    reg = MLPRegressor(hidden_layer_sizes=(10, 10), activation="relu", random_state=0, max_iter=2000)
    reg.fit(x, y[:, 0])
    r2 = reg.score(x, y[:, 0])
    mp = convert_sklearn(reg, "sklearn_mlp", initial_types=[("x", FloatTensorType([None, 3]))],
                         target_opset=13)
    onnx.checker.check_model(mp, full_check=True)
    onnx.save(mp, out_path("sklearn_mlp.onnx"))
    MADE["sklearn_mlp.onnx"] = (f"scikit-learn MLPRegressor(hidden_layer_sizes=(10,10), activation='relu', "
                                f"random_state=0, max_iter=2000) fit on 200 points (R^2 {r2:.3f}), "
                                f"skl2onnx convert_sklearn FloatTensorType([None,3]), target_opset 13")
    SUPPORTED.append("sklearn_mlp.onnx")
    try:
        mp = convert_sklearn(reg, "sklearn_mlp_double", initial_types=[("x", DoubleTensorType([None, 3]))],
                             target_opset=13)
        onnx.checker.check_model(mp, full_check=True)
        onnx.save(mp, out_path("sklearn_mlp_double.onnx"))
        MADE["sklearn_mlp_double.onnx"] = ("the same MLPRegressor, skl2onnx DoubleTensorType([None,3]) "
                                           "(float64 weights), target_opset 13")
        SUPPORTED.append("sklearn_mlp_double.onnx")
    except Exception as e:  # noqa: BLE001 - recorded in README
        print(f"skl2onnx DoubleTensorType failed: {type(e).__name__}: {e}", file=sys.stderr)
    return sklearn.__version__, skl2onnx.__version__


# ---------------------------------------------------------------- Keras


def keras_model():
    try:
        import tensorflow as tf
        import tf2onnx
    except Exception as e:  # noqa: BLE001
        print(f"Keras skipped: {type(e).__name__}: {e}", file=sys.stderr)
        return None
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.experimental.enable_op_determinism()
    try:
        import tf_keras as keras
        flavour = "tf_keras " + keras.__version__
    except ImportError:
        import keras
        flavour = "keras " + keras.__version__
    keras.utils.set_random_seed(9)
    m = keras.Sequential([
        keras.Input(shape=(3,)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(1),
    ])
    x, y = data("keras_mlp", 3, 1)
    m.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    m.fit(x.astype(np.float32), y.astype(np.float32), epochs=40, batch_size=32, shuffle=True, verbose=0)
    loss = float(m.evaluate(x.astype(np.float32), y.astype(np.float32), verbose=0))
    spec = (tf.TensorSpec((None, 3), tf.float32, name="x"),)
    if flavour.startswith("tf_keras"):
        mp, _ = tf2onnx.convert.from_keras(m, input_signature=spec, opset=13)
        how = "tf2onnx.convert.from_keras"
    else:
        mp, _ = tf2onnx.convert.from_function(tf.function(lambda t: m(t)), input_signature=spec, opset=13)
        how = "tf2onnx.convert.from_function (from_keras fails on Keras 3)"
    onnx.checker.check_model(mp, full_check=True)
    onnx.save(mp, out_path("keras_mlp.onnx"))
    MADE["keras_mlp.onnx"] = (f"Keras ({flavour}) Sequential Dense(8,relu)-Dense(8,relu)-Dense(1) on 3 inputs, "
                              f"Adam 40 epochs (mse {loss:.3g}), {how} opset 13")
    SUPPORTED.append("keras_mlp.onnx")
    return tf.__version__, tf2onnx.__version__, flavour


# ---------------------------------------------------------------- by hand


def tensor(name, arr, dtype=TensorProto.FLOAT, raw=True):
    arr = np.asarray(arr, dtype=NP_OF_ONNX[dtype])
    if raw:
        return helper.make_tensor(name, dtype, arr.shape, arr.tobytes(), raw=True)
    if dtype == TensorProto.FLOAT16:
        # typed storage of float16 is int32_data holding the bit patterns
        return helper.make_tensor(name, dtype, arr.shape, arr.view(np.uint16).reshape(-1).tolist())
    return helper.make_tensor(name, dtype, arr.shape, arr.reshape(-1).tolist())


def save_hand(name, graph, opset, how, props=None):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="rmod tools/onnx_export.py")
    model.ir_version = 7  # readable by every onnxruntime of the last years
    if props:
        helper.set_model_props(model, props)
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, out_path(name))
    MADE[name] = how


def hand_models():
    r = np.random.RandomState(10)

    # hand_normalized.onnx, opset 11
    mean = np.array([0.5, -0.25, 1.0, 0.0])
    std = np.array([2.0, 0.5, 1.5, 4.0])
    w1 = r.randn(4, 6) * 0.8
    b1 = r.randn(6) * 0.3
    bn_scale = r.uniform(0.5, 1.5, 6)
    bn_b = r.randn(6) * 0.2
    bn_mean = r.uniform(0.0, 1.0, 6)
    bn_var = r.uniform(0.3, 2.0, 6)
    w2 = r.randn(2, 6) * 0.7  # Gemm transB=1: B is [N=2, K=6]
    c2 = r.randn(2) * 0.2
    out_scale = np.array([10.0, -0.5])
    out_shift = np.array([100.0, 3.0])
    nodes = [
        helper.make_node("Sub", ["sensor", "mean"], ["centred"], name="centre"),
        helper.make_node("Constant", [], ["std"], name="std_const",
                         value=tensor("std_value", std, raw=False)),
        helper.make_node("Div", ["centred", "std"], ["scaled"], name="scale"),
        helper.make_node("Flatten", ["scaled"], ["flat"], name="flatten", axis=1),
        helper.make_node("MatMul", ["flat", "W1"], ["mm1"], name="matmul1"),
        helper.make_node("Add", ["b1", "mm1"], ["pre1"], name="bias_first_add"),
        helper.make_node("Relu", ["pre1"], ["h1"], name="relu1"),
        helper.make_node("BatchNormalization", ["h1", "bn_scale", "bn_B", "bn_mean", "bn_var"], ["bn"],
                         name="bn", epsilon=1e-3),
        helper.make_node("Gemm", ["bn", "W2", "C2"], ["g2"], name="gemm2", transB=1, alpha=0.5, beta=2.0),
        helper.make_node("Identity", ["g2"], ["g2_id"], name="identity"),
        helper.make_node("Unsqueeze", ["g2_id"], ["g2_u"], name="unsqueeze", axes=[0]),
        helper.make_node("Squeeze", ["g2_u"], ["g2_s"], name="squeeze", axes=[0]),
        helper.make_node("Mul", ["g2_s", "out_scale"], ["g2_m"], name="output_scale"),
        helper.make_node("Constant", [], ["out_shift"], name="shift_const",
                         value=tensor("out_shift_value", out_shift, raw=True)),
        helper.make_node("Add", ["g2_m", "out_shift"], ["yield"], name="output_shift"),
    ]
    inits = [
        tensor("mean", mean, raw=True),
        tensor("W1", w1, raw=False),
        tensor("b1", b1, raw=True),
        tensor("bn_scale", bn_scale, raw=False),
        tensor("bn_B", bn_b, raw=True),
        tensor("bn_mean", bn_mean, raw=False),
        tensor("bn_var", bn_var, raw=True),
        tensor("W2", w2, raw=True),
        tensor("C2", c2, raw=False),
        tensor("out_scale", out_scale, raw=False),
    ]
    g = helper.make_graph(nodes, "hand_normalized",
                          [helper.make_tensor_value_info("sensor", TensorProto.FLOAT, [1, 1, 1, 4])],
                          [helper.make_tensor_value_info("yield", TensorProto.FLOAT, [1, 2])], inits)
    save_hand("hand_normalized.onnx", g, 11,
              "onnx.helper by hand: input 'sensor' [1,1,1,4]; Sub(initializer mean[4]), Div(Constant std[4]), "
              "Flatten(axis 1), MatMul W1[4,6], Add(b1, matmul) with the bias FIRST, Relu, "
              "BatchNormalization(epsilon 1e-3), Gemm(transB 1, alpha 0.5, beta 2), Identity, "
              "Unsqueeze/Squeeze (axes attribute [0]), Mul(initializer [10,-0.5]), Add(Constant [100,3]); "
              "output 'yield' [1,2]; initializers mean/b1/bn_B/bn_var/W2 and Constant out_shift in raw_data, "
              "W1/bn_scale/bn_mean/C2/out_scale and Constant std in float_data")
    SUPPORTED.append("hand_normalized.onnx")

    # hand_float16.onnx, opset 13
    f16 = TensorProto.FLOAT16
    w1 = (r.randn(8, 2) * 0.8).astype(np.float16)
    b1 = (r.randn(8) * 0.3).astype(np.float16)
    w2 = (r.randn(1, 8) * 0.6).astype(np.float16)
    b2 = np.array([0.25], np.float16)
    g = helper.make_graph(
        [helper.make_node("Gemm", ["x", "W1", "b1"], ["h"], transB=1),
         helper.make_node("Relu", ["h"], ["r"]),
         helper.make_node("Gemm", ["r", "W2", "b2"], ["y"], transB=1)],
        "hand_float16",
        [helper.make_tensor_value_info("x", f16, [1, 2])],
        [helper.make_tensor_value_info("y", f16, [1, 1])],
        [tensor("W1", w1, f16, raw=True), tensor("b1", b1, f16, raw=True),
         tensor("W2", w2, f16, raw=True), tensor("b2", b2, f16, raw=True)])
    save_hand("hand_float16.onnx", g, 13,
              "onnx.helper by hand: float16 throughout: input 'x' [1,2], Gemm(transB 1) W1[8,2] b1[8], Relu, "
              "Gemm(transB 1) W2[1,8] b2[1], output 'y' [1,1]; initializers FLOAT16 in raw_data; "
              "samples computed in float16 by onnxruntime")
    SUPPORTED.append("hand_float16.onnx")

    # hand_doc_names.onnx, opset 13
    w1 = r.randn(5, 2)
    b1 = r.randn(5) * 0.3
    w2 = r.randn(5, 1)  # Gemm without transB: B is [K=5, N=1]
    b2 = np.array([0.1])
    g = helper.make_graph(
        [helper.make_node("Gemm", ["input", "W1", "b1"], ["h"], transB=1),
         helper.make_node("Relu", ["h"], ["r"]),
         helper.make_node("Gemm", ["r", "W2", "b2"], ["output"])],
        "hand_doc_names",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 2])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", 1])],
        [tensor("W1", w1), tensor("b1", b1), tensor("W2", w2, raw=False), tensor("b2", b2, raw=False)])
    save_hand("hand_doc_names.onnx", g, 13,
              "onnx.helper by hand: input 'input' [N,2], Gemm(transB 1)-Relu-Gemm(no transB), output 'output' "
              "[N,1]; metadata_props {'inputs': 'feed,T', 'outputs': 'conversion'} name the features",
              props={"inputs": "feed,T", "outputs": "conversion"})
    SUPPORTED.append("hand_doc_names.onnx")

    # unsupported_two_inputs.onnx, opset 13
    w = r.randn(1, 3)
    g = helper.make_graph(
        [helper.make_node("Add", ["a", "b"], ["s"]),
         helper.make_node("Gemm", ["s", "W", "c"], ["y"], transB=1)],
        "two_inputs",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [1, 3]),
         helper.make_tensor_value_info("b", TensorProto.FLOAT, [1, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1])],
        [tensor("W", w), tensor("c", [0.5])])
    save_hand("unsupported_two_inputs.onnx", g, 13,
              "onnx.helper by hand: two graph inputs 'a' and 'b' [1,3], Add(a, b), Gemm(transB 1) to 'y' [1,1] "
              "(unsupported: two non-initializer inputs)")


# ---------------------------------------------------------------- README

TYPE_NAMES = {v: k for k, v in TensorProto.DataType.items()}


def value_desc(v):
    tt = v.type.tensor_type
    dims = [str(d.dim_value) if d.HasField("dim_value") else (d.dim_param or "?") for d in tt.shape.dim]
    return f"{v.name}:{TYPE_NAMES[tt.elem_type].lower()}[{','.join(dims)}]"


def readme(versions):
    lines = [
        "# ONNX test networks",
        "",
        "Written by `python3 tools/onnx_export.py` (from the repository root); do not edit by hand.",
        f"Versions: {versions}.",
        "",
        "`NAME.samples.json` (for each supported `NAME.onnx`): 20 inputs drawn uniformly from [-2, 2]^n "
        "(seeded, already rounded to the input's type) as flat feature vectors, and onnxruntime's "
        "(CPUExecutionProvider) outputs flattened, as `{\"inputs\": [[...], ...], \"outputs\": [[...], ...]}`.",
        "Files named `unsupported_*` have no samples: importing them should fail.",
        "",
        "One line per file: name; how it was made; op types in graph order; opset; inputs and outputs "
        "(name:type[shape]); initializer types (and whether they are also listed as graph inputs); samples.",
        "",
    ]
    for name in sorted(MADE):
        model = onnx.load(out_path(name))
        ops = " ".join(n.op_type for n in model.graph.node)
        opset = ", ".join(f"{o.domain or 'ai.onnx'} {o.version}" for o in model.opset_import)
        ins = ", ".join(value_desc(v) for v in graph_inputs(model))
        outs = ", ".join(value_desc(v) for v in model.graph.output)
        init_types = sorted({TYPE_NAMES[t.data_type].lower() for t in model.graph.initializer})
        init_names = {t.name for t in model.graph.initializer}
        n_init_in = sum(1 for i in model.graph.input if i.name in init_names)
        inits = f"{len(init_names)} initializers ({'/'.join(init_types) or '-'})"
        if n_init_in:
            inits += f", {n_init_in} of them also graph inputs"
        meta = ""
        if model.metadata_props:
            meta = "; metadata_props " + ", ".join(f"{p.key}={p.value!r}" for p in model.metadata_props)
        samples = f"`{name[: -len('.onnx')]}.samples.json`" if name in SUPPORTED else "no samples"
        lines.append(f"- `{name}`: {MADE[name]}. Ops: {ops}. Opset: {opset} (IR {model.ir_version}). "
                     f"In: {ins}. Out: {outs}. {inits}{meta}. {samples}.")
    with open(out_path("README.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    np.random.seed(0)
    torch_v = torch_models()
    skl_v, skl2onnx_v = sklearn_models()
    keras_v = keras_model()
    hand_models()
    for name in SUPPORTED:
        write_samples(name)
    versions = (f"torch {torch_v} (TorchScript exporter, dynamo=False), onnx {onnx.__version__}, "
                f"onnxruntime {ort.__version__}, numpy {np.__version__}, scikit-learn {skl_v}, "
                f"skl2onnx {skl2onnx_v}")
    if keras_v:
        versions += f", tensorflow {keras_v[0]}, tf2onnx {keras_v[1]}, {keras_v[2]}"
    readme(versions)
    for name in sorted(MADE):
        model = onnx.load(out_path(name))
        print(f"{name}: {' '.join(n.op_type for n in model.graph.node)}")


if __name__ == "__main__":
    main()
