#!/usr/bin/env bash
# ansible-rulebook runs its rules engine on a Java 17 (or later) runtime. The tests of the event source need it.
# When it is missing: as root on a Debian or Ubuntu machine it is installed from the distribution's packages
# (openjdk-17-jre-headless); anywhere else this fails with the command to run. It never skips.
set -euo pipefail

PACKAGE=openjdk-17-jre-headless
HINT="install $PACKAGE (apt-get install $PACKAGE), or another Java 17+ runtime, and put java on PATH or set JAVA_HOME"

java_major() {
    local java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
    command -v "$java" >/dev/null 2>&1 || return 1
    "$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
}

major="$(java_major || true)"
if [ -n "$major" ] && [ "$major" -ge 17 ]; then
    echo "check-java: Java $major runtime found"
    exit 0
fi
echo "check-java: ansible-rulebook needs a Java 17 runtime and ${major:+only Java $major was found}${major:-none was found}." >&2
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "check-java: installing $PACKAGE with apt-get (running as root)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$PACKAGE"
    major="$(java_major || true)"
    if [ -n "$major" ] && [ "$major" -ge 17 ]; then
        echo "check-java: Java $major runtime installed"
        exit 0
    fi
fi
echo "check-java: FAILED: $HINT" >&2
exit 1
