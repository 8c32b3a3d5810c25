#!/usr/bin/env bash
# Installs the Debian packages the tests (and some features) use:
#   chromium, chromium-driver  the headless browser the UI tests drive (/usr/bin/chromium, /usr/bin/chromedriver)
#   ffmpeg                     decodes Ogg Vorbis uploads (no pure-Java Vorbis decoder fits the build)
#   libsoxr0                   resamples voice-clone references exactly as the official code (librosa's soxr HQ);
#                              without it, references not at 24 kHz are refused with a hint (ffmpeg usually brings it)
#   nats-server                the JetStream server the cluster test starts (docs/scale-out.md); the single-process
#                              default never needs it
# Idempotent: installs only what is missing. Needs root (apt-get) when something is missing.
set -euo pipefail

missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ -x /usr/bin/chromedriver ]] || missing+=(chromium-driver)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
has_libsoxr() {
  { command -v ldconfig >/dev/null 2>&1 && ldconfig -p 2>/dev/null | grep -q 'libsoxr\.so\.0'; } \
    || [[ -n "$(find /usr/lib /usr/lib64 /usr/local/lib -maxdepth 2 -name 'libsoxr.so.0*' -print -quit 2>/dev/null)" ]]
}
has_libsoxr || missing+=(libsoxr0)
command -v nats-server >/dev/null 2>&1 || [[ -x /usr/sbin/nats-server ]] || missing+=(nats-server)

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-system-deps: chromium, chromedriver, ffmpeg, libsoxr0 and nats-server already installed"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "install-system-deps: missing ${missing[*]} and not root; run as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "install-system-deps: apt-get update"
apt-get update -qq
echo "install-system-deps: apt-get install ${missing[*]}"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
echo "install-system-deps: installed ${missing[*]}"
