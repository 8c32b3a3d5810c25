"""tools/bench/pipelines_bench.py: the inputs it sends have the sizes the benchmark promises."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import pipelines_bench  # noqa: E402


def test_narration_text_is_one_paragraph_per_chunk_under_the_chunk_limit():
    paragraphs = pipelines_bench.narration_text(40).split("\n\n")
    assert len(paragraphs) == 40
    # The narration chunker packs sentences up to 300 characters and never joins paragraphs.
    assert all(0 < len(p) <= 300 for p in paragraphs)
    assert len(set(paragraphs)) == 40


def test_npc_pack_has_the_lines_over_four_speakers_with_the_options():
    pack = pipelines_bench.npc_pack(32, 24, 7, "some-model")
    assert len(pack["lines"]) == 32 and len({line["id"] for line in pack["lines"]}) == 32
    assert {line["character"] for line in pack["lines"]} == {c["id"] for c in pack["characters"]}
    assert len(pack["characters"]) == 4
    assert pack["max_new_tokens"] == 24 and pack["seed"] == 7 and pack["custom_voice_model"] == "some-model"
    assert "custom_voice_model" not in pipelines_bench.npc_pack(4, 8, 1, None)
