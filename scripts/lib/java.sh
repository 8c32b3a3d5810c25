# shellcheck shell=bash
# Sourced by the q3tts scripts: finds a JDK 25+ and exports JAVA_HOME and PATH, so that
# both `java` and `mvn` (which honours JAVA_HOME) use it. The machine default may be JDK 17.

q3tts_java_major() {
  # Prints the feature version of the JDK at $1 (e.g. 25), or nothing if it is not a JDK.
  local home="$1" release version
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
  release="$home/release"
  if [ -r "$release" ]; then
    version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$release")
  fi
  if [ -z "${version:-}" ]; then
    version=$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = //p')
  fi
  [ -n "${version:-}" ] || return 1
  version=${version#1.}
  printf '%s\n' "${version%%[.+-]*}"
}

q3tts_find_java() {
  local min=25 candidate major
  local -a candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  # HOME may be unset (cron, systemd, containers); under `set -u` a bare "$HOME" would abort the
  # caller's shell, so the SDKMAN location is only looked at when HOME is set.
  for candidate in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25* /opt/java/* ${HOME:+"$HOME"/.sdkman/candidates/java/*}; do
    [ -d "$candidate" ] && candidates+=("$candidate")
  done
  for candidate in "${candidates[@]}"; do
    [ -L "$candidate" ] && [ "$(basename "$candidate")" = current ] && continue
    major=$(q3tts_java_major "$candidate" 2>/dev/null) || continue
    if [ -n "$major" ] && [ "$major" -ge "$min" ] 2>/dev/null; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

q3tts_use_java() {
  local home
  if ! home=$(q3tts_find_java); then
    echo "q3tts: no JDK 25 or newer found. Looked at JAVA_HOME (${JAVA_HOME:-unset}), /usr/lib/jvm/temurin-25*, /usr/lib/jvm/*25*, /opt/java/* and ~/.sdkman/candidates/java/*. Install a JDK 25 (e.g. Temurin) or set JAVA_HOME to one." >&2
    return 1
  fi
  export JAVA_HOME="$home"
  export PATH="$JAVA_HOME/bin:$PATH"
}
