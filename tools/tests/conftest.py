"""Shared pytest fixtures: the tiny random-weight reference checkpoints, built once per session."""
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / "build" / "cache"

os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


@pytest.fixture(scope="session")
def reference_checkpoints(tmp_path_factory):
    """name -> checkpoint folder for 'codec', 'custom-voice', 'voice-design', 'base'."""
    from q3tts_tools.reference_checkpoints import build_all

    return build_all(tmp_path_factory.mktemp("reference"), CACHE)
