"""Driver of tools/bench/gpu: the Java engine on the GPU, fp32 vs fp16, Java-binding talker vs
I/O-binding talker vs the fixed-size KV talker (CUDA graphs on a GPU), batch 1 vs batch N (the
batched frame loop), plus correctness checks, in one invocation.

Each configuration is one EngineBench process (`--runs` timed runs after `--warmup`), so the
configurations do not share a CUDA context or an allocator arena. Every number in the table comes
from this invocation. Standard library only, like engine_bench.py; the official PyTorch side is
official_bench.py in tools/.venv.

Kernel and memcpy milliseconds per frame come from ONNX Runtime's own profiler (ort_profile.py),
in a second, separate EngineBench process per configuration (--ort-profile; the same warm-up, one
profiled run of --profile-frames frames), so the profiler's cost never touches the timed numbers.
Each profile covers every session (text projection, talker, code predictor, decoders); the warm-up
generations are dropped and the rest is divided by the profiled frames (prefill and decode included).

Host traffic per frame is computed, not sampled: with the Java binding every talker step hands the
whole past KV cache to ONNX Runtime and takes the whole present cache back (both cross the bus on a
GPU); with I/O binding only the step input, the logits and the last hidden state cross
(TalkerRunnerTest proves that count on the real graph); the fixed-size KV talker sends its
[B, N] mask instead of the growing one, a constant.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import ort_profile

REPO = Path(__file__).resolve().parents[2]
JAR = REPO / "app" / "target" / "q3tts-app.jar"
SECONDS_PER_FRAME = 0.08
FULL_CKPT = REPO / "build/reference/full-0.6b-custom-voice"
FULL_FP32 = REPO / "build/bench/full-0.6b"
FULL_FP16 = REPO / "build/bench/full-0.6b-fp16"
SMOKE_CKPT = REPO / "build/reference/checkpoints/custom-voice"
SMOKE_DIR = REPO / "build/bench/gpu-smoke"
PATHS = ("java", "iobinding", "static")
# Fixed-size KV positions of the bundles this bench exports (tools/export --static-kv): the bench
# prompt plus --frames must fit, or the static rows run on the growing cache (the JSON says which).
STATIC_KV = 512


def log(msg):
    print(f"bench/gpu: {msg}", file=sys.stderr, flush=True)


def run(cmd, logfile, env=None):
    logfile.parent.mkdir(parents=True, exist_ok=True)
    with open(logfile, "w") as err:
        p = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=err, text=True, env=env)
    if p.returncode != 0:
        raise SystemExit(f"bench/gpu: {' '.join(map(str, cmd[:4]))} ... failed (status {p.returncode}); see {logfile}")
    return p.stdout


def ensure_checkpoints(a):
    """The bundles and checkpoint of the mode; exports what is missing."""
    tools = REPO / "tools"
    if a.smoke:
        if not (SMOKE_CKPT / "model.safetensors").exists():
            log("building the reference checkpoints into build/reference/checkpoints ...")
            code = ("import sys\nfrom pathlib import Path\n"
                    "from q3tts_tools.make_reference import _deterministic_torch\n"
                    "from q3tts_tools.export import _quiet_imports\n"
                    "_quiet_imports(); _deterministic_torch()\n"
                    "from q3tts_tools import reference_checkpoints as rc\n"
                    "rc.build_all(Path(sys.argv[1]), Path(sys.argv[2]))\n")
            env = dict(os.environ, PYTHONPATH=str(tools))
            run([a.python, "-c", code, "build/reference/checkpoints", "build/cache"], a.logs / "checkpoints.log", env)
        ckpt, fp32, fp16 = SMOKE_CKPT, SMOKE_DIR / "fp32", SMOKE_DIR / "fp16"
        if not (fp32 / "talker_static.onnx").exists():
            log(f"exporting {fp32} ...")
            run([str(tools / "export"), str(ckpt), str(fp32), "--name", "smoke-fp32", "--static-kv", str(STATIC_KV),
                 "--force"], a.logs / "export-fp32.log")
    else:
        ckpt, fp32, fp16 = FULL_CKPT, FULL_FP32, FULL_FP16
        if not (fp32 / "talker_static.onnx").exists() or not (ckpt / "model.safetensors").exists():
            log("exporting the full-size random 0.6B bundle (a few minutes, ~4.5 GB) ...")
            run([str(tools / "make-reference"), "--full-0.6b", str(fp32), "--static-kv", str(STATIC_KV)],
                a.logs / "make-reference.log")
    if not (fp16 / "talker_static.onnx").exists():
        extra = ["--probe"] if a.probe else []
        log(f"exporting {fp16} (--fp16 {' '.join(extra)}) ...")
        run([str(tools / "export"), str(ckpt), str(fp16), "--fp16", *extra, "--static-kv", str(STATIC_KV),
             "--name", fp16.name, "--force"], a.logs / "export-fp16.log")
    return ckpt, fp32, fp16


def fp16_kv_io(bundle):
    """Element types of the talker's KV inputs as the graph declares them (onnx, in tools/.venv)."""
    code = ("import onnx, sys\n"
            "g = onnx.load(sys.argv[1], load_external_data=False).graph\n"
            "print(sorted({i.type.tensor_type.elem_type for i in g.input if i.name.startswith('past_')}))\n")
    out = subprocess.run([A.python, "-c", code, str(bundle / "talker.onnx")], capture_output=True, text=True, check=True)
    return out.stdout.strip() == "[10]"


def engine_bench(a, bundle, path, streams, tag, profile_dir=None):
    """One EngineBench process; with `profile_dir`, a profiled one (one run of --profile-frames frames)."""
    # Q3TTS_BENCH_CLASSPATH runs EngineBench from a class path instead of the app jar (a dry run from
    # compiled module classes, without building the jar).
    classpath = os.environ.get("Q3TTS_BENCH_CLASSPATH") or str(JAR)
    frames, runs = (a.profile_frames, 1) if profile_dir else (a.frames, a.runs)
    cmd = ["java", "--enable-native-access=ALL-UNNAMED", "-cp", classpath, "io.q3tts.app.bench.EngineBench",
           "--bundle", str(bundle), "--frames", str(frames), "--runs", str(runs), "--warmup", str(a.warmup),
           "--device", a.device, "--mode", a.mode, "--batch", str(streams)]
    if path == "iobinding":
        cmd.append("--device-kv")
    elif path == "static":
        cmd.append("--static-kv")
    if profile_dir:
        cmd += ["--ort-profile", str(profile_dir)]
    log(f"{tag}: {bundle.name}, {path}, batch {streams}{', ONNX Runtime profiler on' if profile_dir else ''} ...")
    return json.loads(run(cmd, a.logs / f"{tag}.log"))


def ort_split(a, bundle, path, streams, tag):
    """Kernel / memcpy / run-overhead ms per frame from a separate profiled process (see the module comment)."""
    folder = REPO / "build/bench/profiles" / tag
    shutil.rmtree(folder, ignore_errors=True)
    engine_bench(a, bundle, path, streams, tag + "-profile", folder)
    p = ort_profile.summarize([folder], frames=a.profile_frames, warmup=a.warmup, generations=a.warmup + 1, top=8)
    if not a.keep_profiles:
        shutil.rmtree(folder, ignore_errors=True)
    per_frame = lambda s: {k: round(v, 4) for k, v in s["per_frame_ms"].items()}
    return {"frames": a.profile_frames, "warmup_generations_dropped": a.warmup, "aligned": p["aligned"],
            "per_frame_ms": per_frame(p["total"]),
            "sessions": {name: dict(per_frame_ms=per_frame(s), runs=s["counted_runs"],
                                    runs_without_nodes=s["runs_without_nodes"], providers=s["providers"])
                         for name, s in p["sessions"].items()},
            "top_ops": [{"op": o["op"], "ms_per_frame": round(o["ms_per_frame"], 4),
                         "pct_of_nodes": round(o["pct_of_nodes"], 1), "count": o["count"]} for o in p["top_ops"]],
            "profiles": str(folder.relative_to(REPO)) if a.keep_profiles else None}


def official_codes(a, ckpt):
    cmd = [a.python, str(REPO / "tools/bench/official_bench.py"), "--checkpoint", str(ckpt), "--frames", str(a.frames),
           "--runs", "1", "--warmup", "0"]
    log("official PyTorch reference codes (CPU) ...")
    return json.loads(run(cmd, a.logs / "official.log"))["runs"][0]["codes"]


def agreement(a, b):
    """Identical frames, identical codebook-0 tokens, and the first frame that differs (or None)."""
    n = min(len(a), len(b))
    same = sum(1 for i in range(n) if list(a[i]) == list(b[i]))
    c0 = sum(1 for i in range(n) if a[i][0] == b[i][0])
    first = next((i for i in range(n) if list(a[i]) != list(b[i])), None)
    return {"frames": n, "identical_frames": same, "identical_c0": c0, "first_difference": first,
            "fraction": round(same / n, 4) if n else 0.0}


def kv_bytes_per_frame(manifest, positions, path, fp16, graphs=False):
    t = manifest["talker"]["dims"] if "dims" in manifest["talker"] else manifest["talker"]
    layers, kv, d = t["num_layers"], t["num_key_value_heads"], t["head_dim"]
    hidden, vocab = t["hidden_size"], t["vocab_size"]
    # Step input, logits, last hidden (fp32), plus a version-2 graph's int64 attention mask and position.
    small = (2 * hidden + vocab) * 4 + (int(positions) + 2) * 8
    if path == "iobinding":
        return int(small)
    if path == "static":
        # The [B, N] mask, position and write index instead of the growing mask; with CUDA graphs the
        # mask's new entry only (its device copy is kept between steps).
        return int((2 * hidden + vocab) * 4 + ((1 if graphs else STATIC_KV) + 2) * 8)
    per_position = 2 * layers * kv * d * (2 if fp16 else 4)
    return int(small + per_position * (2 * positions + 1))


def summarize(res, manifest, path, fp16):
    graphs = bool(res.get("cuda_graphs"))
    runs = res["runs"]
    med = lambda key: statistics.median(r[key] for r in runs)
    pf = {k: round(statistics.median(r["per_frame_ms"][k] for r in runs), 3) for k in runs[0]["per_frame_ms"]}
    positions = runs[0]["prompt_positions"] + res["frames"] / 2
    rtf = med("aggregate_rtf") if "aggregate_rtf" in runs[0] else med("rtf")
    return {
        "rtf": round(rtf, 4), "x_real_time": round(1 / rtf, 2), "first_audio_ms": round(med("first_audio_ms"), 1),
        "per_frame_ms": pf, "overhead_pct": med("overhead_pct"),
        "talker_host_bytes_per_frame": kv_bytes_per_frame(manifest, positions, path, fp16, graphs),
        "device": res.get("device"), "codes": runs[0]["codes"],
        "static_kv_batches": runs[-1].get("static_kv_batches", 0),
    }


def machine():
    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None
    gpu = out(["nvidia-smi", "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader"])
    return {"gpu": gpu or "none", "cpu": platform.processor() or platform.machine(), "os": platform.platform(),
            "cpus": os.cpu_count(), "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def table(rows):
    head = f"{'precision':9} {'talker':12} {'batch':>7} {'RTF':>7} {'xRT':>6} {'first audio':>11} " \
           f"{'talker':>7} {'cp':>7} {'decode':>7} {'java':>6} {'kernel':>7} {'memcpy':>7} {'KV bytes/frame':>15}"
    lines = [head, "-" * len(head)]
    for r in rows:
        s, pf = r["summary"], r["summary"]["per_frame_ms"]
        path = r["path"] + ("+graph" if r.get("cuda_graphs") else "")
        if r["path"] == "static" and not s["static_kv_batches"]:
            path += "(fb)"
        split = (r.get("ort_profile") or {}).get("per_frame_ms")
        kernel, memcpy = (f"{split['kernel']:>7.2f}", f"{split['memcpy']:>7.2f}") if split else (f"{'-':>7}", f"{'-':>7}")
        lines.append(f"{r['precision']:9} {path:12} {r['streams']:>7} {s['rtf']:>7.3f} {s['x_real_time']:>6.2f} "
                     f"{s['first_audio_ms']:>9.0f}ms {pf['talker']:>7.2f} {pf['code_predictor']:>7.2f} "
                     f"{pf['decoder']:>7.2f} {pf['overhead']:>6.2f} {kernel} {memcpy} "
                     f"{s['talker_host_bytes_per_frame']:>15,}")
    return "\n".join(lines)


def main():
    global A
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    ap.add_argument("--smoke", action="store_true", help="the demo checkpoint instead of the 0.6B (implied by --device cpu)")
    ap.add_argument("--frames", type=int)
    ap.add_argument("--runs", type=int)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--batches", default="1,8")
    ap.add_argument("--mode", default="fused", choices=["fused", "stepwise"])
    ap.add_argument("--probe", action="store_true", help="export the fp16 bundle with --fp16 --probe")
    ap.add_argument("--out", type=Path, default=REPO / "build/bench/gpu-results.json")
    ap.add_argument("--no-profile", action="store_true", help="skip the profiled runs (no kernel/memcpy columns)")
    ap.add_argument("--profile-frames", type=int,
                    help="frames of the profiled run (default: --frames, at most 16; the code predictor's trace "
                         "grows by megabytes per frame)")
    ap.add_argument("--keep-profiles", action="store_true", help="keep the traces in build/bench/profiles/")
    a = A = ap.parse_args()
    a.smoke = a.smoke or a.device == "cpu"
    a.frames = a.frames or (12 if a.smoke else 96)
    a.runs = a.runs or (1 if a.smoke else 3)
    a.profile_frames = a.profile_frames or min(a.frames, 16)
    a.logs = REPO / "build/bench/logs"
    batches = [int(b) for b in a.batches.split(",")]
    if a.smoke and a.device == "cpu":
        batches = [min(b, 2) for b in batches]

    ckpt, fp32, fp16 = ensure_checkpoints(a)
    manifest = json.loads((fp32 / "manifest.json").read_text())
    precisions = [("fp32", fp32)] + ([("fp16", fp16)] if a.device == "cuda" else [])
    rows = []
    for precision, bundle in precisions:
        for path in PATHS:
            for streams in batches:
                tag = f"gpu-{precision}-{path}-b{streams}"
                res = engine_bench(a, bundle, path, streams, tag)
                rows.append({"precision": precision, "path": path, "streams": streams,
                             "batched_engine": res.get("batched_engine"), "cuda_graphs": res.get("cuda_graphs"),
                             "static_kv_length": res.get("static_kv_length"),
                             "summary": summarize(res, manifest, path, precision == "fp16"),
                             "ort_profile": None if a.no_profile else ort_split(a, bundle, path, streams, tag)})
                prof, pf = rows[-1]["ort_profile"], rows[-1]["summary"]["per_frame_ms"]
                if prof:
                    # The profiler's own cost: ONNX Runtime's run time per frame, profiled over timed
                    # (talker + code predictor + decoder; the profile also holds prefill and prompt).
                    timed = pf["talker"] + pf["code_predictor"] + pf["decoder"]
                    prof["profiled_vs_timed"] = round(prof["per_frame_ms"]["run"] / timed, 2) if timed else None

    def codes(precision, path):
        return next(r["summary"]["codes"] for r in rows
                    if r["precision"] == precision and r["path"] == path and r["streams"] == batches[0])

    checks = {"paths_identical_fp32": agreement(codes("fp32", "java"), codes("fp32", "iobinding")),
              "static_vs_java_fp32": agreement(codes("fp32", "java"), codes("fp32", "static")),
              "static_rows_on_fixed_cache": all(r["summary"]["static_kv_batches"] > 0 for r in rows
                                                if r["path"] == "static")}
    if a.device == "cuda":
        checks["fp16_vs_fp32"] = agreement(codes("fp32", "iobinding"), codes("fp16", "iobinding"))
    checks["fp16_kv_io"] = fp16_kv_io(fp16)
    checks["fp32_vs_official"] = agreement(official_codes(a, ckpt), codes("fp32", "iobinding"))

    for r in rows:
        r["summary"].pop("codes")
    result = {"machine": machine(), "device": a.device, "smoke": a.smoke, "frames": a.frames, "runs": a.runs,
              "mode": a.mode, "profile_frames": None if a.no_profile else a.profile_frames, "bundles": {"fp32": str(fp32), "fp16": str(fp16)}, "rows": rows, "checks": checks}
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"machine: {result['machine']['gpu']} | device {a.device} | {a.frames} frames, {a.runs} run(s), "
          f"{a.mode} predictor{' | SMOKE (demo model)' if a.smoke else ''}")
    print(table(rows))
    if not a.no_profile:
        slow = [r["ort_profile"]["profiled_vs_timed"] for r in rows if r["ort_profile"]["profiled_vs_timed"]]
        print(f"kernel, memcpy: ms per frame from ONNX Runtime's profiler, all sessions, in a separate profiled "
              f"process per row ({a.warmup} warm-up + 1 run of {a.profile_frames} frames); the profiler's own cost "
              f"made those runs {min(slow, default=0):.1f}x to {max(slow, default=0):.1f}x the timed ONNX Runtime "
              f"time per frame; on CUDA a node's time is its host-side launch (docs/performance.md)")
    for k, v in checks.items():
        print(f"{k}: {v}")
    print(f"written {a.out.relative_to(REPO) if a.out.is_relative_to(REPO) else a.out}")
    # On the CPU both must be exact (the parity tests prove it); on a GPU other kernels may flip a
    # near-tie of the random-weight model, so the fractions are reported, not enforced.
    bad = a.device == "cpu" and (checks["paths_identical_fp32"]["fraction"] < 1.0
                                 or checks["static_vs_java_fp32"]["fraction"] < 1.0
                                 or checks["fp32_vs_official"]["fraction"] < 1.0)
    sys.exit(1 if bad else 0)


A = None

if __name__ == "__main__":
    main()
