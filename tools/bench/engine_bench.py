"""Driver of tools/bench/engine: q3tts (Java, ONNX Runtime) against the official PyTorch code.

For each model both implementations are started once as servers (EngineBench --serve and
official_bench.py --serve), load and warm up, and then take turns: round r runs Java then PyTorch,
round r+1 PyTorch then Java. Only one of them computes at any time, and slow drift of the machine's
load hits both alike. Every ratio is taken between numbers measured in this same invocation.

Standard library only: it runs in any Python 3.10+, and the PyTorch side is started in tools/.venv.
"""
import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
JAR = REPO / "app" / "target" / "q3tts-app.jar"
# Q3TTS_BENCH_CLASSPATH runs EngineBench from a class path instead of the app jar (a dry run from
# compiled module classes, as tools/bench/gpu allows).
CLASSPATH = os.environ.get("Q3TTS_BENCH_CLASSPATH") or str(JAR)
FIELDS = ("loop", "talker", "code_predictor", "decoder", "overhead")


class Server:
    """One benchmark process speaking the run/quit line protocol."""

    def __init__(self, name, cmd, log):
        self.name = name
        self.log = open(log, "w")
        self.proc = subprocess.Popen(cmd, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log, text=True, bufsize=1)
        self.info = None

    def _read(self):
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            raise SystemExit(f"{self.name} benchmark exited (status {self.proc.returncode}); see {self.log.name}")
        return json.loads(line)

    def ready(self):
        self.info = self._read()
        return self.info

    def run(self, batch=None):
        self.proc.stdin.write("run\n" if batch is None else f"run {batch}\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=60)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.proc.kill()
        self.log.close()


def loadavg():
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except OSError:
        return None


def machine(java_info, py_info):
    def cmd(args):
        try:
            return subprocess.run(args, capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.TimeoutExpired):
            return ""

    lscpu = cmd(["lscpu"])

    def field(name):
        m = re.search(rf"^{name}:\s*(.+)$", lscpu, re.M)
        return m.group(1).strip() if m else None

    mem = None
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = round(kb / 1024 / 1024, 1)
    except (OSError, AttributeError):
        pass
    os_name = platform.platform()
    try:
        os_name = re.search(r'PRETTY_NAME="([^"]+)"', Path("/etc/os-release").read_text()).group(1)
    except (OSError, AttributeError):
        pass
    ort = sorted(p.name for p in (REPO / "app" / "target" / "lib").glob("onnxruntime*.jar"))
    return {
        "cpu": field("Model name"),
        "cpus": field("CPU\\(s\\)"),
        "cores_per_socket": field("Core\\(s\\) per socket"),
        "threads_per_core": field("Thread\\(s\\) per core"),
        "ram_gib": mem,
        "os": os_name,
        "kernel": platform.release(),
        "java": java_info.get("java"),
        "onnxruntime_jar": ort,
        "torch": py_info.get("torch"),
        "transformers": py_info.get("transformers"),
        "attn_implementation": py_info.get("attn_implementation"),
    }


def summarise(runs):
    def stat(values):
        return {"median": round(statistics.median(values), 4), "min": round(min(values), 4),
                "max": round(max(values), 4)}

    out = {k: stat([r[k] for r in runs]) for k in
           ("rtf", "rtf_without_decode", "wall_ms", "prefill_ms", "decode_ms", "first_frame_ms", "first_audio_ms",
            "overhead_pct")}
    out["per_frame_ms"] = {f: stat([r["per_frame_ms"][f] for r in runs]) for f in FIELDS}
    return out


def compare_codes(a, b):
    same_frames = sum(1 for x, y in zip(a, b) if x == y)
    same_codes = sum(1 for x, y in zip(a, b) for p, q in zip(x, y) if p == q)
    prefix = 0
    for x, y in zip(a, b):
        if x != y:
            break
        prefix += 1
    return {"frames": len(a), "identical_frames": same_frames, "identical_prefix": prefix,
            "identical_codes": same_codes, "codes": 16 * len(a)}


def bench_model(label, bundle, checkpoint, frames, a, py, logs, int8_bundle=None, baseline_bundle=None):
    def java_cmd(extra, bundle=bundle, classpath=CLASSPATH):
        return ["java", "--enable-native-access=ALL-UNNAMED", *a.jvm_opt, "-cp", classpath,
                "io.q3tts.app.bench.EngineBench", "--serve", "--bundle", str(bundle), "--frames", str(frames),
                "--threads", str(a.threads), "--warmup", str(a.warmup), "--mode", a.mode, *extra]

    py_cmd = [py, str(REPO / "tools" / "bench" / "official_bench.py"), "--serve", "--checkpoint", str(checkpoint),
              "--frames", str(frames), "--threads", str(a.threads), "--warmup", str(a.warmup)]
    sides = [("java", java_cmd(a.java_arg))]
    for v in a.java_variant:
        name, _, extra = v.partition("=")
        sides.append((name, java_cmd(extra.split())))
    if int8_bundle:
        # The same engine and settings on the `tools/export --int8` bundle of the same checkpoint.
        sides.append(("java-int8", java_cmd(a.java_arg, int8_bundle)))
    if a.baseline_classpath and baseline_bundle:
        # An older commit's engine on its own export of the same checkpoint (tools/bench/baseline), with
        # the same options: "no slower than before" measured in these same rounds.
        sides.append(("baseline", java_cmd(a.java_arg, baseline_bundle, a.baseline_classpath)))
    if not a.no_official:
        sides.append(("pytorch", py_cmd))
    print(f"[{label}] loading and warming up {', '.join(n for n, _ in sides)} ...", file=sys.stderr, flush=True)
    servers = []
    runs = {n: [] for n, _ in sides}
    loads = []
    try:
        # Started one after the other so that no load or warm-up is slowed by another's.
        for name, cmd in sides:
            server = Server(name, cmd, logs / f"{label}-{name}.log")
            servers.append(server)
            server.ready()
        for r in range(a.rounds):
            # Rotate the order every round so drift in the machine's load hits every side alike.
            k = r % len(servers)
            for server in servers[k:] + servers[:k]:
                before = loadavg()
                t0 = time.time()
                res = server.run()
                res["loadavg_before"] = before
                runs[server.name].append(res)
                loads.append(before)
                print(f"[{label}] round {r + 1}/{a.rounds} {server.name:12s} RTF {res['rtf']:.3f} "
                      f"({time.time() - t0:.1f} s, load {before})", file=sys.stderr, flush=True)
    finally:
        for server in servers:
            server.close()
    infos = {s.name: s.info for s in servers}
    # Without the official side the current engine's codes are the reference of the others.
    reference = "java" if a.no_official else "pytorch"
    codes = None if a.no_official else compare_codes(runs["java"][0]["codes"], runs["pytorch"][0]["codes"])
    # 8-bit weights are not the official computation: report how far their codes drift.
    codes_vs_pytorch = {n: compare_codes(rs[0]["codes"], runs[reference][0]["codes"])
                        for n, rs in runs.items() if n != reference}
    for rs in runs.values():
        for res in rs:
            res.pop("codes", None)
    summary = {n: summarise(rs) for n, rs in runs.items()}
    ps = summary.get("pytorch")
    speedups = {}
    for n, s in summary.items():
        if ps and n != "pytorch":
            speedups[n] = {
                "median": round(ps["rtf"]["median"] / s["rtf"]["median"], 3),
                "best": round(ps["rtf"]["min"] / s["rtf"]["min"], 3),
                "without_decode_median": round(ps["rtf_without_decode"]["median"] / s["rtf_without_decode"]["median"], 3),
            }
    vs_baseline = None
    if "baseline" in summary:
        bs, js = summary["baseline"], summary["java"]
        vs_baseline = {
            "ref": a.baseline_name,
            "bundle": str(baseline_bundle),
            # > 1: the current engine is faster than the baseline.
            "median": round(bs["rtf"]["median"] / js["rtf"]["median"], 3),
            "best": round(bs["rtf"]["min"] / js["rtf"]["min"], 3),
            "without_decode_median": round(bs["rtf_without_decode"]["median"] / js["rtf_without_decode"]["median"], 3),
            # Round by round the two ran next to each other: the median of those ratios cancels slow drift.
            "paired_median": round(statistics.median(
                b["rtf"] / j["rtf"] for b, j in zip(runs["baseline"], runs["java"])), 3),
        }
    known = [x for x in loads if x is not None]
    return {
        "label": label,
        "bundle": str(bundle),
        "java_vs_baseline": vs_baseline,
        "checkpoint": str(checkpoint),
        "frames": frames,
        "sides": [n for n, _ in sides],
        "info": infos,
        "summary": summary,
        "speedup_vs_pytorch": speedups,
        "codes_match_java_vs_pytorch": codes,
        "codes_match_vs_pytorch": codes_vs_pytorch,
        "codes_reference": reference,
        "loadavg": {"min": min(known) if known else None, "max": max(known) if known else None},
        "runs": runs,
    }


def bench_batches(label, bundle, checkpoint, frames, a, py, logs, int8_bundle=None):
    """Aggregate throughput per batch size; every side runs every size once per round, sizes and
    sides rotating, so the ratios compare numbers taken under the same machine load."""
    sizes = a.batch
    def java_cmd(bundle):
        return ["java", "--enable-native-access=ALL-UNNAMED", *a.jvm_opt, "-cp", CLASSPATH,
                "io.q3tts.app.bench.EngineBench", "--serve", "--bundle", str(bundle), "--frames", str(frames),
                "--threads", str(a.threads), "--warmup", str(a.warmup), "--mode", a.mode, *a.java_arg]

    sides = [("java", java_cmd(bundle))]
    if int8_bundle:
        sides.append(("java-int8", java_cmd(int8_bundle)))
    # The official side may run only some sizes (--official-batch): its batch-8 and batch-16 runs take minutes each.
    official_sizes = sizes if a.official_batch is None else [b for b in sizes if b in a.official_batch]
    if official_sizes:
        sides.append(("pytorch", [py, str(REPO / "tools" / "bench" / "official_bench.py"), "--serve", "--checkpoint",
                                  str(checkpoint), "--frames", str(frames), "--threads", str(a.threads),
                                  "--warmup", str(a.warmup)]))
    sizes_of = {n: (official_sizes if n == "pytorch" else sizes) for n, _ in sides}
    servers, runs, loads = [], {n: {b: [] for b in sizes_of[n]} for n, _ in sides}, []
    try:
        for name, cmd in sides:
            server = Server(name, cmd, logs / f"{label}-batch-{name}.log")
            servers.append(server)
            server.ready()
        for r in range(a.rounds):
            k = r % len(servers)
            order = sizes if r % 2 == 0 else list(reversed(sizes))
            for b in order:
                for server in servers[k:] + servers[:k]:
                    if b not in sizes_of[server.name]:
                        continue
                    before = loadavg()
                    res = server.run(b)
                    res.pop("codes", None)
                    res["loadavg_before"] = before
                    runs[server.name][b].append(res)
                    loads.append(before)
                    print(f"[{label}] round {r + 1}/{a.rounds} batch {b:2d} {server.name:10s} "
                          f"{res['throughput']:.3f} audio s/s ({res['wall_ms'] / 1e3:.1f} s, load {before})",
                          file=sys.stderr, flush=True)
    finally:
        for server in servers:
            server.close()
    summary = {}
    for name, by in runs.items():
        summary[name] = {}
        for b, rs in by.items():
            lat = [statistics.median(x["row_latency_ms"]) for x in rs]
            summary[name][b] = {
                "throughput_median": round(statistics.median(x["throughput"] for x in rs), 4),
                "wall_ms_median": round(statistics.median(x["wall_ms"] for x in rs), 1),
                "row_latency_ms_median": round(statistics.median(lat), 1),
                "first_audio_ms_median": round(statistics.median(x["first_audio_ms"] for x in rs), 1),
            }
            # The codec decode is compute-bound and gains little from batching, so the generation's own
            # gain is reported beside the end-to-end one.
            summary[name][b]["throughput_without_decode_median"] = round(
                statistics.median(x["audio_s"] * 1e3 / x["generate_ms"] for x in rs), 4)
            summary[name][b]["decode_ms_per_row_frame_median"] = round(
                statistics.median(x["decode_ms"] / (x["batch"] * x["frames"]) for x in rs), 2)
        # Ratios to the first batch size: the side's own first size if it skipped the common one.
        first = sizes_of[name][0]
        base = summary[name][first]["throughput_median"]
        for b in sizes_of[name]:
            summary[name][b]["speedup_vs_batch_%d" % sizes[0]] = (
                round(summary[name][b]["throughput_median"] / base, 3) if first == sizes[0] else None)
    vs = {n: {b: round(summary[n][b]["throughput_median"] / summary["pytorch"][b]["throughput_median"], 3)
              for b in sizes if b in summary.get("pytorch", {})} for n in summary if n != "pytorch"}
    known = [x for x in loads if x is not None]
    return {"label": label, "mode": "batch", "bundle": str(bundle), "checkpoint": str(checkpoint), "frames": frames,
            "batch_sizes": sizes, "batch_sizes_per_side": sizes_of, "sides": [n for n, _ in sides],
            "info": {s.name: s.info for s in servers},
            "summary": summary, "throughput_vs_pytorch": vs,
            "loadavg": {"min": min(known) if known else None, "max": max(known) if known else None}, "runs": runs}


def batch_table(results):
    lines = []
    for r in results:
        sizes = r["batch_sizes"]
        lines.append(f"{r['label']}: {r['frames']} frames per row; aggregate audio seconds per wall second "
                     f"(x = vs batch {sizes[0]} of the same side); load average {r['loadavg']['min']}..{r['loadavg']['max']}")
        for side in r["sides"]:
            cells = []
            for b in r["batch_sizes_per_side"][side]:
                s = r["summary"][side][b]
                x = s["speedup_vs_batch_%d" % sizes[0]]
                cells.append(f"B={b}: {s['throughput_median']:.3f} ({'-' if x is None else f'{x:.2f}'}x, "
                             f"row {s['row_latency_ms_median'] / 1e3:.1f} s, first audio {s['first_audio_ms_median'] / 1e3:.2f} s, "
                             f"w/o decode {s['throughput_without_decode_median']:.3f}, "
                             f"decode {s['decode_ms_per_row_frame_median']:.1f} ms/row-frame)")
            lines.append(f"  {side:10s} " + "; ".join(cells))
        for side, by in r["throughput_vs_pytorch"].items():
            lines.append(f"  {side} vs pytorch: " + ", ".join(f"B={b} {v}x" for b, v in by.items()))
    return "\n".join(lines)


def table(results):
    cols = [(r, side) for r in results for side in r["sides"]]
    rows = [("", *[f"{r['label']} {side}" for r, side in cols])]

    def row(name, getter, fmt="{:.3f}"):
        rows.append((name, *[fmt.format(getter(r["summary"][side])) for r, side in cols]))

    row("RTF (median)", lambda s: s["rtf"]["median"])
    row("RTF (best)", lambda s: s["rtf"]["min"])
    row("RTF w/o decode (median)", lambda s: s["rtf_without_decode"]["median"])
    for f in FIELDS:
        row(f"{f} ms/frame", lambda s, f=f: s["per_frame_ms"][f]["median"], "{:.2f}")
    row("overhead % of loop", lambda s: s["overhead_pct"]["median"], "{:.2f}")
    row("prefill ms", lambda s: s["prefill_ms"]["median"], "{:.1f}")
    row("first frame ms", lambda s: s["first_frame_ms"]["median"], "{:.1f}")
    row("first audio ms", lambda s: s["first_audio_ms"]["median"], "{:.1f}")
    widths = [max(len(str(x[i])) for x in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(x, widths)))
             for x in rows]
    lines.append("")
    for r in results:
        c = r["codes_match_java_vs_pytorch"]
        ref = r.get("codes_reference", "pytorch")
        for n, sp in r["speedup_vs_pytorch"].items():
            lines.append(f"{r['label']} {n}: speedup over PyTorch (RTF ratio) median {sp['median']}x, "
                         f"best {sp['best']}x, without decode {sp['without_decode_median']}x")
        vb = r.get("java_vs_baseline")
        if vb:
            lines.append(f"{r['label']} java vs baseline {vb['ref']}: RTF ratio median {vb['median']}x, best "
                         f"{vb['best']}x, median of the rounds' pairs {vb['paired_median']}x, without decode "
                         f"{vb['without_decode_median']}x (> 1: faster now)")
        if c:
            lines.append(f"{r['label']}: identical frames java/pytorch {c['identical_frames']}/{c['frames']}")
        lines.append(f"{r['label']}: "
                     f"load average {r['loadavg']['min']}..{r['loadavg']['max']}")
        for n, cm in r["codes_match_vs_pytorch"].items():
            if n != "java":
                lines.append(f"{r['label']} {n}: identical codes vs {ref} {cm['identical_codes']}/{cm['codes']}, "
                             f"frames {cm['identical_frames']}/{cm['frames']}, "
                             f"identical prefix {cm['identical_prefix']} frames")
    return "\n".join(lines)


def _sizes_or_none(v):
    return [] if v.strip().lower() == "none" else [int(x) for x in v.split(",")]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--python", required=True, help="the tools venv's python (has qwen_tts and torch)")
    ap.add_argument("--demo-bundle", type=Path)
    ap.add_argument("--demo-checkpoint", type=Path)
    ap.add_argument("--full-bundle", type=Path)
    ap.add_argument("--full-checkpoint", type=Path)
    ap.add_argument("--full-int8-bundle", type=Path,
                    help="also run the Java engine on this int8 export of the full checkpoint (side java-int8)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--frames-demo", type=int, default=48)
    ap.add_argument("--frames-full", type=int, default=48)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--mode", default="fused", choices=("fused", "stepwise"))
    ap.add_argument("--jvm-opt", action="append", default=[], help="extra JVM option (repeatable), e.g. --jvm-opt=-Xmx8g")
    ap.add_argument("--java-arg", action="append", default=[],
                    help="extra EngineBench option (repeatable), e.g. --java-arg=--no-spin")
    ap.add_argument("--java-variant", action="append", default=[], metavar="NAME=ARGS",
                    help="another Java configuration run alongside, e.g. per-session=--per-session-threads")
    ap.add_argument("--batch", type=lambda v: [int(x) for x in v.split(",")], default=None,
                    help="comma-separated batch sizes, e.g. 1,2,4,8,16: aggregate throughput per batch size "
                         "(the official wrapper given the same list of texts as the batched baseline)")
    ap.add_argument("--official-batch", type=_sizes_or_none, default=None, metavar="1,8|none",
                    help="with --batch: run the official wrapper only at these of the --batch sizes (default: all of "
                         "them; 'none' skips it)")
    ap.add_argument("--no-official", action="store_true",
                    help="single stream without the official PyTorch side (e.g. current against --baseline only)")
    ap.add_argument("--baseline-name", default=None, help="the baseline's git ref, for the report")
    ap.add_argument("--baseline-classpath", default=None,
                    help="class path of an older commit's EngineBench (tools/bench/baseline prepares it)")
    ap.add_argument("--baseline-demo-bundle", type=Path, default=None)
    ap.add_argument("--baseline-full-bundle", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=REPO / "build" / "bench" / "results.json")
    a = ap.parse_args(argv)
    if (a.baseline_classpath or a.no_official) and a.batch:
        ap.error("--baseline and --no-official apply to single-stream runs; drop --batch (or use --official-batch none)")
    if a.official_batch and a.batch and not set(a.official_batch) <= set(a.batch):
        ap.error(f"--official-batch {a.official_batch} names sizes that --batch {a.batch} does not run")
    if a.batch:
        return main_batch(a)
    logs = a.out.parent / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    results = []
    if a.demo_bundle:
        results.append(bench_model("demo", a.demo_bundle, a.demo_checkpoint, a.frames_demo, a, a.python, logs,
                                   baseline_bundle=a.baseline_demo_bundle))
    if a.full_bundle:
        results.append(bench_model("0.6b", a.full_bundle, a.full_checkpoint, a.frames_full, a, a.python, logs,
                                   a.full_int8_bundle, a.baseline_full_bundle))
    if not results:
        raise SystemExit("nothing to benchmark")
    doc = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(results[0]["info"]["java"], results[0]["info"].get("pytorch") or {}),
        "settings": {"threads": a.threads, "rounds": a.rounds, "warmup": a.warmup, "predictor_mode": a.mode,
                     "decoding": "greedy, EOS suppressed (min_new_tokens = max_new_tokens = frames + 1)",
                     "jvm_opts": a.jvm_opt, "engine_bench_args": a.java_arg,
                     "baseline": {"ref": a.baseline_name, "classpath": a.baseline_classpath} if a.baseline_classpath else None},
        "models": results,
    }
    a.out.write_text(json.dumps(doc, indent=1) + "\n")
    print(table(results))
    print(f"\nwrote {a.out.relative_to(REPO) if a.out.is_relative_to(REPO) else a.out}")
    return 0


def main_batch(a):
    logs = a.out.parent / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    results = []
    if a.demo_bundle:
        results.append(bench_batches("demo", a.demo_bundle, a.demo_checkpoint, a.frames_demo, a, a.python, logs))
    if a.full_bundle:
        results.append(bench_batches("0.6b", a.full_bundle, a.full_checkpoint, a.frames_full, a, a.python, logs,
                                     a.full_int8_bundle))
    if not results:
        raise SystemExit("nothing to benchmark")
    doc = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(results[0]["info"]["java"], results[0]["info"].get("pytorch") or {}),
        "settings": {"threads": a.threads, "rounds": a.rounds, "warmup": a.warmup, "predictor_mode": a.mode,
                     "batch_sizes": a.batch, "official_batch_sizes": a.official_batch,
                     "decoding": "greedy, EOS suppressed (min_new_tokens = max_new_tokens = frames + 1)"},
        "models": results,
    }
    out = a.out.with_name("results-batch.json") if a.out.name == "results.json" else a.out
    out.write_text(json.dumps(doc, indent=1) + "\n")
    print(batch_table(results))
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
