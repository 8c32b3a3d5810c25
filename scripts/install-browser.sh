#!/usr/bin/env bash
# Installs the headless browser the UI tests drive: Debian's chromium and chromium-driver at
# /usr/bin/chromium and /usr/bin/chromedriver. Idempotent: does nothing when both are present.
# Needs root (apt-get); the UI tests skip themselves when the browser is missing.
set -euo pipefail

if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
  echo "install-browser: chromium and chromedriver already installed"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "install-browser: chromium or chromedriver missing and not root; run as root: apt-get install chromium chromium-driver" >&2
  exit 1
fi
echo "install-browser: apt-get update"
apt-get update -qq
echo "install-browser: apt-get install chromium chromium-driver"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
echo "install-browser: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
