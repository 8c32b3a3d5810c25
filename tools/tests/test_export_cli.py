"""The export CLI fails with one clear line (exit 2, no traceback) on bad input."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1]


def run_export(*args):
    return subprocess.run(
        [sys.executable, "-m", "q3tts_tools.export", *map(str, args)],
        cwd=TOOLS, capture_output=True, text=True, timeout=300,
    )


def assert_one_line_error(proc, *fragments):
    assert proc.returncode == 2, proc.stderr
    lines = [l for l in proc.stderr.strip().splitlines() if l.strip()]
    assert "Traceback" not in proc.stderr
    assert lines[-1].startswith("error: ")
    for f in fragments:
        assert f in lines[-1], lines[-1]


def test_missing_checkpoint_folder(tmp_path):
    assert_one_line_error(run_export(tmp_path / "nope", tmp_path / "out"), "checkpoint folder not found")


def test_folder_without_config(tmp_path):
    (tmp_path / "ckpt").mkdir()
    assert_one_line_error(run_export(tmp_path / "ckpt", tmp_path / "out"), "config.json not found")


def test_unknown_model_type(tmp_path):
    ckpt = tmp_path / "ckpt"
    ckpt.mkdir()
    (ckpt / "config.json").write_text(json.dumps({"model_type": "llama"}))
    assert_one_line_error(run_export(ckpt, tmp_path / "out"), "unknown model type 'llama'")


def test_corrupt_config(tmp_path):
    ckpt = tmp_path / "ckpt"
    ckpt.mkdir()
    (ckpt / "config.json").write_text("{not json")
    assert_one_line_error(run_export(ckpt, tmp_path / "out"), "not valid JSON")


def test_missing_speech_tokenizer(reference_checkpoints, tmp_path):
    ckpt = tmp_path / "cv"
    shutil.copytree(reference_checkpoints["custom-voice"], ckpt)
    shutil.rmtree(ckpt / "speech_tokenizer")
    assert_one_line_error(run_export(ckpt, tmp_path / "out"), "speech_tokenizer/")
    assert not (tmp_path / "out").exists()


def test_base_only_task_from_custom_voice(reference_checkpoints, tmp_path):
    proc = run_export(reference_checkpoints["custom-voice"], tmp_path / "out", "--tasks", "voice-clone")
    assert_one_line_error(proc, "voice_clone", "Base checkpoint", "custom_voice")
    assert not (tmp_path / "out").exists()


def test_refuses_to_overwrite_without_force(reference_checkpoints, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("user data")
    assert_one_line_error(run_export(reference_checkpoints["codec"], out), "--force")
    assert (out / "keep.txt").read_text() == "user data"


def test_fp16_on_codec_is_rejected(reference_checkpoints, tmp_path):
    assert_one_line_error(run_export(reference_checkpoints["codec"], tmp_path / "out", "--fp16"), "codec")
