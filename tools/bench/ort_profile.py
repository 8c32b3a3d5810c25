#!/usr/bin/env python3
"""Summarizes ONNX Runtime profiles: where a session's run time goes, per session and per frame.

    tools/bench/ort_profile.py FILE_OR_DIR... [--frames N] [--warmup W --generations G] [--top 10] [--json]

Input: the Chrome-trace JSON files ONNX Runtime's profiler writes, one per session (EngineBench
--ort-profile DIR writes them as <graph>.<java|capi>-<n>_<start time>.json; any other name is
used as it is). Standard library only, like the other bench drivers.

What is counted, per session, over its `model_run` events (one per Run / RunWithBinding):
  kernel    the node events (`<node>_kernel_time`, category Node) of every operator except the
            copies: the time the execution provider spent in each node's Compute call (If, Loop
            and Scan are left out: their subgraphs' nodes have events of their own);
  memcpy    the node events of ORT's copy nodes (MemcpyFromHost, MemcpyToHost), which the graph
            partitioner inserts where a CUDA graph touches a CPU node;
  overhead  model_run minus all node events: feeding and fetching (the host<->device copies of
            inputs and outputs the caller did not bind on the device), the executor, waiting at
            the end of the run for the device, and fence waits.
On the CPU everything runs inside the node events and memcpy is 0. On CUDA a node event times the
host side of the node: the provider launches its kernels asynchronously on the stream, so the
kernel column is launch cost unless a node waits for the device; device execution shows up where
the host waits for it (a MemcpyToHost node, or overhead at the end of the run). A CUDA-graph replay
runs no nodes at all (the whole run is overhead, `runs_without_nodes` counts them). With an ONNX
Runtime built with CUDA profiling (CUPTI), the device's own kernel and copy times (category Kernel
events; "memcpy" in the name for copies) are reported apart: gpu_kernel_ms, gpu_memcpy_ms.

--warmup W --generations G: the profile covers G identical generations of which the first W are
warm-up (EngineBench profiles from session creation); the first W/G of every session's runs are
dropped. --frames N: the frames of the counted generations, for ms per frame.
"""
import argparse
import json
import re
import sys
from bisect import bisect_right
from pathlib import Path

MEMCPY_OPS = frozenset({"MemcpyFromHost", "MemcpyToHost"})
# A control-flow node's event spans its subgraph's run, whose nodes have events of their own.
CONTROL_FLOW_OPS = frozenset({"If", "Loop", "Scan"})
_TIME_SUFFIX = re.compile(r"_\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}(_\d+)?\.json$")
_SEQUENCE = re.compile(r"-\d+$")


def session_label(path):
    """`talker.capi-5_2026-12-07_03-27-07_705.json` -> `talker.capi`; other names lose `.json` only."""
    name = Path(path).name
    stripped = _TIME_SUFFIX.sub("", name)
    if stripped == name:
        return name[:-5] if name.endswith(".json") else name
    return _SEQUENCE.sub("", stripped)


def load_events(path):
    """The trace's events: ONNX Runtime writes a JSON array; the {"traceEvents": [...]} form is accepted too."""
    data = json.loads(Path(path).read_text())
    events = data.get("traceEvents", []) if isinstance(data, dict) else data
    if not isinstance(events, list):
        raise ValueError(f"{path}: not a Chrome trace (expected a list of events)")
    return events


def _is_node(e):
    return e.get("cat") == "Node" and str(e.get("name", "")).endswith("_kernel_time")


def _op(e):
    args = e.get("args") or {}
    return args.get("op_name") or str(e.get("name", "?")).rsplit("_kernel_time", 1)[0]


def summarize_session(events, skip_fraction=0.0):
    """Milliseconds of one session's profile, over its runs after the first `skip_fraction` of them."""
    runs = sorted((e for e in events if e.get("cat") == "Session" and e.get("name") == "model_run"),
                  key=lambda e: e["ts"])
    skip = int(round(len(runs) * skip_fraction))
    kept = runs[skip:]
    starts = [r["ts"] for r in kept]
    nodes_per_run = [0] * len(kept)

    def run_of(e):
        """Index of the kept run on the event's thread whose interval holds it, or None (session
        loading, or a dropped run). Runs of one thread never overlap; concurrent callers' runs may,
        so a few earlier runs are looked at too."""
        i = bisect_right(starts, e["ts"]) - 1
        for j in range(i, max(-1, i - 64), -1):
            r = kept[j]
            if r.get("tid") == e.get("tid") and r["ts"] + r["dur"] >= e["ts"]:
                return j
        return None

    kernel_us = memcpy_us = gpu_kernel_us = gpu_memcpy_us = 0
    device_events = False
    ops = {}
    providers = set()
    for e in events:
        if _is_node(e):
            i = run_of(e)
            if i is None:
                continue
            nodes_per_run[i] += 1
            op = _op(e)
            if op in CONTROL_FLOW_OPS:
                continue
            dur = e.get("dur", 0)
            provider = (e.get("args") or {}).get("provider")
            if provider:
                providers.add(provider)
            if op in MEMCPY_OPS:
                memcpy_us += dur
            else:
                kernel_us += dur
            slot = ops.setdefault(op, [0, 0])
            slot[0] += dur
            slot[1] += 1
        elif e.get("cat") == "Kernel":
            # CUPTI device activity (ONNX Runtime built with CUDA profiling): device time, on no host
            # thread and possibly after its run returned, so only the warm-up cut applies.
            if not kept or e["ts"] < kept[0]["ts"]:
                continue
            device_events = True
            if "memcpy" in str(e.get("name", "")).lower():
                gpu_memcpy_us += e.get("dur", 0)
            else:
                gpu_kernel_us += e.get("dur", 0)
    run_us = sum(r["dur"] for r in kept)
    node_us = kernel_us + memcpy_us
    out = {
        "runs": len(runs), "counted_runs": len(kept),
        "runs_without_nodes": sum(1 for n in nodes_per_run if n == 0),
        "run_ms": run_us / 1e3, "kernel_ms": kernel_us / 1e3, "memcpy_ms": memcpy_us / 1e3,
        "overhead_ms": max(0, run_us - node_us) / 1e3,
        "providers": sorted(providers),
        "ops": {op: {"ms": us / 1e3, "count": n} for op, (us, n) in ops.items()},
    }
    if device_events:
        out["gpu_kernel_ms"] = gpu_kernel_us / 1e3
        out["gpu_memcpy_ms"] = gpu_memcpy_us / 1e3
    return out


_SUMMED = ("runs", "counted_runs", "runs_without_nodes", "run_ms", "kernel_ms", "memcpy_ms", "overhead_ms",
           "gpu_kernel_ms", "gpu_memcpy_ms")


def _merge(a, b):
    for k in _SUMMED:
        if k in a or k in b:
            a[k] = a.get(k, 0) + b.get(k, 0)
    a["providers"] = sorted(set(a["providers"]) | set(b["providers"]))
    for op, v in b["ops"].items():
        slot = a["ops"].setdefault(op, {"ms": 0.0, "count": 0})
        slot["ms"] += v["ms"]
        slot["count"] += v["count"]
    return a


def _files(paths):
    out = []
    for p in map(Path, paths):
        out.extend(sorted(p.glob("*.json")) if p.is_dir() else [p])
    return out


def summarize(paths, frames=None, warmup=0, generations=1, top=10):
    """Per-session and total milliseconds (and per frame with `frames`), plus the top op types.

    `paths`: profile files or folders of them. `warmup` of `generations` identical generations are
    dropped from every session (see the module comment); `aligned` says whether every session's run
    count divides by `generations`, i.e. whether the drop fell exactly on generation boundaries.
    """
    if generations < 1 or not 0 <= warmup < generations:
        raise ValueError("need 0 <= warmup < generations")
    skip = warmup / generations
    sessions = {}
    aligned = True
    for f in _files(paths):
        s = summarize_session(load_events(f), skip)
        s["files"] = [f.name]
        aligned &= s["runs"] % generations == 0
        label = session_label(f)
        if label in sessions:
            files = sessions[label]["files"] + s["files"]
            _merge(sessions[label], s)["files"] = files
        else:
            sessions[label] = s
    total = {"runs": 0, "counted_runs": 0, "runs_without_nodes": 0, "run_ms": 0.0, "kernel_ms": 0.0, "memcpy_ms": 0.0,
             "overhead_ms": 0.0, "providers": [], "ops": {}}
    for s in sessions.values():
        _merge(total, s)
    node_ms = sum(v["ms"] for v in total["ops"].values())
    op_rows = sorted(total["ops"].items(), key=lambda kv: -kv[1]["ms"])
    top_ops = [{"op": op, "ms": v["ms"], "count": v["count"], "pct_of_nodes": 100 * v["ms"] / node_ms if node_ms else 0.0}
               for op, v in op_rows[:top]]
    result = {"frames": frames, "warmup": warmup, "generations": generations, "aligned": aligned,
              "sessions": sessions, "total": {k: v for k, v in total.items() if k != "ops"}, "top_ops": top_ops}
    if frames:
        for s in list(sessions.values()) + [result["total"]]:
            s["per_frame_ms"] = {k[:-3]: s[k] / frames for k in ("run_ms", "kernel_ms", "memcpy_ms", "overhead_ms",
                                                                   "gpu_kernel_ms", "gpu_memcpy_ms") if k in s}
        for row in top_ops:
            row["ms_per_frame"] = row["ms"] / frames
    return result


def format_report(r):
    """The summary as two plain-text tables (sessions, op types)."""
    per = "/frame" if r["frames"] else ""
    div = r["frames"] or 1
    lines = [f"ONNX Runtime profile: {len(r['sessions'])} session(s)"
             + (f", {r['frames']} frames" if r["frames"] else "")
             + (f", first {r['warmup']} of {r['generations']} generations dropped" if r["warmup"] else "")
             + ("" if r["aligned"] else " (WARNING: run counts do not divide by the generations)")]
    head = f"{'session':28} {'runs':>6} {'run ms' + per:>13} {'kernel':>9} {'memcpy':>9} {'overhead':>9}"
    lines += [head, "-" * len(head)]
    rows = sorted(r["sessions"].items()) + [("total", r["total"])]
    for name, s in rows:
        lines.append(f"{name:28} {s['counted_runs']:>6} {s['run_ms'] / div:>13.3f} {s['kernel_ms'] / div:>9.3f} "
                     f"{s['memcpy_ms'] / div:>9.3f} {s['overhead_ms'] / div:>9.3f}")
    if "gpu_kernel_ms" in r["total"]:
        lines.append(f"device (CUPTI): kernels {r['total']['gpu_kernel_ms'] / div:.3f} ms{per}, "
                     f"copies {r['total']['gpu_memcpy_ms'] / div:.3f} ms{per}")
    if r["total"]["runs_without_nodes"]:
        lines.append(f"{r['total']['runs_without_nodes']} run(s) without node events (CUDA-graph replays): "
                     "their time is all overhead")
    head = f"{'op type':28} {'ms' + per:>13} {'% nodes':>8} {'count':>8}"
    lines += ["", head, "-" * len(head)]
    for row in r["top_ops"]:
        lines.append(f"{row['op']:28} {row['ms'] / div:>13.3f} {row['pct_of_nodes']:>7.1f}% {row['count']:>8}")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+", help="profile files, or folders holding them")
    ap.add_argument("--frames", type=int, help="frames generated in the counted generations (for ms per frame)")
    ap.add_argument("--warmup", type=int, default=0, help="leading generations to drop")
    ap.add_argument("--generations", type=int, default=1, help="identical generations the profile covers")
    ap.add_argument("--top", type=int, default=10, help="op types to list")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON instead of tables")
    a = ap.parse_args(argv)
    files = _files(a.paths)
    if not files:
        ap.error("no profile files found")
    r = summarize(files, a.frames, a.warmup, a.generations, a.top)
    print(json.dumps(r, indent=2) if a.json else format_report(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
