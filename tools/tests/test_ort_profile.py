"""tools/bench/ort_profile.py on real ONNX Runtime profiles of a tiny graph, plus the event kinds a
CPU run cannot produce (copy nodes, CUPTI device events, CUDA-graph replays)."""
import json
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import ort_profile  # noqa: E402

RUNS = 6


def _tiny_model():
    """x @ w -> If(c: Relu, else Neg) -> Softmax: plain nodes plus a control-flow node with a subgraph."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 8])
    c = helper.make_tensor_value_info("c", TensorProto.BOOL, [])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 8])
    w = helper.make_tensor("w", TensorProto.FLOAT, [8, 8], np.linspace(-1, 1, 64, dtype=np.float32).tolist())
    then = helper.make_graph([helper.make_node("Relu", ["h"], ["t"])], "then", [],
                             [helper.make_tensor_value_info("t", TensorProto.FLOAT, None)])
    other = helper.make_graph([helper.make_node("Neg", ["h"], ["e"])], "else", [],
                              [helper.make_tensor_value_info("e", TensorProto.FLOAT, None)])
    g = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["h"]),
                           helper.make_node("If", ["c"], ["r"], then_branch=then, else_branch=other),
                           helper.make_node("Softmax", ["r"], ["y"])], "tiny", [x, c], [y], [w])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model.SerializeToString()


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    """A profile written by ONNX Runtime itself, named as EngineBench names its sessions."""
    folder = tmp_path_factory.mktemp("profiles")
    options = ort.SessionOptions()
    options.enable_profiling = True
    options.profile_file_prefix = str(folder / "tiny.capi-3")
    session = ort.InferenceSession(_tiny_model(), options, providers=["CPUExecutionProvider"])
    for i in range(RUNS):
        session.run(None, {"x": np.full((2, 8), i, np.float32), "c": np.array(True)})
    return Path(session.end_profiling())


def test_the_label_is_the_graph_and_binding_of_the_file_name(profile):
    assert profile.name.startswith("tiny.capi-3_")
    assert ort_profile.session_label(profile) == "tiny.capi"
    assert ort_profile.session_label("talker.java-12_2026-12-07_03-27-04_231.json") == "talker.java"
    assert ort_profile.session_label("code_predictor_frame.capi-2_2026-12-07_03-27-04.json") == "code_predictor_frame.capi"
    assert ort_profile.session_label("onnxruntime_profile.json") == "onnxruntime_profile"


def test_a_real_cpu_profile_splits_every_run_into_kernels_and_overhead(profile):
    r = ort_profile.summarize([profile.parent])
    s = r["sessions"]["tiny.capi"]
    assert s["runs"] == RUNS and s["counted_runs"] == RUNS and s["runs_without_nodes"] == 0
    assert s["providers"] == ["CPUExecutionProvider"]
    assert s["memcpy_ms"] == 0
    assert 0 < s["kernel_ms"] < s["run_ms"]
    assert s["kernel_ms"] + s["overhead_ms"] == pytest.approx(s["run_ms"])
    # The If node is left out: its event spans the Relu of its branch, which has its own.
    assert {op: v["count"] for op, v in s["ops"].items()} == {"MatMul": RUNS, "Relu": RUNS, "Softmax": RUNS}
    events = ort_profile.load_events(profile)
    plain = sum(e["dur"] for e in events if e.get("cat") == "Node" and e["args"]["op_name"] != "If") / 1e3
    assert s["kernel_ms"] == pytest.approx(plain)
    assert [row["op"] for row in r["top_ops"]] == sorted(s["ops"], key=lambda op: -s["ops"][op]["ms"])
    assert sum(row["pct_of_nodes"] for row in r["top_ops"]) == pytest.approx(100)
    assert r["total"]["kernel_ms"] == s["kernel_ms"] and r["aligned"]


def test_warmup_generations_are_dropped_and_the_rest_is_per_frame(profile):
    # 6 runs = 3 identical generations of 2 runs; drop the first generation, 10 frames in the other two.
    r = ort_profile.summarize([profile], frames=10, warmup=1, generations=3)
    s = r["sessions"]["tiny.capi"]
    assert s["runs"] == RUNS and s["counted_runs"] == 4 and r["aligned"]
    assert {v["count"] for v in s["ops"].values()} == {4}
    runs = sorted((e for e in ort_profile.load_events(profile) if e["name"] == "model_run"), key=lambda e: e["ts"])
    assert s["run_ms"] == pytest.approx(sum(e["dur"] for e in runs[2:]) / 1e3)
    assert s["per_frame_ms"]["kernel"] == pytest.approx(s["kernel_ms"] / 10)
    assert r["total"]["per_frame_ms"]["memcpy"] == 0
    assert r["top_ops"][0]["ms_per_frame"] == pytest.approx(r["top_ops"][0]["ms"] / 10)
    assert not ort_profile.summarize([profile], warmup=1, generations=4)["aligned"]
    with pytest.raises(ValueError):
        ort_profile.summarize([profile], warmup=2, generations=2)


def test_the_command_prints_both_tables(profile, capsys):
    assert ort_profile.main([str(profile), "--frames", "6", "--top", "2"]) == 0
    out = capsys.readouterr().out
    assert "tiny.capi" in out and "total" in out and "run ms/frame" in out
    assert len([line for line in out.splitlines() if line.split()[:1] in (["MatMul"], ["Relu"], ["Softmax"])]) == 2
    assert ort_profile.main([str(profile), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sessions"]["tiny.capi"]["runs"] == RUNS


def _event(cat, name, ts, dur, tid=1, **args):
    return {"cat": cat, "pid": 1, "tid": tid, "ts": ts, "dur": dur, "ph": "X", "name": name, "args": args}


def test_copy_nodes_device_events_and_graph_replays(tmp_path):
    # The shapes of a CUDA session's events (ONNX Runtime's names), which a CPU run cannot produce:
    # two runs with a host->device and a device->host copy node, one CUDA-graph replay (no nodes),
    # and CUPTI device events of a build with CUDA profiling.
    cuda = {"provider": "CUDAExecutionProvider"}
    events = [_event("Session", "session_initialization", 0, 50)]
    for start in (100, 200):
        events += [_event("Session", "model_run", start, 60),
                   _event("Node", "Memcpy_token_0_kernel_time", start + 5, 4, op_name="MemcpyFromHost", **cuda),
                   _event("Node", "/MatMul_kernel_time", start + 10, 20, op_name="MatMul", **cuda),
                   _event("Node", "/MatMul_fence_before", start + 9, 0, op_name="MatMul"),
                   _event("Node", "Memcpy_token_1_kernel_time", start + 31, 9, op_name="MemcpyToHost", **cuda),
                   _event("Kernel", "ampere_sgemm_32x32", start + 12, 15, tid=0),
                   _event("Kernel", "Memcpy HtoD", start + 6, 2, tid=0)]
    events.append(_event("Session", "model_run", 300, 40))
    # A node on another thread inside the run's interval belongs to no run of this session.
    events.append(_event("Node", "/Other_kernel_time", 110, 7, tid=2, op_name="Add"))
    f = tmp_path / "talker_static.capi-1_2026-12-07_03-00-00.json"
    f.write_text(json.dumps(events))
    s = ort_profile.summarize([f], frames=3)["sessions"]["talker_static.capi"]
    assert s["runs"] == 3 and s["runs_without_nodes"] == 1
    assert s["kernel_ms"] == pytest.approx(0.040)
    assert s["memcpy_ms"] == pytest.approx(2 * 13 / 1e3)
    assert s["gpu_kernel_ms"] == pytest.approx(0.030) and s["gpu_memcpy_ms"] == pytest.approx(0.004)
    assert s["overhead_ms"] == pytest.approx((160 - 40 - 26) / 1e3)
    assert s["providers"] == ["CUDAExecutionProvider"]
    assert s["per_frame_ms"]["memcpy"] == pytest.approx(s["memcpy_ms"] / 3)
    assert "Add" not in s["ops"]
