"""Times the official PyTorch Qwen3-TTS (qwen_tts package) on the CPU, as EngineBench times q3tts.

The same work as the Java side: CustomVoice, greedy (do_sample and subtalker_dosample off, the
official repetition penalty), EOS suppressed so every run yields exactly --frames frames, then the
official decode. EOS is suppressed with the official mechanism itself: `min_new_tokens` is raised to
`max_new_tokens` (= frames + 1) on the talker's generate call, which the wrapper otherwise fixes at 2.

The model is loaded the way a user loads it (fp32, the library's default attention implementation)
and the official `generate_custom_voice` is called. Time inside the talker transformer, the code
predictor's generate and the codec decode is measured by wrapping those methods; the remainder of
the frame loop is Python/Transformers overhead.

    official_bench.py --checkpoint DIR [--frames 48] [--threads 2] [--warmup 1] [--runs 3] [--serve]

--serve answers each `run` line on stdin with one JSON line (after a `ready` line); otherwise one
JSON document with every run is printed. Only JSON goes to stdout.

`run B` (B > 1) is the official batched path: one `generate_custom_voice` call with a list of B
texts (BATCH_TEXTS, the same list EngineBench uses), left-padded inside the official generate, every
row --frames frames. The wrapper returns all rows at once, so every row's latency is the call's wall
time, and so is its first audio.
"""
import argparse
import contextlib
import io
import json
import os
import sys
import time
import warnings

SECONDS_PER_FRAME = 0.08
DEFAULT_TEXT = "The quick brown fox jumps over the lazy dog, and then it runs back home to sleep."
# The same list as EngineBench.BATCH_TEXTS (row i speaks BATCH_TEXTS[i % 8]).
BATCH_TEXTS = [
    "The quick brown fox jumps over the lazy dog, and then it runs back home to sleep.",
    "Good morning.",
    "Please leave the package at the front door; I will pick it up after work.",
    "Thank you, that was delicious!",
    "The meeting has been moved to Thursday at three, in the small room on the second floor.",
    "Where are my keys?",
    "Rain is expected tonight, so bring an umbrella if you go out.",
    "Welcome back, everyone. Let us begin with a short summary of last week.",
]


def _load(checkpoint, threads):
    import torch

    if threads > 0:
        torch.set_num_threads(threads)
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from qwen_tts import Qwen3TTSModel

        return Qwen3TTSModel.from_pretrained(checkpoint, dtype=torch.float32)


class Timers:
    """Wraps the official methods whose time is reported; one generation at a time."""

    def __init__(self, wrapper, frames):
        self.frames = frames
        model = wrapper.model
        talker = model.talker
        self.reset()
        self._wrap(talker, "generate", self._talker_generate)
        self._wrap(talker.model, "forward", self._timed("talker", prefill_aware=True))
        self._wrap(talker.codec_head, "forward", self._timed("talker"))
        self._wrap(talker.code_predictor, "generate", self._timed("predictor", marks_frame=True))
        self._wrap(model.speech_tokenizer, "decode", self._timed("decode"))
        self._wrap(model, "generate", self._keep_codes)

    def reset(self):
        self.t = {"talker": 0.0, "prefill": 0.0, "predictor": 0.0, "decode": 0.0}
        self.talker_calls = 0
        self.predictor_calls = 0
        self.start = None
        self.loop_start = None
        self.loop_end = None
        self.first_frame = None
        self.codes = None
        self.token_limits = None

    @staticmethod
    def _wrap(obj, name, make):
        original = getattr(obj, name)
        setattr(obj, name, make(original))

    def _talker_generate(self, original):
        def run(*args, **kwargs):
            # The benchmark's fixed length: EOS masked until the cap (official min_new_tokens).
            kwargs["min_new_tokens"] = kwargs["max_new_tokens"]
            self.token_limits = (kwargs["min_new_tokens"], kwargs["max_new_tokens"])
            out = original(*args, **kwargs)
            self.loop_end = time.perf_counter()
            return out

        return run

    def _timed(self, key, prefill_aware=False, marks_frame=False):
        def make(original):
            def run(*args, **kwargs):
                t0 = time.perf_counter()
                out = original(*args, **kwargs)
                t1 = time.perf_counter()
                embeds = kwargs.get("inputs_embeds")
                if prefill_aware and self.loop_start is None and embeds is not None and embeds.shape[1] > 1:
                    self.t["prefill"] += t1 - t0
                    self.loop_start = t1
                else:
                    self.t[key] += t1 - t0
                    if key == "talker" and prefill_aware:
                        self.talker_calls += 1
                if marks_frame:
                    self.predictor_calls += 1
                    if self.first_frame is None:
                        self.first_frame = t1
                return out

            return run

        return make

    def _keep_codes(self, original):
        def run(*args, **kwargs):
            codes, hiddens = original(*args, **kwargs)
            self.codes = [c.tolist() for c in codes]
            return codes, hiddens

        return run


def run_once(wrapper, timers, a):
    import torch

    timers.reset()
    start = time.perf_counter()
    with torch.inference_mode():
        wavs, sr = wrapper.generate_custom_voice(
            text=a.text, speaker=a.speaker, language=a.language,
            do_sample=False, subtalker_dosample=False, max_new_tokens=a.frames + 1,
        )
    end = time.perf_counter()
    frames = len(timers.codes[0])
    if frames != a.frames or len(wavs[0]) != frames * 1920:
        raise SystemExit(f"expected {a.frames} frames, got {frames} ({len(wavs[0])} samples)")
    t = timers.t
    loop = timers.loop_end - timers.loop_start
    overhead = max(0.0, loop - t["talker"] - t["predictor"])
    audio = frames * SECONDS_PER_FRAME
    ms = 1e3
    return {
        "implementation": "official-pytorch",
        "frames": frames,
        "audio_s": round(audio, 2),
        "wall_ms": round((end - start) * ms, 2),
        "rtf": round((end - start) / audio, 4),
        "rtf_without_decode": round((end - start - t["decode"]) / audio, 4),
        "prefill_ms": round(t["prefill"] * ms, 2),
        "generate_ms": round((timers.loop_end - start) * ms, 2),
        "decode_ms": round(t["decode"] * ms, 2),
        "first_frame_ms": round((timers.first_frame - start) * ms, 2),
        # The official API returns audio only when the whole utterance is decoded.
        "first_audio_ms": round((end - start) * ms, 2),
        "per_frame_ms": {
            "loop": round(loop * ms / frames, 4),
            "talker": round(t["talker"] * ms / frames, 4),
            "code_predictor": round(t["predictor"] * ms / frames, 4),
            "decoder": round(t["decode"] * ms / frames, 4),
            "overhead": round(overhead * ms / frames, 4),
        },
        "overhead_pct": round(100 * overhead / loop, 2) if loop > 0 else 0.0,
        "predictor_runs": timers.predictor_calls,
        "codes": timers.codes[0],
    }


def run_batch(wrapper, timers, a, rows):
    import torch

    timers.reset()
    texts = [BATCH_TEXTS[i % len(BATCH_TEXTS)] for i in range(rows)]
    start = time.perf_counter()
    with torch.inference_mode():
        wavs, sr = wrapper.generate_custom_voice(
            text=texts, speaker=a.speaker, language=a.language,
            do_sample=False, subtalker_dosample=False, max_new_tokens=a.frames + 1,
        )
    end = time.perf_counter()
    for i, codes in enumerate(timers.codes):
        if len(codes) != a.frames or len(wavs[i]) != a.frames * 1920:
            raise SystemExit(f"row {i}: expected {a.frames} frames, got {len(codes)}")
    audio = rows * a.frames * SECONDS_PER_FRAME
    wall = end - start
    return {
        "implementation": "official-pytorch",
        "batch": rows,
        "frames": a.frames,
        "audio_s": round(audio, 2),
        "wall_ms": round(wall * 1e3, 2),
        "throughput": round(audio / wall, 4),
        "generate_ms": round((timers.loop_end - start) * 1e3, 2),
        "decode_ms": round(timers.t["decode"] * 1e3, 2),
        "row_latency_ms": [round(wall * 1e3, 2)] * rows,
        "first_audio_ms": round(wall * 1e3, 2),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--frames", type=int, default=48)
    ap.add_argument("--threads", type=int, default=0, help="torch threads; 0 keeps the default")
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--serve", action="store_true")
    ap.add_argument("--text", default=DEFAULT_TEXT)
    ap.add_argument("--speaker", default="ryan")
    ap.add_argument("--language", default="english")
    a = ap.parse_args(argv)

    import torch
    import transformers

    t0 = time.perf_counter()
    wrapper = _load(a.checkpoint, a.threads)
    timers = Timers(wrapper, a.frames)
    load_ms = (time.perf_counter() - t0) * 1e3
    for _ in range(a.warmup):
        run_once(wrapper, timers, a)
    info = {
        "implementation": "official-pytorch",
        "checkpoint": a.checkpoint,
        "threads": torch.get_num_threads(),
        "frames": a.frames,
        "text": a.text,
        "speaker": a.speaker,
        "language": a.language,
        "load_ms": round(load_ms, 2),
        "warmup_runs": a.warmup,
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "attn_implementation": wrapper.model.talker.config._attn_implementation,
    }
    out = sys.stdout
    if a.serve:
        out.write(json.dumps(dict(info, event="ready")) + "\n")
        out.flush()
        for line in sys.stdin:
            cmd = line.strip()
            if cmd == "quit":
                break
            if cmd == "run":
                out.write(json.dumps(run_once(wrapper, timers, a)) + "\n")
                out.flush()
            elif cmd.startswith("run "):
                rows = int(cmd[4:])
                res = run_once(wrapper, timers, a) if rows == 1 else run_batch(wrapper, timers, a, rows)
                if rows == 1:
                    res = dict(res, batch=1, throughput=round(res["audio_s"] / (res["wall_ms"] / 1e3), 4),
                               row_latency_ms=[res["wall_ms"]])
                    res.pop("codes", None)
                out.write(json.dumps(res) + "\n")
                out.flush()
        return 0
    info["runs"] = [run_once(wrapper, timers, a) for _ in range(a.runs)]
    out.write(json.dumps(info, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    sys.exit(main())
