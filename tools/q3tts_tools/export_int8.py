"""8-bit weights for the CPU: MatMul weights of an exported graph -> ONNX Runtime `MatMulNBits`.

At batch 1 every talker and code-predictor step reads each weight matrix once, so on the CPU the
frame loop is bound by memory bandwidth; 8-bit block-wise weights read a quarter of the bytes.
Activations stay fp32; with `accuracy_level` 4 ONNX Runtime quantizes them to int8 per block on the
fly and uses the CPU's int8 dot-product instructions (VNNI/AMX where present).

This is not the official fp32 computation: codes drift from the PyTorch output, and quality must be
judged on real weights. The parity tests and the default export stay fp32.
"""
import logging

import numpy as np
import onnx
from onnx import numpy_helper

from .errors import ToolError

BITS = 8
# Measured on the 0.6B graphs (2 threads, AVX512-VNNI): block 128 ran the fused code predictor in
# 55 ms against 65 ms for block 32 and the talker step within noise of it; 32 was only slightly
# more exact (talker logits 4.2% against 5.0% relative error on random weights).
DEFAULT_BLOCK_SIZE = 128
BLOCK_SIZES = (16, 32, 64, 128, 256)
# accuracy_level 4 = int8 activations x int8 weights, the CPU's integer dot products.
ACCURACY_LEVEL = 4
# Asymmetric (with zero points), the quantizer's default: symmetric measured no faster.
SYMMETRIC = False


def settings(block_size: int = DEFAULT_BLOCK_SIZE) -> dict:
    """The manifest's `quantization` object."""
    return {
        "method": "MatMulNBits", "bits": BITS, "block_size": block_size, "symmetric": SYMMETRIC,
        "accuracy_level": ACCURACY_LEVEL, "activations": "fp32",
    }


def _fold_initializer_identities(graph) -> int:
    """Points consumers of `Identity(initializer)` straight at the initializer.

    TorchScript routes every reuse of a shared parameter through an Identity node (the fused code
    predictor's 15 unrolled steps share one set of layers); the quantizer only sees constant
    weights that are direct initializer inputs and would skip those MatMuls.
    """
    inits = {t.name for t in graph.initializer}
    outputs = {o.name for o in graph.output}
    alias = {}
    keep = []
    for n in graph.node:
        if n.op_type == "Identity" and n.input[0] in inits and n.output[0] not in outputs:
            alias[n.output[0]] = n.input[0]
        else:
            keep.append(n)
    for n in keep:
        for i, name in enumerate(n.input):
            if name in alias:
                n.input[i] = alias[name]
    del graph.node[:]
    graph.node.extend(keep)
    return len(alias)


def _dedup_initializers(graph):
    """The quantizer writes a weight's packed copy once per MatMul that uses it; keep one."""
    seen = {}
    unique = []
    for t in graph.initializer:
        first = seen.get(t.name)
        if first is None:
            seen[t.name] = t
            unique.append(t)
        elif first.SerializeToString() != t.SerializeToString():
            raise ToolError(f"int8: two different quantized tensors named {t.name}")
    del graph.initializer[:]
    graph.initializer.extend(unique)


def const_matmuls(graph):
    """MatMul nodes whose weight (input B) is a 2-D initializer."""
    inits = {t.name: t for t in graph.initializer}
    return [n for n in graph.node
            if n.op_type == "MatMul" and n.input[1] in inits and len(inits[n.input[1]].dims) == 2]


def quantize_graph(model: onnx.ModelProto, block_size: int = DEFAULT_BLOCK_SIZE) -> tuple[onnx.ModelProto, dict]:
    """Returns the graph with every constant-weight MatMul as MatMulNBits and the counts it saw.

    Raises ToolError if any 2-D constant MatMul weight is left in fp32 (that would silently keep
    the bandwidth cost).
    """
    if block_size not in BLOCK_SIZES:
        raise ToolError(f"int8 block size must be one of {BLOCK_SIZES}, got {block_size}")
    from onnxruntime.quantization import matmul_nbits_quantizer as mnq

    # The module configures INFO logging on import and logs every node it visits.
    logging.getLogger(mnq.__name__).setLevel(logging.WARNING)

    folded = _fold_initializer_identities(model.graph)
    targets = const_matmuls(model.graph)
    q = mnq.MatMulNBitsQuantizer(
        model, bits=BITS, block_size=block_size, is_symmetric=SYMMETRIC, accuracy_level=ACCURACY_LEVEL,
        op_types_to_quantize=("MatMul",),
    )
    q.process()
    out = q.model.model
    _dedup_initializers(out.graph)
    left = const_matmuls(out.graph)
    if left:
        raise ToolError(f"int8: {len(left)} MatMul(s) kept an fp32 weight, e.g. {left[0].name}")
    quantized = sum(1 for n in out.graph.node if n.op_type == "MatMulNBits")
    if quantized != len(targets):
        raise ToolError(f"int8: expected {len(targets)} MatMulNBits nodes, found {quantized}")
    weights = sum(1 for t in out.graph.initializer if t.name.endswith(f"_Q{BITS}"))
    return out, {"matmuls": quantized, "weights": weights, "identities_folded": folded}


def dequantized_weight(model: onnx.ModelProto, node) -> np.ndarray:
    """[K, N] float weight a MatMulNBits node computes with (for tests and diagnostics)."""
    inits = {t.name: t for t in model.graph.initializer}
    attrs = {a.name: a.i for a in node.attribute}
    k, n, bs = attrs["K"], attrs["N"], attrs["block_size"]
    q = numpy_helper.to_array(inits[node.input[1]]).reshape(n, -1, bs).astype(np.float32)
    scales = numpy_helper.to_array(inits[node.input[2]]).reshape(n, -1, 1)
    if len(node.input) > 3 and node.input[3]:
        zp = numpy_helper.to_array(inits[node.input[3]]).reshape(n, -1, 1).astype(np.float32)
    else:
        zp = np.full_like(scales, 128.0)
    w = ((q - zp) * scales).reshape(n, -1)[:, :k]
    return w.T
