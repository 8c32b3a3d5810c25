"""tools/export: an official Qwen3-TTS checkpoint folder -> a q3tts bundle folder.

    tools/export CHECKPOINT_DIR OUT_DIR [--fp16 [--probe] | --int8] [--static-kv N] [--name NAME] [--tasks T,...] [--force]

CHECKPOINT_DIR is a Hugging Face snapshot of a Qwen3-TTS-12Hz model (config.json,
generation_config.json, model*.safetensors, vocab.json, merges.txt, tokenizer_config.json,
speech_tokenizer/) or of the standalone Qwen3-TTS-Tokenizer-12Hz codec. The bundle is written into
a temporary sibling folder and renamed into place at the end, so a failed export never leaves a
half-written bundle behind.

--fp16 stores the talker in fp16 for CUDA, its KV cache inputs/outputs included; --probe first runs
the fp32 talker for a few hundred frames and keeps in fp32 every node whose activations leave a safe
fp16 range (manifest: talker.graphs.talker.probe). --int8 stores the MatMul weights of the talker and the
code predictor as 8-bit ONNX Runtime MatMulNBits for the CPU (the 0.6B request ran 2.7x faster on
the 2-vCPU bench machine; not bit-exact with the official fp32 model). Both leave the codec and the speaker encoder in fp32.
--static-kv N adds talker_static.onnx, the talker over a fixed N-position KV buffer updated in place
(manifest: talker.graphs.talker_static, max_length N), which the engine runs with CUDA graphs on a GPU.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys
import warnings
from pathlib import Path

from .errors import ToolError, run_cli

BUNDLE_FORMAT = "q3tts-bundle"
# 2: talker and code-predictor graphs with a dynamic batch dimension, the talker with an
# attention_mask and per-row position_ids (batched generation); 1 bundles still run at batch 1.
BUNDLE_VERSION = 2
# The largest batch a bundle advertises; the HTTP batch API takes up to 32 items.
MAX_BATCH = 32
CODEC_MODEL_TYPE = "qwen3_tts_tokenizer_12hz"
TTS_MODEL_TYPES = ("custom_voice", "voice_design", "base")
TASKS_BY_TYPE = {
    "custom_voice": ["custom_voice", "tokenizer"],
    "voice_design": ["voice_design", "tokenizer"],
    "base": ["voice_clone", "tokenizer"],
    "codec": ["tokenizer"],
}
TASK_NEEDS = {
    "custom_voice": "a CustomVoice checkpoint",
    "voice_design": "a VoiceDesign checkpoint",
    "voice_clone": "a Base checkpoint (it carries the speaker encoder)",
    "tokenizer": "any Qwen3-TTS-12Hz checkpoint",
}
MARKER_FILE = "q3tts_reference.json"


def _read_json(path: Path, what: str) -> dict:
    if not path.is_file():
        raise ToolError(f"{what} not found: {path}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ToolError(f"{what} is not valid JSON ({path}): {e}")


def _has_weights(folder: Path) -> bool:
    return any(folder.glob("*.safetensors")) or any(folder.glob("*.bin"))


def inspect_checkpoint(ckpt: Path) -> dict:
    """Validates the folder layout and returns {'kind': 'tts'|'codec', 'config': ..., ...}."""
    if not ckpt.exists():
        raise ToolError(f"checkpoint folder not found: {ckpt}")
    if not ckpt.is_dir():
        raise ToolError(f"checkpoint must be a folder, got a file: {ckpt}")
    cfg = _read_json(ckpt / "config.json", "config.json")
    model_type = cfg.get("model_type")
    if model_type == CODEC_MODEL_TYPE:
        if not _has_weights(ckpt):
            raise ToolError(f"no weights (*.safetensors) in {ckpt}")
        _read_json(ckpt / "preprocessor_config.json", "preprocessor_config.json")
        return {"kind": "codec", "config": cfg, "tts_type": "codec"}
    if model_type != "qwen3_tts":
        raise ToolError(
            f"unknown model type {model_type!r} in {ckpt / 'config.json'}; expected 'qwen3_tts' "
            f"(a Qwen3-TTS-12Hz model) or '{CODEC_MODEL_TYPE}' (the codec)")
    tts_type = cfg.get("tts_model_type")
    if tts_type not in TTS_MODEL_TYPES:
        raise ToolError(f"unknown tts_model_type {tts_type!r}; expected one of {', '.join(TTS_MODEL_TYPES)}")
    if cfg.get("tokenizer_type") != CODEC_MODEL_TYPE:
        raise ToolError(f"tokenizer_type {cfg.get('tokenizer_type')!r} is not supported (only the 12 Hz codec)")
    for f in ("generation_config.json", "vocab.json", "merges.txt", "tokenizer_config.json"):
        if not (ckpt / f).is_file():
            raise ToolError(f"{f} missing in {ckpt}")
    if not _has_weights(ckpt):
        raise ToolError(f"no weights (*.safetensors) in {ckpt}")
    st = ckpt / "speech_tokenizer"
    if not (st / "config.json").is_file() or not _has_weights(st):
        raise ToolError(f"speech_tokenizer/ with config.json and weights missing in {ckpt}")
    return {"kind": "tts", "config": cfg, "tts_type": tts_type}


def _random_marker(ckpt: Path) -> dict:
    p = ckpt / MARKER_FILE
    return json.loads(p.read_text()) if p.is_file() else {}


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _quiet_imports():
    """qwen_tts prints sox/flash-attn banners on import; keep the CLI output readable."""
    import contextlib
    import io

    warnings.filterwarnings("ignore")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    buf_out, buf_err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(buf_out), contextlib.redirect_stderr(buf_err):
        import qwen_tts  # noqa: F401


def _text_section(cfg: dict) -> dict:
    return {
        "vocab_size": cfg["talker_config"].get("text_vocab_size", 151936),
        "im_start": cfg["im_start_token_id"], "im_end": cfg["im_end_token_id"],
        "assistant": cfg.get("assistant_token_id", 77091), "newline": 198,
        "tts_pad": cfg["tts_pad_token_id"], "tts_bos": cfg["tts_bos_token_id"],
        "tts_eos": cfg["tts_eos_token_id"],
        "role_prefix_len": 3, "assistant_suffix_len": 5, "ref_suffix_len": 2,
    }


def _voices_section(cfg: dict) -> dict:
    tc = cfg["talker_config"]
    langs = dict(tc.get("codec_language_id") or {})
    dialect = tc.get("spk_is_dialect") or {}
    speakers = [
        {"name": name, "codec_id": cid, "dialect": (dialect.get(name) or None)}
        for name, cid in sorted((tc.get("spk_id") or {}).items())
    ]
    supported = ["auto"] + [k for k in langs if "dialect" not in k]
    return {
        "speakers": speakers,
        "languages": dict(sorted(langs.items())),
        "supported_languages": supported,
    }


def _generation_section(ckpt: Path) -> dict:
    gen = _read_json(ckpt / "generation_config.json", "generation_config.json")
    defaults = {
        "do_sample": True, "top_k": 50, "top_p": 1.0, "temperature": 0.9, "repetition_penalty": 1.05,
        "subtalker_dosample": True, "subtalker_top_k": 50, "subtalker_top_p": 1.0,
        "subtalker_temperature": 0.9, "max_new_tokens": 2048,
    }
    out = {k: gen.get(k, v) for k, v in defaults.items()}
    out.update({"min_new_tokens": 2, "suppress_range": [2048, 3072]})
    return out


def export(ckpt: Path, out: Path, fp16: bool = False, name: str | None = None,
           tasks: list[str] | None = None, force: bool = False, int8: bool = False,
           probe: dict | None = None, static_kv: int | None = None) -> dict:
    if fp16 and int8:
        raise ToolError("--fp16 and --int8 exclude each other (fp16 is for CUDA, int8 for the CPU)")
    if probe is not None and not fp16:
        raise ToolError("--probe needs --fp16 (it decides which talker nodes stay fp32)")
    info = inspect_checkpoint(ckpt)
    kind = "codec" if info["kind"] == "codec" else info["tts_type"]
    available = TASKS_BY_TYPE[kind]
    for t in tasks or []:
        if t not in TASK_NEEDS:
            raise ToolError(f"unknown task {t!r}; known: {', '.join(TASK_NEEDS)}")
        if t not in available:
            raise ToolError(f"task {t!r} needs {TASK_NEEDS[t]}; {ckpt.name} is {kind}")
    if out.exists() and any(out.iterdir()) and not force:
        raise ToolError(f"output folder {out} exists and is not empty (use --force to replace it)")
    if fp16 and kind == "codec":
        raise ToolError("--fp16 has no effect on a codec-only bundle (the codec always stays fp32)")
    if int8 and kind == "codec":
        raise ToolError("--int8 has no effect on a codec-only bundle (the codec always stays fp32)")
    if static_kv is not None and kind == "codec":
        raise ToolError("--static-kv needs a talker; a codec-only bundle has none")
    if static_kv is not None and static_kv < 2:
        raise ToolError(f"--static-kv must be at least 2 positions, got {static_kv}")

    _quiet_imports()
    import torch

    torch.set_num_threads(max(1, torch.get_num_threads()))
    from .export_codec import export_codec

    tmp = out.parent / f".{out.name}.partial"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    try:
        marker = _random_marker(ckpt)
        manifest = {
            "format": BUNDLE_FORMAT,
            "bundle_version": BUNDLE_VERSION,
            "model": {
                "name": name or marker.get("name") or ckpt.name,
                "type": kind,
                "size": info["config"].get("tts_model_size"),
                "random_weights": bool(marker.get("random_weights", False)),
                "source": {"config_sha256": _sha256_file(ckpt / "config.json")},
            },
            "tasks": available,
            "precision": "fp16" if fp16 else "int8" if int8 else "fp32",
        }
        if kind == "codec":
            from qwen_tts import Qwen3TTSTokenizer

            codec = Qwen3TTSTokenizer.from_pretrained(str(ckpt)).model.float().eval()
            manifest["codec"] = export_codec(codec, tmp)
        else:
            from qwen_tts import Qwen3TTSModel

            from .export_talker import export_talker

            wrapper = Qwen3TTSModel.from_pretrained(str(ckpt), dtype=torch.float32, attn_implementation="eager")
            model = wrapper.model.eval()
            cfg = info["config"]
            manifest["text"] = _text_section(cfg)
            manifest.update(_voices_section(cfg))
            manifest["instruct_supported"] = not (kind == "custom_voice" and cfg.get("tts_model_size") == "0b6")
            manifest["generation"] = _generation_section(ckpt)
            # The checkpoint's own file, verbatim: the engine fills every generation argument a
            # request leaves unset from it, as the official wrapper's _merge_generate_kwargs does.
            # Optional for readers (bundles exported before it existed use the manifest section).
            shutil.copyfile(ckpt / "generation_config.json", tmp / "generation_config.json")
            # The official loader may swap the pre-tokenizer regex (spec pitfall 1); saving the
            # processor's own backend keeps whatever it actually uses.
            wrapper.processor.tokenizer.backend_tokenizer.save(str(tmp / "tokenizer.json"), pretty=False)
            talker = export_talker(model, tmp, fp16=fp16, int8=int8, probe=probe, static_kv=static_kv)
            talker["dims"] = talker.pop("talker")
            if int8:
                manifest["quantization"] = talker.pop("quantization")
            tc = cfg["talker_config"]
            talker["codec_tokens"] = {
                "pad": tc["codec_pad_id"], "bos": tc["codec_bos_id"], "eos": tc["codec_eos_token_id"],
                "think": tc["codec_think_id"], "nothink": tc["codec_nothink_id"],
                "think_bos": tc["codec_think_bos_id"], "think_eos": tc["codec_think_eos_id"],
            }
            manifest["talker"] = talker
            manifest["batch"] = {"max_batch": MAX_BATCH, "padding": "left", "attention_mask": True}
            manifest["codec"] = export_codec(model.speech_tokenizer.model.float().eval(), tmp)
            if kind == "base":
                from .export_speaker import export_speaker

                se = export_speaker(model, tmp)
                manifest["speaker_encoder"] = se.get("speaker_encoder", se)
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="tools/export", description=__doc__.split("\n\n")[0])
    ap.add_argument("checkpoint", type=Path, help="official checkpoint folder (Hugging Face layout)")
    ap.add_argument("out", type=Path, help="bundle folder to write")
    ap.add_argument("--fp16", action="store_true",
                    help="fp16 talker weights for CUDA (code predictor, codec, speaker encoder stay fp32)")
    ap.add_argument("--int8", action="store_true",
                    help="8-bit MatMul weights (MatMulNBits) in the talker and code predictor, for the CPU; "
                         "not bit-exact with the official fp32 model")
    ap.add_argument("--probe", action="store_true",
                    help="with --fp16: run the fp32 talker for a few hundred frames first and keep in fp32 every "
                         "talker node whose activations exceed a safe fp16 range")
    ap.add_argument("--probe-frames", type=int, default=300, help="frames the probe runs (default 300)")
    ap.add_argument("--probe-limit", type=float, default=16384.0,
                    help="largest magnitude an fp16 node may reach in the probe (default 16384, a quarter of fp16's range)")
    ap.add_argument("--static-kv", dest="static_kv", type=int, metavar="N",
                    help="also write talker_static.onnx: the talker over a fixed N-position KV buffer updated in "
                         "place (engine.static_kv; CUDA graphs on a GPU); N bounds prompt + generated frames")
    ap.add_argument("--name", help="bundle name in the manifest (default: folder name)")
    ap.add_argument("--tasks", help="comma-separated tasks the bundle must support (fails if it cannot)")
    ap.add_argument("--force", action="store_true", help="replace an existing output folder")
    a = ap.parse_args(argv)
    tasks = [t.strip().replace("-", "_") for t in a.tasks.split(",")] if a.tasks else None
    probe = {"frames": a.probe_frames, "limit": a.probe_limit} if a.probe else None
    m = export(a.checkpoint, a.out, fp16=a.fp16, name=a.name, tasks=tasks, force=a.force, int8=a.int8, probe=probe,
               static_kv=a.static_kv)
    print(f"wrote {a.out} ({m['model']['type']}, {m['precision']}"
          f"{', random weights' if m['model']['random_weights'] else ''})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    run_cli(main)
