"""The memory-bandwidth floor of one talker step: every weight matrix of the 0.6B talker once, at batch 1.

A decode step at batch 1 multiplies one vector by every weight matrix, so its time is bounded below
by the time to stream the weights from memory. This times exactly that (the 28 layers' q, k, v, o,
gate, up and down projections, 1.76 GB in fp32) with PyTorch (F.linear) and with ONNX Runtime (a
graph of bare MatMuls), so docs/performance.md can compare the engines with the machine's limit.

    tools/.venv/bin/python tools/bench/roofline.py [--threads 2] [--layers 28]
"""
import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

# (in, out) of one 0.6B talker layer: q, k, v, o, gate, up, down
SHAPES = [(1024, 2048), (1024, 1024), (1024, 1024), (2048, 1024), (1024, 3072), (1024, 3072), (3072, 1024)]


def _best(fn, repeats=5):
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def torch_time(layers, threads):
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(threads)
    ws = [torch.randn(n, k) * 0.02 for _ in range(layers) for (k, n) in SHAPES]
    xs = {k: torch.randn(1, k) for k in (1024, 2048, 3072)}

    def run():
        with torch.inference_mode():
            for w in ws:
                F.linear(xs[w.shape[1]], w)

    return _best(run)


def ort_time(layers, threads, work: Path):
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    names = {1024: "x1024", 2048: "x2048", 3072: "x3072"}
    nodes, inits, outs = [], [], []
    for layer in range(layers):
        for j, (k, n) in enumerate(SHAPES):
            w = f"w{layer}_{j}"
            inits.append(numpy_helper.from_array((rng.standard_normal((k, n), dtype=np.float32) * 0.02), w))
            nodes.append(helper.make_node("MatMul", [names[k], w], [w + "_y"]))
            outs.append(helper.make_tensor_value_info(w + "_y", TensorProto.FLOAT, [1, n]))
    graph = helper.make_graph(nodes, "gemv", [helper.make_tensor_value_info(v, TensorProto.FLOAT, [1, k])
                                              for k, v in names.items()], outs, inits)
    path = work / "gemv.onnx"
    onnx.save_model(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path,
                    save_as_external_data=True, all_tensors_to_one_file=True, location="gemv.onnx.data")
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.log_severity_level = 3
    session = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    feed = {v: rng.standard_normal((1, k)).astype(np.float32) for k, v in names.items()}
    return _best(lambda: session.run(None, feed))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--layers", type=int, default=28)
    a = ap.parse_args()
    nbytes = sum(k * n for k, n in SHAPES) * a.layers * 4
    print(f"weights: {nbytes / 1e9:.2f} GB fp32, {a.threads} threads")
    t = torch_time(a.layers, a.threads)
    print(f"torch F.linear   {t * 1e3:7.1f} ms  {nbytes / t / 1e9:5.1f} GB/s")
    with tempfile.TemporaryDirectory() as tmp:
        t = ort_time(a.layers, a.threads, Path(tmp))
    print(f"onnxruntime MatMul {t * 1e3:5.1f} ms  {nbytes / t / 1e9:5.1f} GB/s")


if __name__ == "__main__":
    main()
