"""End-to-end pipeline times at several scheduler batch sizes: an NPC pack and a narration on a real server.

For every round and every `scheduler.max_batch` value (the order reverses each round) this starts
`q3tts serve` on the given models folder with that batch size, warms the model up, then submits one
NPC pack (`--lines` lines over four preset speakers) and, when it is done, one narration
(`--chunks` paragraphs, one chunk each: checked through `POST /plugins/narration/chunks` first), and
times each from its submission to the job's `done`. Both pipelines submit their independent steps
together (PipelineContext.runSteps), so at max_batch 8 the scheduler generates them as batches.
Every line and chunk is capped at `--tokens` frames and seeded, and the server's runaway guard is
off, so both batch sizes speak the same amount of audio (up to the random-weight demo models'
early EOS, which the seeds fix; the spoken seconds are reported so that the runs can be compared).

Standard library only; run through tools/bench/pipelines. Prints a table, writes JSON (--out).
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SPEAKERS = ("ryan", "aiden", "serena", "vivian")
WORDS = ("the harbour lights were warm and the old road ran down past the mill to the water where the boats "
         "waited for the tide while the keeper counted lanterns and the gulls argued over the last of the "
         "morning catch").split()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url, body=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method="GET" if body is None else "POST",
                                 headers={"Content-Type": "application/json"} if body is not None else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw and r.headers.get_content_type() == "application/json" else raw)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, raw


def npc_pack(lines, tokens, seed, model):
    chars = [{"id": f"npc{i + 1}", "voice": v, "language": "english"} for i, v in enumerate(SPEAKERS)]
    pack = []
    for i in range(lines):
        n = 5 + (i * 7) % 11  # 5..15 words: lines of different lengths, as in a real pack
        text = " ".join(WORDS[(i * 3 + k) % len(WORDS)] for k in range(n)).capitalize() + "."
        pack.append({"character": chars[i % len(chars)]["id"], "id": f"line_{i + 1:03d}", "text": text})
    body = {"characters": chars, "lines": pack, "seed": seed, "max_new_tokens": tokens, "target_lufs": "off"}
    if model:
        body["custom_voice_model"] = model
    return body


def narration_text(chunks):
    paragraphs = []
    for i in range(chunks):
        n = 18 + (i * 5) % 17  # 18..34 words, under the 300-character chunk limit
        words = [WORDS[(i * 7 + k) % len(WORDS)] for k in range(n)]
        half = n // 2
        paragraphs.append(" ".join(words[:half]).capitalize() + ". " + " ".join(words[half:]).capitalize() + ".")
    return "\n\n".join(paragraphs)


class Server:
    def __init__(self, a, max_batch, log):
        self.work = Path(tempfile.mkdtemp(prefix="q3tts-bench-pipelines-"))
        self.port = free_port()
        self.api = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, MODELS_DIR=str(a.models), VOICES_DIR=str(self.work / "voices"),
                   OUTPUTS_DIR=str(self.work / "outputs"), Q3TTS_SERVER_PORT=str(self.port),
                   Q3TTS_ENGINE_DEVICE="cpu", Q3TTS_SCHEDULER_MAX_BATCH=str(max_batch),
                   Q3TTS_GENERATION_RUNAWAY_GUARD="false", Q3TTS_LOG_LEVEL="warn")
        self.log_path = log
        self.log = open(log, "w")
        cmd = ["java", "-XX:-UsePerfData", *a.jvm_opt, "-jar", str(a.jar), "serve"]
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.log, stderr=subprocess.STDOUT, cwd=REPO,
                                     start_new_session=True)
        deadline = time.time() + 180
        while "serving on" not in log.read_text(errors="replace"):
            if self.proc.poll() is not None or time.time() > deadline:
                self.close()
                raise SystemExit(f"bench/pipelines: the server did not start; see {log}")
            time.sleep(0.2)

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.work, ignore_errors=True)


def run_job(server, route, body, timeout):
    t0 = time.perf_counter()
    status, job = request(server.api + route, body)
    if status != 202:
        raise SystemExit(f"bench/pipelines: {route} answered {status}: {job}")
    jid = job["job_id"]
    while True:
        status, view = request(f"{server.api}/api/v1/jobs/{jid}")
        if status != 200:
            raise SystemExit(f"bench/pipelines: job {jid}: {status} {view}")
        if view["state"] == "done":
            break
        if view["state"] in ("failed", "cancelled"):
            raise SystemExit(f"bench/pipelines: job {jid} {view['state']}: {view.get('error')}")
        if time.perf_counter() - t0 > timeout:
            raise SystemExit(f"bench/pipelines: job {jid} still {view['state']} after {timeout} s")
        time.sleep(0.1)
    seconds = time.perf_counter() - t0
    out = view.get("output_id") or (view.get("result") or {}).get("output_id")
    audio = None
    if out:
        status, o = request(f"{server.api}/api/v1/outputs/{out}")
        if status == 200 and isinstance(o, dict):
            audio = o.get("duration_seconds") or o.get("duration")
    return {"seconds": round(seconds, 2), "audio_seconds": audio, "job_id": jid}


def loadavg():
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jar", type=Path, default=REPO / "app" / "target" / "q3tts-app.jar")
    ap.add_argument("--models", type=Path, default=REPO / "models", help="the server's models folder")
    ap.add_argument("--model", default=None, help="the CustomVoice model to use (default: the server's choice)")
    ap.add_argument("--batches", type=lambda v: [int(x) for x in v.split(",")], default=[1, 8],
                    help="scheduler.max_batch values, e.g. 1,8")
    ap.add_argument("--lines", type=int, default=32)
    ap.add_argument("--chunks", type=int, default=40)
    ap.add_argument("--tokens", type=int, default=24, help="max_new_tokens per line and chunk")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=3600, help="seconds one pipeline may take")
    ap.add_argument("--jvm-opt", action="append", default=[])
    ap.add_argument("--out", type=Path, default=REPO / "build" / "bench" / "pipelines.json")
    a = ap.parse_args(argv)
    if not a.jar.is_file():
        raise SystemExit(f"bench/pipelines: {a.jar} is missing (scripts/build.sh)")
    logs = a.out.parent / "pipelines-logs"
    logs.mkdir(parents=True, exist_ok=True)
    text = narration_text(a.chunks)
    runs = {b: [] for b in a.batches}
    for r in range(a.rounds):
        for b in (a.batches if r % 2 == 0 else list(reversed(a.batches))):
            server = Server(a, b, logs / f"serve-batch{b}-round{r + 1}.log")
            try:
                warm = {"input": "Warm up.", "voice": SPEAKERS[0], "max_new_tokens": 4}
                if a.model:
                    warm["model"] = a.model
                for _ in range(2):
                    status, body = request(server.api + "/v1/audio/speech", warm, timeout=600)
                    if status != 200:
                        raise SystemExit(f"bench/pipelines: warm-up answered {status}: {body}")
                nb = {"text": text, "format": "text", "voice": SPEAKERS[0], "seed": 11, "seed_policy": "per_chunk",
                      "max_new_tokens": a.tokens, "target_lufs": -16}
                if a.model:
                    nb["model"] = a.model
                status, plan = request(server.api + "/plugins/narration/chunks", {"text": text, "format": "text"})
                if status != 200 or len(plan["chunks"]) != a.chunks:
                    raise SystemExit(f"bench/pipelines: the narration text makes "
                                     f"{len(plan.get('chunks', [])) if isinstance(plan, dict) else '?'} chunks, "
                                     f"not {a.chunks} ({status})")
                before = loadavg()
                npc = run_job(server, "/plugins/npc-pack/jobs", npc_pack(a.lines, a.tokens, 7, a.model), a.timeout)
                nar = run_job(server, "/plugins/narration/jobs", nb, a.timeout)
                res = {"max_batch": b, "round": r + 1, "npc_pack": npc, "narration": nar,
                       "loadavg_before": before, "loadavg_after": loadavg()}
                runs[b].append(res)
                print(f"round {r + 1}/{a.rounds} max_batch {b:2d}: NPC pack ({a.lines} lines) {npc['seconds']:.1f} s, "
                      f"narration ({a.chunks} chunks) {nar['seconds']:.1f} s (load {before})", file=sys.stderr,
                      flush=True)
            finally:
                server.close()
    summary = {}
    for b, rs in runs.items():
        summary[b] = {k: round(statistics.median(x[k]["seconds"] for x in rs), 2) for k in ("npc_pack", "narration")}
    base = a.batches[0]
    for b in a.batches:
        for k in ("npc_pack", "narration"):
            summary[b][f"{k}_speedup_vs_{base}"] = round(summary[base][k] / summary[b][k], 3)
    doc = {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "models": str(a.models), "model": a.model,
           "lines": a.lines, "chunks": a.chunks, "tokens": a.tokens, "rounds": a.rounds, "batches": a.batches,
           "cpus": os.cpu_count(), "summary": summary, "runs": runs}
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"{'max_batch':>9}  {'NPC pack s':>10}  {'narration s':>11}  (medians of {a.rounds} round(s); x = vs max_batch {base})")
    for b in a.batches:
        s = summary[b]
        print(f"{b:>9}  {s['npc_pack']:>10.1f}  {s['narration']:>11.1f}  "
              f"({s[f'npc_pack_speedup_vs_{base}']:.2f}x, {s[f'narration_speedup_vs_{base}']:.2f}x)")
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
