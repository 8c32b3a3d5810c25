"""tools/make-reference regenerates the committed demo bundles and fixtures byte for byte."""
from q3tts_tools import make_reference


def test_committed_reference_files_are_reproduced_exactly():
    repo = make_reference.REPO
    assert (repo / "fixtures" / "index.json").is_file(), "fixtures/ missing: run tools/make-reference"
    problems = make_reference.check(repo / "models", repo / "fixtures", repo / "build" / "cache")
    assert problems == [], "\n".join(problems[:20])
