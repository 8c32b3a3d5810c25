"""tools/bench/engine's baseline comparison: how an older commit is named, and how the ratio is reported."""
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools" / "bench"))

import engine_bench  # noqa: E402


def _summary(rtf_median, rtf_best, without_decode):
    stat = lambda v: {"median": v, "min": v, "max": v}  # noqa: E731
    s = {k: stat(1.0) for k in ("wall_ms", "prefill_ms", "decode_ms", "first_frame_ms", "first_audio_ms",
                                "overhead_pct")}
    s["rtf"] = {"median": rtf_median, "min": rtf_best, "max": rtf_median}
    s["rtf_without_decode"] = stat(without_decode)
    s["per_frame_ms"] = {f: stat(1.0) for f in engine_bench.FIELDS}
    return s


def test_the_table_says_how_the_current_engine_compares_with_the_baseline():
    result = {
        "label": "0.6b", "sides": ["java", "baseline", "pytorch"],
        "summary": {"java": _summary(3.6, 3.5, 3.2), "baseline": _summary(3.7, 3.55, 3.3),
                    "pytorch": _summary(9.0, 8.8, 8.0)},
        "speedup_vs_pytorch": {}, "java_vs_baseline": {"ref": "5e81444", "median": 1.028, "best": 1.014,
                                                        "paired_median": 1.02, "without_decode_median": 1.031},
        "codes_match_java_vs_pytorch": {"identical_frames": 48, "frames": 48},
        "codes_match_vs_pytorch": {}, "loadavg": {"min": 1.0, "max": 2.0},
    }
    text = engine_bench.table([result])
    assert "0.6b baseline" in text.splitlines()[0]
    assert "java vs baseline 5e81444: RTF ratio median 1.028x, best 1.014x, median of the rounds' pairs 1.02x" in text


def test_without_the_official_side_the_baseline_codes_are_compared_with_the_current_engine():
    result = {
        "label": "0.6b", "sides": ["java", "baseline"],
        "summary": {"java": _summary(3.6, 3.5, 3.2), "baseline": _summary(3.7, 3.55, 3.3)},
        "speedup_vs_pytorch": {}, "java_vs_baseline": None, "codes_match_java_vs_pytorch": None,
        "codes_reference": "java",
        "codes_match_vs_pytorch": {"baseline": {"identical_codes": 768, "codes": 768, "identical_frames": 48,
                                                "frames": 48, "identical_prefix": 48}},
        "loadavg": {"min": 1.0, "max": 2.0},
    }
    text = engine_bench.table([result])
    assert "identical frames java/pytorch" not in text
    assert "0.6b baseline: identical codes vs java 768/768" in text


@pytest.mark.parametrize("option", [["--baseline-classpath", "x.jar"], ["--no-official"]])
def test_single_stream_options_are_refused_with_batch_sizes(option):
    with pytest.raises(SystemExit) as e:
        engine_bench.main(["--python", sys.executable, "--batch", "1,8", *option])
    assert e.value.code == 2


def test_baseline_names_a_ref_that_is_not_a_commit():
    r = subprocess.run([str(REPO / "tools" / "bench" / "baseline"), "no-such-ref-anywhere"], cwd=REPO,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "no-such-ref-anywhere is not a commit of this repository" in r.stderr
    assert not (REPO / "build" / "bench" / "baseline" / "no-such-ref-anywhere").exists()
