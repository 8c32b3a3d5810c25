"""`tools/export --int8`: 8-bit MatMulNBits weights in the talker and code-predictor graphs."""
import hashlib

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch

from q3tts_tools import export_int8
from q3tts_tools import export_talker as et
from test_export_cli import assert_one_line_error, run_export

QUANTIZED = ("talker", "code_predictor_step", "code_predictor_frame")
LINEARS_PER_LAYER = 7  # q, k, v, o, gate, up, down
# Relative L2 error of the int8 graph against the fp32 graph on the tiny random checkpoint. Measured
# (block 128, accuracy_level 4, int8 activations too): talker logits 2.2%, last_hidden 1.9%, code
# predictor step logits 0.6% (the full-size random 0.6B talker: 5%). A packing blunder (wrong block
# layout, transposed weight, zero points ignored) gives errors of order 100%.
REL_TOL = 0.05


def _session(path):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.log_severity_level = 3
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def _rel(a, b):
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


@pytest.fixture(scope="module")
def model(reference_checkpoints):
    from qwen_tts import Qwen3TTSModel

    path = reference_checkpoints["custom-voice"]
    return Qwen3TTSModel.from_pretrained(str(path), dtype=torch.float32, attn_implementation="eager").model.eval()


@pytest.fixture(scope="module")
def exports(model, tmp_path_factory):
    out = {}
    for name, int8 in (("fp32", False), ("int8", True)):
        d = tmp_path_factory.mktemp(f"int8-{name}")
        out[name] = (d, et.export_talker(model, d, int8=int8))
    return out


def test_every_constant_matmul_is_8bit(model, exports):
    d, facts = exports["int8"]
    tc, cc = model.talker.config, model.talker.code_predictor.config
    n_steps = tc.num_code_groups - 1
    has_proj = facts["code_predictor"]["input_projection"]
    expected = {
        "talker": tc.num_hidden_layers * LINEARS_PER_LAYER + 1,  # + codec head
        # The step graph's lm_head is a Gather of 15 stacked heads by `step`: no constant MatMul.
        "code_predictor_step": cc.num_hidden_layers * LINEARS_PER_LAYER + has_proj,
        # Every unrolled step uses the shared layers (reached through folded Identity nodes) and its own head.
        "code_predictor_frame": n_steps * (cc.num_hidden_layers * LINEARS_PER_LAYER + 1 + has_proj),
    }
    for g in QUANTIZED:
        assert facts["graphs"][g]["precision"] == "int8"
        m = onnx.load(str(d / facts["graphs"][g]["file"]))
        nbits = [n for n in m.graph.node if n.op_type == "MatMulNBits"]
        attrs = {(a.name, a.i) for n in nbits for a in n.attribute if a.name in ("bits", "accuracy_level")}
        print(f"{g}: {len(nbits)} MatMulNBits, {len(export_int8.const_matmuls(m.graph))} fp32 constant MatMuls")
        assert len(nbits) == expected[g] == facts["quantization"]["graphs"][g]["matmuls"]
        assert export_int8.const_matmuls(m.graph) == []
        assert attrs == {("bits", 8), ("accuracy_level", export_int8.ACCURACY_LEVEL)}
        assert not any(n.op_type == "Identity" and n.input[0] in {t.name for t in m.graph.initializer}
                       for n in m.graph.node)
    frame = facts["quantization"]["graphs"]["code_predictor_frame"]
    # One packed copy per shared weight, not one per unrolled step.
    assert frame["weights"] == cc.num_hidden_layers * LINEARS_PER_LAYER + n_steps + has_proj
    assert facts["graphs"]["text_projection"]["precision"] == "fp32"
    assert facts["quantization"]["bits"] == 8


def test_dequantized_weights_match(exports):
    """The packed weights decode to the fp32 weights within half a quantization step."""
    d, facts = exports["int8"]
    m32 = onnx.load(str(exports["fp32"][0] / "talker.onnx"))
    w32 = {t.name: onnx.numpy_helper.to_array(t) for t in m32.graph.initializer}
    by_out = {n.output[0]: n for n in m32.graph.node if n.op_type == "MatMul"}
    m8 = onnx.load(str(d / "talker.onnx"))
    worst = 0.0
    for n in m8.graph.node:
        if n.op_type != "MatMulNBits":
            continue
        ref = w32[by_out[n.output[0]].input[1]]
        w = export_int8.dequantized_weight(m8, n)
        step = (ref.max() - ref.min()) / 255
        worst = max(worst, float(np.abs(w - ref).max() / step))
    print(f"talker: max |dequantized - fp32| = {worst:.3f} quantization steps of the whole matrix")
    assert worst <= 0.51


def test_outputs_close_to_fp32(model, exports):
    tc, cc = model.talker.config, model.talker.code_predictor.config
    gen = np.random.default_rng(0)
    sess = {k: {g: _session(d / f["graphs"][g]["file"]) for g in QUANTIZED} for k, (d, f) in exports.items()}

    # Batch 2, the first row left-padded by two positions.
    feeds = {"inputs_embeds": gen.standard_normal((2, 6, tc.hidden_size), dtype=np.float32),
             "attention_mask": np.array([[0, 0] + [1] * 7, [1] * 9], np.int64),
             "position_ids": np.array([[1, 2, 3, 4, 5, 6], [3, 4, 5, 6, 7, 8]], np.int64)}
    for i in range(tc.num_hidden_layers):
        for kind in ("key", "value"):
            feeds[f"past_{kind}.{i}"] = gen.standard_normal((2, tc.num_key_value_heads, 3, tc.head_dim),
                                                           dtype=np.float32)
    ref = sess["fp32"]["talker"].run(["logits", "last_hidden"], feeds)
    got = sess["int8"]["talker"].run(["logits", "last_hidden"], feeds)
    errs = {"talker.logits": _rel(got[0], ref[0]), "talker.last_hidden": _rel(got[1], ref[1])}

    feeds = {"inputs_embeds": gen.standard_normal((1, 2, tc.hidden_size), dtype=np.float32),
             "step": np.array(0, np.int64)}
    for i in range(cc.num_hidden_layers):
        for kind in ("key", "value"):
            feeds[f"past_{kind}.{i}"] = np.zeros((1, cc.num_key_value_heads, 0, cc.head_dim), np.float32)
    errs["code_predictor_step.logits"] = _rel(sess["int8"]["code_predictor_step"].run(["logits"], feeds)[0],
                                              sess["fp32"]["code_predictor_step"].run(["logits"], feeds)[0])

    n_steps = tc.num_code_groups - 1
    feeds = {"last_hidden": gen.standard_normal((1, tc.hidden_size), dtype=np.float32),
             "c0_embed": gen.standard_normal((1, tc.hidden_size), dtype=np.float32),
             "do_sample": np.array([False]), "temperature": np.array([1.0], np.float32),
             "top_k": np.array([0], np.int64), "top_p": np.array([1.0], np.float32),
             "uniforms": np.full((1, n_steps), 0.5, np.float32)}
    codes32 = sess["fp32"]["code_predictor_frame"].run(["codes"], feeds)[0]
    codes8 = sess["int8"]["code_predictor_frame"].run(["codes"], feeds)[0]
    print(f"int8 vs fp32 relative L2 errors: { {k: round(v, 5) for k, v in errs.items()} }; "
          f"greedy frame codes equal {int((codes32 == codes8).sum())}/{n_steps}")
    assert max(errs.values()) <= REL_TOL
    assert codes8.shape == codes32.shape and codes8.min() >= 0 and codes8.max() < cc.vocab_size


def test_deterministic(model, exports, tmp_path):
    d, facts = exports["int8"]
    again = et.export_talker(model, tmp_path, int8=True)
    assert again == facts
    for g in QUANTIZED:
        f = facts["graphs"][g]["file"]
        a = hashlib.sha256((d / f).read_bytes()).hexdigest()
        b = hashlib.sha256((tmp_path / f).read_bytes()).hexdigest()
        assert a == b, f


def test_int8_with_fp16_is_an_error(reference_checkpoints, tmp_path):
    out = tmp_path / "out"
    assert_one_line_error(run_export(reference_checkpoints["custom-voice"], out, "--int8", "--fp16"),
                          "--fp16 and --int8")
    assert not out.exists()


def test_int8_on_codec_is_rejected(reference_checkpoints, tmp_path):
    assert_one_line_error(run_export(reference_checkpoints["codec"], tmp_path / "out", "--int8"), "codec")
