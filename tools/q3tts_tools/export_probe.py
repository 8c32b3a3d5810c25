"""The fp16 activation probe of `tools/export --fp16 --probe`.

fp16 overflows above 65504. The fixed fp32 islands of an fp16 talker (norms, rotary tables, softmax,
codec head) cover the documented failures, but the residual stream and the MLP of a real checkpoint
can still grow past the fp16 range on some inputs (speech-swift#396 saw the cached decode degrade).
The probe runs the fp32 talker graph, exactly as exported, for a few hundred frames through ONNX
Runtime with every intermediate float tensor as an extra output, and returns the nodes whose output
ever exceeds `limit` in magnitude; the fp16 conversion then keeps those nodes in fp32.

The frame inputs follow the engine's loop: a prompt of projected text rows, then per frame the
codebook-0 embedding of the talker's greedy choice plus 15 residual-codebook embeddings and the
`tts_pad` text vector. The residual codes are drawn at random (seeded) instead of running the code
predictor, which keeps the probe to one graph; their embeddings have the magnitudes of real ones.
"""
from pathlib import Path

import numpy as np
import onnx
import torch

DEFAULT_FRAMES = 300
# A quarter of the fp16 maximum: headroom for inputs longer or louder than the probed ones.
DEFAULT_LIMIT = 16384.0
PROMPT_ROWS = 16
SENTINEL = 1e30
TTS_PAD_FALLBACK = 151671


def _instrumented(graph_path: Path) -> tuple[Path, list[str], dict]:
    """Writes a copy of the graph whose outputs include every float intermediate; weights stay in the side file."""
    model = onnx.load(str(graph_path), load_external_data=False)
    inferred = onnx.shape_inference.infer_shapes(model)
    float_values = [vi for vi in inferred.graph.value_info if vi.type.tensor_type.elem_type == onnx.TensorProto.FLOAT]
    existing = {o.name for o in model.graph.output}
    producer = {o: n.name for n in model.graph.node for o in n.output}
    names = []
    for vi in float_values:
        if vi.name in existing or vi.name not in producer:
            continue
        out = onnx.ValueInfoProto()
        out.name = vi.name
        out.type.tensor_type.elem_type = onnx.TensorProto.FLOAT
        model.graph.output.append(out)
        names.append(vi.name)
    for o in model.graph.output:
        if o.name in existing and o.type.tensor_type.elem_type == onnx.TensorProto.FLOAT and o.name in producer:
            names.append(o.name)
    path = graph_path.parent / (graph_path.stem + ".probe.onnx")
    # The external-data references are relative to the folder, so the copy finds the same side file.
    onnx.save_model(model, str(path))
    return path, names, producer


def _magnitude(v) -> float:
    """Largest |value| that fp16 must hold. The attention mask's "minus infinity" (float32 min, or any value
    beyond 1e30) is a sentinel the converter clamps to fp16's min by design, so it does not count."""
    if not v.size:
        return 0.0
    a = np.abs(v)
    m = float(a.max())
    if m >= SENTINEL:
        small = a[a < SENTINEL]
        m = float(small.max()) if small.size else 0.0
    return m


def _feed(session, x, past, positions):
    """The graph's inputs for one run: embeddings, the cache, and (batched graphs) mask and positions."""
    feed = {"inputs_embeds": x, **past}
    seq = x.shape[1]
    for i in session.get_inputs():
        if i.name == "attention_mask":
            feed[i.name] = np.ones((1, positions + seq), np.int64)
        elif i.name == "position_ids":
            feed[i.name] = np.arange(positions, positions + seq, dtype=np.int64)[None]
    return feed


def probe_talker(model, graph_path: Path, frames: int = DEFAULT_FRAMES, limit: float = DEFAULT_LIMIT, seed: int = 0):
    """Runs the fp32 talker graph at `graph_path` for `frames` frames; returns (nodes to keep fp32, report)."""
    import onnxruntime as ort

    talker = model.talker
    cfg = talker.config
    path, names, producer = _instrumented(Path(graph_path))
    so = ort.SessionOptions()
    so.log_severity_level = 3
    # No graph optimisation: fused nodes would hide the exported nodes' own outputs.
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    try:
        out_names = [o.name for o in session.get_outputs()]
        past_names = [i.name for i in session.get_inputs() if i.name.startswith("past_")]
        gen = torch.Generator().manual_seed(seed)
        cp = talker.code_predictor
        tts_pad = getattr(model.config, "tts_pad_token_id", None) or TTS_PAD_FALLBACK
        with torch.no_grad():
            ids = torch.randint(0, cfg.text_vocab_size, (1, PROMPT_ROWS), generator=gen)
            prompt = talker.text_projection(talker.model.text_embedding(ids)).numpy().astype(np.float32)
            pad = talker.text_projection(talker.model.text_embedding(torch.tensor([[tts_pad]]))).numpy()[0, 0]
            e0 = talker.model.codec_embedding.weight.numpy()
            residual = [e.weight.numpy() for e in cp.model.codec_embedding]
        past = {n: np.zeros((1, cfg.num_key_value_heads, 0, cfg.head_dim), np.float32) for n in past_names}
        peak = {n: 0.0 for n in names}
        x = prompt
        positions = 0
        rng = np.random.default_rng(seed)
        for _ in range(frames + 1):
            outs = dict(zip(out_names, session.run(out_names, _feed(session, x, past, positions))))
            positions += x.shape[1]
            for n in names:
                peak[n] = max(peak[n], _magnitude(outs[n]))
            past = {p: outs[p.replace("past_", "present_")] for p in past_names}
            c0 = int(np.argmax(outs["logits"][0, :2048]))
            step = e0[c0] + pad
            for table in residual:
                step = step + table[int(rng.integers(0, table.shape[0]))]
            x = step.astype(np.float32)[None, None]
    finally:
        del session
        Path(path).unlink(missing_ok=True)
    over = sorted((v, n) for n, v in peak.items() if not np.isfinite(v) or v > limit)
    keep = sorted({producer[n] for _, n in over})
    top = sorted(peak.items(), key=lambda kv: -kv[1])[:5]
    report = {"frames": frames, "limit": limit, "kept_fp32": len(keep),
              "max_abs": round(max(peak.values(), default=0.0), 3),
              "largest": [{"value": n, "max_abs": round(v, 3)} for n, v in top]}
    return keep, report
