"""tools/make-reference: the random-weight reference checkpoints, demo bundles and parity fixtures.

    tools/make-reference                 # rebuild models/demo-* and fixtures/ in the repo
    tools/make-reference --check         # rebuild into a temp folder and compare byte for byte
    tools/make-reference --full-0.6b DIR # a full-size 0.6B CustomVoice bundle with random weights (benchmarks)

Everything is seeded: running it twice gives identical files, which is what --check proves.
"""
import argparse
import filecmp
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .errors import ToolError, run_cli

REPO = Path(__file__).resolve().parents[2]
DEMO_PREFIX = "demo-"
# The demo TTS bundles carry the fixed-size KV talker (talker_static.onnx), so the static path is
# parity-tested like the others: 512 positions hold every fixture case but the 8192-token ones,
# which exercise the fallback to the growing cache.
DEMO_STATIC_KV = 512


def _deterministic_torch():
    import torch

    # One thread keeps float reductions in one order, so reruns are byte-identical.
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(0)


def build(models_dir: Path, fixtures_dir: Path, work: Path, cache: Path) -> None:
    from .export import _quiet_imports

    _quiet_imports()
    _deterministic_torch()
    from . import reference_checkpoints as rc
    from .audio_clips import write_rate_clips, write_reference_clips
    from .export import export
    from .fixtures import write_fixtures

    ckpts = rc.build_all(work / "checkpoints", cache)
    for name, path in ckpts.items():
        dest = models_dir / f"{DEMO_PREFIX}{name}"
        export(path, dest, name=f"{DEMO_PREFIX}{name}", force=True,
               static_kv=None if name == "codec" else DEMO_STATIC_KV)
        print(f"bundle {dest}", file=sys.stderr)
    if fixtures_dir.exists():
        shutil.rmtree(fixtures_dir)
    fixtures_dir.mkdir(parents=True)
    clips = write_reference_clips(fixtures_dir / "clips")
    clips.update(write_rate_clips(fixtures_dir / "clips"))
    write_fixtures(ckpts, clips, fixtures_dir, work)
    # The int8 option is not a parity path, so its bundle is a fixture for the Java engine's own test
    # (it loads and generates), not a demo model the server would offer.
    int8 = fixtures_dir / "bundles" / "custom-voice-int8"
    export(ckpts["custom-voice"], int8, name="int8-custom-voice", force=True, int8=True)
    print(f"fixtures {fixtures_dir}", file=sys.stderr)


def _diff_trees(a: Path, b: Path) -> list[str]:
    problems = []
    files_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    for rel in sorted(files_a - files_b):
        problems.append(f"only in {a}: {rel}")
    for rel in sorted(files_b - files_a):
        problems.append(f"only in {b}: {rel}")
    for rel in sorted(files_a & files_b):
        if not filecmp.cmp(a / rel, b / rel, shallow=False):
            problems.append(f"differs: {rel}")
    return problems


def check(models_dir: Path, fixtures_dir: Path, cache: Path) -> list[str]:
    """Rebuilds into a temp folder and lists every difference from the committed files."""
    with tempfile.TemporaryDirectory(prefix="q3tts-ref-") as tmp:
        t = Path(tmp)
        build(t / "models", t / "fixtures", t / "work", cache)
        problems = []
        for d in sorted((t / "models").iterdir()):
            problems += _diff_trees(d, models_dir / d.name)
        problems += _diff_trees(t / "fixtures", fixtures_dir)
        return problems


def full_06b(dest: Path, work: Path, cache: Path, static_kv: int | None = None) -> None:
    from .export import _quiet_imports

    _quiet_imports()
    from . import reference_checkpoints as rc
    from .export import export

    codec = work / "full-codec"
    rc.build_codec(codec, 7, tiny=False)
    ckpt = work / "full-0.6b-custom-voice"
    rc.build_tts(ckpt, "custom-voice", 8, codec, cache, full_06b=True)
    export(ckpt, dest, name="random-0.6b-custom-voice", force=True, static_kv=static_kv)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="tools/make-reference", description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", type=Path, default=REPO / "models", help="where the demo bundles go")
    ap.add_argument("--fixtures", type=Path, default=REPO / "fixtures", help="where the fixtures go")
    ap.add_argument("--work", type=Path, default=REPO / "build" / "reference", help="scratch folder")
    ap.add_argument("--check", action="store_true", help="rebuild in a temp folder and compare")
    ap.add_argument("--full-0.6b", dest="full", type=Path, metavar="DIR",
                    help="write a full-size random 0.6B CustomVoice bundle to DIR instead")
    ap.add_argument("--static-kv", dest="static_kv", type=int, metavar="N",
                    help="with --full-0.6b: also export the fixed-size KV talker (tools/export --static-kv N)")
    a = ap.parse_args(argv)
    cache = REPO / "build" / "cache"
    if a.full:
        full_06b(a.full, a.work, cache, a.static_kv)
        return 0
    if a.check:
        problems = check(a.models, a.fixtures, cache)
        if problems:
            for p in problems[:50]:
                print(p, file=sys.stderr)
            raise ToolError(f"{len(problems)} files differ from a fresh rebuild")
        print("reference bundles and fixtures are reproducible", file=sys.stderr)
        return 0
    a.work.mkdir(parents=True, exist_ok=True)
    build(a.models, a.fixtures, a.work, cache)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    run_cli(main)
