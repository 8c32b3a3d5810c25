"""The golden fixtures: reproducible byte for byte, self-consistent, and recorded without changing
what the official pipeline computes."""
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

TOOLS = Path(__file__).resolve().parents[1]
# The resampling fixtures (every common rate, issue 16) and their clips and clone cases take about 3 MB.
MAX_BYTES = 8 * 1024 * 1024

WRITE = """
import json, sys
from pathlib import Path
from q3tts_tools.fixtures import write_fixtures
a = json.loads(sys.argv[1])
write_fixtures({k: Path(v) for k, v in a["ckpt"].items()}, {k: Path(v) for k, v in a["clips"].items()}, Path(a["out"]))
"""


@pytest.fixture(scope="module")
def two_runs(reference_checkpoints, tmp_path_factory):
    """The fixtures written twice, by two separate processes running at the same time."""
    from q3tts_tools.audio_clips import write_rate_clips, write_reference_clips

    root = tmp_path_factory.mktemp("fixtures")
    outs, procs = [], []
    env = dict(os.environ, PYTHONPATH=str(TOOLS), TRANSFORMERS_VERBOSITY="error")
    for name in ("a", "b"):
        out = root / name
        clips = write_reference_clips(out / "clips")
        clips.update(write_rate_clips(out / "clips"))
        arg = json.dumps({"ckpt": {k: str(v) for k, v in reference_checkpoints.items()},
                          "clips": {k: str(v) for k, v in clips.items()}, "out": str(out)})
        procs.append(subprocess.Popen([sys.executable, "-c", WRITE, arg], cwd=TOOLS, env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
        outs.append(out)
    for p in procs:
        # Two writers at once on a shared 2-core machine take several minutes each.
        _, err = p.communicate(timeout=1800)
        assert p.returncode == 0, err[-3000:]
    return outs


def _files(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _cases(root: Path):
    index = json.loads((root / "index.json").read_text())
    for entry in index["cases"]:
        yield entry, json.loads((root / entry["dir"] / "case.json").read_text())


def test_byte_identical(two_runs):
    a, b = (_files(r) for r in two_runs)
    assert sorted(a) == sorted(b)
    differing = [k for k in a if a[k] != b[k]]
    total = sum(len(v) for v in a.values())
    print(f"\n{len(a)} files, {total} bytes, differing: {differing}")
    assert not differing
    assert total < MAX_BYTES


def test_index_lists_existing_files(two_runs):
    root = two_runs[0]
    index = json.loads((root / "index.json").read_text())
    listed = {"index.json", index["tokenizer"]}
    for entry in index["cases"]:
        for f in entry["files"]:
            assert (root / entry["dir"] / f).is_file(), (entry["name"], f)
            listed.add(f"{entry['dir']}/{f}")
    for rel in index["codec"]["encode"].values():
        listed.add(rel)
    for d in index["codec"]["decode"].values():
        listed.update(d.values())
    for c in index["clips"].values():
        listed.add(c["file"])
    for r in index["resample"].values():
        listed.update(f for f in (r["loaded"], r["resampled"]) if f)
    for entry in index.get("batch_cases", []) + index.get("generation_config_cases", []):
        for f in entry["files"]:
            assert (root / entry["dir"] / f).is_file(), (entry["name"], f)
            listed.add(f"{entry['dir']}/{f}")
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert on_disk == listed


def test_case_sanity(two_runs):
    root = two_runs[0]
    stops = set()
    for entry, c in _cases(root):
        d = root / entry["dir"]
        codes = np.asarray(c["codes"], dtype=np.int64).reshape(-1, 16)
        frames, steps = c["frames"], c["talker_decisions"]["tokens"]
        gen = c["talker_generate_kwargs"]
        assert codes.shape[0] == frames and ((codes >= 0) & (codes <= 2047)).all(), entry["name"]
        assert len(steps) == frames + 1 and steps[:-1] == codes[:, 0].tolist()
        if c["stop_reason"] == "eos":
            assert steps[-1] == gen["eos_token_id"] and len(steps) >= gen["min_new_tokens"] + 1
            assert len(steps) <= gen["max_new_tokens"]
        else:
            assert c["stop_reason"] == "max_new_tokens" and len(steps) == gen["max_new_tokens"]
            assert steps[-1] != gen["eos_token_id"]
        stops.add(c["stop_reason"])
        assert gen["do_sample"] is False and gen["subtalker_dosample"] is False
        assert gen["repetition_penalty"] == 1.05 and gen["min_new_tokens"] == 2
        assert gen["suppress_token_ranges"] == [[2048, 2149], [2151, 3071]]
        cp = c["code_predictor_decisions"]
        assert np.asarray(cp["margin"]).reshape(-1, 15).shape == (frames, 15)
        assert all(m >= 0 for m in c["talker_decisions"]["margin"])
        assert all(r != t for r, t in zip(c["talker_decisions"]["runner_up"], steps))
        assert not (np.asarray(cp["runner_up"]).reshape(-1, 15) == codes[:, 1:]).any()
        assert all(m >= 0 for row in cp["margin"] for m in row)

        emb = np.load(d / "inputs_embeds.npy")
        trail = np.load(d / "trailing_text_hidden.npy")
        pad = np.load(d / "tts_pad_embed.npy")
        h = c["prompt"]["hidden_size"]
        assert emb.dtype == np.float32 and emb.shape == (c["prompt"]["prefill_length"], h)
        assert trail.shape == (c["prompt"]["trailing_length"], h) and pad.shape == (h,)

        wav = np.load(d / "waveform.npy")
        audio = c["audio"]
        assert wav.dtype == np.float32 and wav.shape == (audio["samples"],)
        assert audio["decode_input_frames"] == audio["ref_frames_prepended"] + frames
        assert audio["decoded_samples"] == 1920 * audio["decode_input_frames"]
        total = max(audio["decode_input_frames"], 1)
        assert audio["cut_samples"] == int(audio["ref_frames_prepended"] / total * audio["decoded_samples"])
    assert stops == {"eos", "max_new_tokens"}


def test_eos_stops_in_range(two_runs):
    eos = [c["frames"] for _, c in _cases(two_runs[0]) if c["stop_reason"] == "eos"]
    print(f"\nframes of EOS-stopped cases: {eos}")
    assert len([f for f in eos if 5 <= f <= 25]) >= 3


def _prompt_length(c) -> tuple:
    """Prefill and trailing lengths from the spec's prompt layout and the recorded token ids."""
    req, tok = c["request"], c["tokenized"]
    n = len(tok["text"]["ids"]) - 8  # [3:-5]
    from q3tts_tools.reference_checkpoints import SPEAKER_DIALECT

    lang = req["language"].lower()
    dialect = lang in ("chinese", "auto") and SPEAKER_DIALECT.get(req.get("speaker") or "", False)
    codec = (3 if lang == "auto" and not dialect else 4) + 2
    if c["model"] != "voice-design":
        codec += 1  # speaker slot
    prefix = 3 + codec - 1
    if "instruct" in tok:
        prefix += len(tok["instruct"]["ids"])
    vcp = c.get("voice_clone_prompt")
    if vcp and vcp["icl_mode"]:
        t1 = len(tok["ref_text"]["ids"]) - 5 + n + 1
        t2 = len(vcp["ref_code"]) + 1
        if req["non_streaming_mode"]:
            return prefix + t1 + t2, 1
        return (prefix + t2, t1 - t2) if t1 > t2 else (prefix + t2, 1)
    if req["non_streaming_mode"]:
        return prefix + n + 2, 1
    return prefix + 1, n


def test_prompt_shapes_follow_token_ids(two_runs):
    branches = set()
    for entry, c in _cases(two_runs[0]):
        got = (c["prompt"]["prefill_length"], c["prompt"]["trailing_length"])
        assert got == _prompt_length(c), entry["name"]
        vcp = c.get("voice_clone_prompt")
        if vcp and vcp["icl_mode"] and not c["request"]["non_streaming_mode"]:
            branches.add(got[1] > 1)
    assert branches == {True, False}  # both streaming ICL layouts (text longer / shorter than ref)


def test_instruct_is_dropped_only_for_0b6_custom_voice(two_runs):
    cases = {e["name"]: c for e, c in _cases(two_runs[0])}
    dropped = cases["cv_instruct_dropped_sohee_ns"]
    assert dropped["request"]["instruct"] and "instruct" not in dropped["tokenized"]
    assert "instruct" in cases["vd_en_ns"]["tokenized"]
    assert "instruct" not in cases["vd_no_instruct_auto_ns"]["tokenized"]
    assert cases["cv_newline_unclefu_ns"]["tokenized"]["text"]["ids"][:3] != [151644, 77091, 198]


def test_recording_does_not_change_the_result(two_runs, reference_checkpoints):
    import torch
    from qwen_tts import Qwen3TTSModel

    root = two_runs[0]
    c = json.loads((root / "cases" / "cv_en_ryan_st" / "case.json").read_text())
    req = {k: v for k, v in c["request"].items()}
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        m = Qwen3TTSModel.from_pretrained(str(reference_checkpoints["custom-voice"]), dtype=torch.float32,
                                          attn_implementation="eager")
        wavs, _ = m.generate_custom_voice(**req)
    finally:
        torch.set_num_threads(threads)
    ref = np.load(root / "cases" / "cv_en_ryan_st" / "waveform.npy")
    diff = float(np.max(np.abs(np.asarray(wavs[0], dtype=np.float32) - ref)))
    print(f"\nplain wrapper vs recorded waveform max abs diff {diff}")
    assert wavs[0].shape == ref.shape and diff == 0.0


def test_codec_fixtures(two_runs):
    root = two_runs[0]
    index = json.loads((root / "index.json").read_text())
    for clip, rel in index["codec"]["encode"].items():
        e = json.loads((root / rel).read_text())
        codes = np.asarray(e["codes"])
        assert codes.shape == (e["frames"], 16) and codes.min() >= 0 and codes.max() <= 2047
        # librosa.resample's length: ceil(n * ratio) with the ratio rounded first (not round(n * 24000 / sr)).
        sr = e["clip_sample_rate"]
        samples_24k = e["clip_frames"] if sr == 24000 else math.ceil(e["clip_frames"] * (24000 / sr))
        assert e["frames"] == math.ceil(samples_24k / 1920), clip
    d = json.loads((root / "codec" / "decode_random.json").read_text())
    seg = np.load(root / "codec" / "decode_random_segments.npy")
    assert np.asarray(d["codes"]).shape == (350, 16)
    assert seg.shape == (sum(b - a for a, b in d["waveform_segments"]),)
    assert len(d["frame_mean"]) == len(d["frame_mean_square"]) == 350
    spf = d["samples_per_frame"]
    off = 0
    for a, b in d["waveform_segments"]:
        part = seg[off:off + b - a].astype(np.float64).reshape(-1, spf)
        np.testing.assert_allclose(part.mean(axis=1), d["frame_mean"][a // spf:b // spf], rtol=1e-6, atol=1e-7)
        off += b - a
    batch = json.loads((root / "codec" / "decode_batch.json").read_text())
    seg = np.load(root / "codec" / "decode_batch_segments.npy")
    assert batch["codes_from"] == "decode_random.json"
    assert len({r["frames"] for r in batch["rows"]}) == len(batch["rows"]) > 2
    assert max(r["frames"] for r in batch["rows"]) > 300
    for r in batch["rows"]:
        assert r["offset"] + r["frames"] <= 350 and r["samples"] == r["frames"] * spf
        assert len(r["frame_mean"]) == r["frames"]
        a, b = r["segment"]
        part = seg[r["segment_offset"]:r["segment_offset"] + b - a].astype(np.float64).reshape(-1, spf)
        np.testing.assert_allclose(part.mean(axis=1), r["frame_mean"][a // spf:b // spf], rtol=1e-6, atol=1e-7)


def test_tokenizer_fixture(two_runs):
    from q3tts_tools.fixtures import TOKENIZER_STRINGS

    t = json.loads((two_runs[0] / "tokenizer_ids.json").read_text())
    assert [e["text"] for e in t["cases"]] == TOKENIZER_STRINGS
    by_text = {e["text"]: e["ids"] for e in t["cases"]}
    assert by_text[""] == []
    assert by_text["<tts_pad><tts_text_bos><tts_text_eod>"] == [151671, 151672, 151673]
    assert by_text["<|im_start|>assistant\nspecial tokens inside<|im_end|>"][:3] == [151644, 77091, 198]
    assert t["pre_tokenizer"]["type"] == "Sequence"
