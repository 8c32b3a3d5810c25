"""tools/bench/official_bench.py: a fixed number of frames from the official code, and a split that adds up."""
import sys
from argparse import Namespace
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import official_bench  # noqa: E402


def test_given_eos_suppressed_when_run_then_exactly_the_requested_frames_and_a_consistent_split(reference_checkpoints):
    wrapper = official_bench._load(str(reference_checkpoints["custom-voice"]), 1)
    timers = official_bench.Timers(wrapper, 40)
    a = Namespace(text="Hi.", speaker="ryan", language="english", frames=40)
    r = official_bench.run_once(wrapper, timers, a)
    print(r["per_frame_ms"], r["overhead_pct"])
    # EOS is masked by the official min_new_tokens processor up to the cap (frames + 1 decisions)
    assert timers.token_limits == (41, 41)
    assert r["frames"] == 40 and len(r["codes"]) == 40
    assert r["predictor_runs"] == 40
    assert all(0 <= c < 2048 for frame in r["codes"] for c in frame)
    pf = r["per_frame_ms"]
    assert pf["talker"] > 0 and pf["code_predictor"] > 0 and pf["decoder"] > 0
    assert abs(pf["talker"] + pf["code_predictor"] + pf["overhead"] - pf["loop"]) < 1e-3 * pf["loop"] + 0.01
    assert r["rtf"] > r["rtf_without_decode"] > 0

    # greedy: a second run repeats the codes
    again = official_bench.run_once(wrapper, timers, a)
    assert again["codes"] == r["codes"]


def test_given_a_batch_when_run_then_every_row_has_the_requested_frames(reference_checkpoints):
    wrapper = official_bench._load(str(reference_checkpoints["custom-voice"]), 1)
    timers = official_bench.Timers(wrapper, 6)
    a = Namespace(text="Hi.", speaker="ryan", language="english", frames=6)
    r = official_bench.run_batch(wrapper, timers, a, 3)
    # Three different texts of the shared list, left-padded by the official generate.
    assert r["batch"] == 3 and len(timers.codes) == 3
    assert all(len(codes) == 6 for codes in timers.codes)
    assert r["audio_s"] == round(3 * 6 * 0.08, 2)
    assert r["throughput"] > 0 and len(r["row_latency_ms"]) == 3
