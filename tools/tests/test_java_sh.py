"""scripts/lib/java.sh must work in a shell without HOME (cron, systemd units, some containers)."""
import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _run(env):
    return subprocess.run(
        ["bash", "-c", 'set -euo pipefail; . scripts/lib/java.sh; q3tts_find_java || echo "none"'],
        cwd=REPO, env=env, capture_output=True, text=True, check=False)


def test_java_sh_without_home_finds_the_same_jdk_as_with_home():
    base = {k: v for k, v in os.environ.items() if k not in ("HOME", "JAVA_HOME")}
    without = _run(base)
    assert without.returncode == 0, without.stderr
    assert "unbound variable" not in without.stderr
    with_home = _run({**base, "HOME": os.environ.get("HOME", "/root")})
    assert without.stdout == with_home.stdout
