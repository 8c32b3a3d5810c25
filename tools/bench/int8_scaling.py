"""How ONNX Runtime's MatMul kernels scale with the number of rows, fp32 against the two int8 forms.

The batched frame loop reads every weight once per step for all B rows, so its gain over batch 1 is
bounded by how the MatMul kernels themselves gain from M = 1 to M = B rows. This times 8 talker MLP
layer pairs (1024 -> 3072 -> 1024, the 0.6B's shapes, random weights) as three graphs:

- fp32 `MatMul` (the fp32 bundle),
- `MatMulNBits` bits=8, block 128, accuracy_level 4 (what `tools/export --int8` writes),
- `DynamicQuantizeMatMul` with per-column scales (ONNX Runtime's dynamic u8 x s8 GEMM),

at M = 1, 8, 16, 32 on the given threads, and prints ms per call and the gain M x t(1) / t(M).

    tools/.venv/bin/python tools/bench/int8_scaling.py [--threads 2] [--keep DIR]

--keep DIR writes the three graphs there (x: [M, 1024] -> [M, 1024]) so that another ONNX Runtime,
e.g. the Java engine's, can time the same files.
"""
import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

LAYERS = 8
SHAPES = [(1024, 3072), (3072, 1024)]
BLOCK = 128


def _graph(kind, rng):
    nodes, inits, x = [], [], "x"
    for layer in range(LAYERS):
        for j, (k, n) in enumerate(SHAPES):
            name, y = f"w{layer}_{j}", f"y{layer}_{j}"
            if kind == "fp32":
                inits.append(numpy_helper.from_array((rng.standard_normal((k, n)) * 0.02).astype(np.float32), name))
                nodes.append(helper.make_node("MatMul", [x, name], [y]))
            elif kind == "matmulnbits":
                inits += [numpy_helper.from_array(rng.integers(0, 255, (n, k // BLOCK, BLOCK), dtype=np.uint8), name),
                          numpy_helper.from_array((rng.random((n, k // BLOCK)) * 0.01).astype(np.float32), name + "_s"),
                          numpy_helper.from_array(np.full((n, k // BLOCK), 128, np.uint8), name + "_z")]
                nodes.append(helper.make_node("MatMulNBits", [x, name, name + "_s", name + "_z"], [y], domain="com.microsoft",
                                              K=k, N=n, bits=8, block_size=BLOCK, accuracy_level=4))
            else:
                inits += [numpy_helper.from_array(rng.integers(-127, 127, (k, n), dtype=np.int8), name),
                          numpy_helper.from_array((rng.random(n) * 0.001).astype(np.float32), name + "_s"),
                          numpy_helper.from_array(np.zeros(n, np.int8), name + "_z")]
                nodes.append(helper.make_node("DynamicQuantizeMatMul", [x, name, name + "_s", name + "_z"], [y],
                                              domain="com.microsoft"))
            x = y
    g = helper.make_graph(nodes, kind, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["M", 1024])],
                          [helper.make_tensor_value_info(x, TensorProto.FLOAT, ["M", 1024])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
    m.ir_version = 9
    return m


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rows", default="1,8,16,32")
    ap.add_argument("--keep", type=Path)
    a = ap.parse_args()
    rows = [int(r) for r in a.rows.split(",")]
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        out = a.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        print(f"onnxruntime {ort.__version__}, {a.threads} threads, {LAYERS} x (1024->3072->1024)")
        for kind in ("fp32", "matmulnbits", "dynamicquantizematmul"):
            path = out / f"{kind}.onnx"
            onnx.save(_graph(kind, rng), str(path))
            so = ort.SessionOptions()
            so.intra_op_num_threads = a.threads
            s = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
            base = None
            cells = []
            for m in rows:
                x = rng.random((m, 1024), dtype=np.float32)
                for _ in range(3):
                    s.run(None, {"x": x})
                times = []
                for _ in range(15):
                    t = time.perf_counter()
                    s.run(None, {"x": x})
                    times.append(time.perf_counter() - t)
                ms = float(np.median(times)) * 1e3
                base = base or ms
                cells.append(f"M={m}: {ms:.2f} ms ({m * base / ms:.2f}x)")
            print(f"{kind:22s} " + ", ".join(cells))


if __name__ == "__main__":
    main()
