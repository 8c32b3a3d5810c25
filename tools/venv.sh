#!/usr/bin/env bash
# Creates (or refreshes) tools/.venv from the pinned requirements and prints its python.
# The venv is rebuilt only when requirements.txt changes, so repeated calls are cheap.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
py="${PYTHON:-python3}"
if ! command -v "$py" >/dev/null 2>&1; then
  echo "q3tts tools: need python3 (3.10 or newer) on PATH" >&2; exit 1
fi
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "q3tts tools: installing the Python environment into $venv (first run takes a few minutes)" >&2
  "$py" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  echo "$want" > "$stamp"
fi
echo "$venv/bin/python"
