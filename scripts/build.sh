#!/usr/bin/env bash
# Builds and installs every module with a JDK 25, skipping tests. Extra arguments go to Maven.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/java.sh
. "$root/scripts/lib/java.sh"
q3tts_use_java
cd "$root"
# Maven 3.8's bundled Guava uses sun.misc.Unsafe; JDK 24+ warns about it on every run.
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
# Maven 3.8's console library prints bare ANSI resets even in batch mode; strip them so logs stay
# readable. pipefail (set above) keeps Maven's exit status.
mvn -q -B -Dstyle.color=never -DskipTests install "$@" 2>&1 | sed -u $'s/\e\\[0m//g'

