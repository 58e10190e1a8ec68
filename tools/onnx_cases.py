"""Makes the ONNX files of the diagnostics cases in tests/cases/nets (run by hand from the
repository root: python3 tools/onnx_cases.py; needs numpy and onnx). The files are committed;
tests never run Python."""
import shutil

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(3)
W1 = numpy_helper.from_array(rng.normal(size=(3, 2)).astype(np.float32), "W1")
B1 = numpy_helper.from_array(np.zeros(3, np.float32), "B1")
W2 = numpy_helper.from_array(rng.normal(size=(1, 3)).astype(np.float32), "W2")
B2 = numpy_helper.from_array(np.zeros(1, np.float32), "B2")
# a residual connection across a ReLU: rmod::onnx::graph
nodes = [
    helper.make_node("Gemm", ["x", "W1", "B1"], ["a"], name="fc1", transB=1),
    helper.make_node("Relu", ["a"], ["h"], name="act1"),
    helper.make_node("Add", ["h", "a"], ["r"], name="residual"),
    helper.make_node("Gemm", ["r", "W2", "B2"], ["y"], name="fc2", transB=1),
]
g = helper.make_graph(
    nodes,
    "skip",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 1])],
    [W1, B1, W2, B2],
)
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="rmod tests")
m.ir_version = 7
onnx.checker.check_model(m)
onnx.save(m, "tests/cases/nets/skip_connection.onnx")
# a truncated file: rmod::onnx::malformed
with open("tests/onnx/torch_relu_op13.onnx", "rb") as f:
    data = f.read()
with open("tests/cases/nets/truncated.onnx", "wb") as f:
    f.write(data[:60])
# a sidecar that bounds one of two inputs: rmod::onnx::bounds_file
shutil.copy("tests/onnx/hand_doc_names.onnx", "tests/cases/nets/sidecar_bad.onnx")
with open("tests/cases/nets/sidecar_bad.onnx.bounds.json", "w") as f:
    f.write('[{"key": 0, "lower_bound": 0, "upper_bound": 1}]\n')
