#!/usr/bin/env bash
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Find a real interpreter for each Python version given and link it as LINK_DIR/pythonX.Y, for ansible-test
# (which finds interpreters on PATH and strips PYENV_VERSION). Each folder of PATH is searched as a fresh
# machine has it: an interpreter that runs is taken as it is; a pyenv shim that refuses a version because it is
# not selected leads to the pyenv root beside it, whose versions/ folder has the interpreter. A version found
# nowhere is an error: the checks that need it cannot run.
# Usage: find-pythons.sh LINK_DIR VERSION...
set -euo pipefail

link_dir=$1
shift
mkdir -p "$link_dir"

# The interpreter that pythonVERSION in folder DIR stands for, or nothing.
real_interpreter() {
    local dir=$1 version=$2 candidate=$1/python$2 real=""
    [ -x "$candidate" ] || return 0
    real=$(env -u PYENV_VERSION "$candidate" -c 'import sys; print(sys.executable)' 2>/dev/null || true)
    if [ -z "$real" ] && [ "$(basename "$dir")" = shims ]; then
        real=$(find "$(dirname "$dir")/versions" -maxdepth 3 -path "*/versions/$version.*/bin/python$version" 2>/dev/null \
            | sort -V | tail -n 1)
    fi
    [ -n "$real" ] && [ -x "$real" ] && echo "$real"
    return 0
}

missing=()
IFS=: read -r -a path_dirs <<< "$PATH"
for version in "$@"; do
    found=""
    for dir in "${path_dirs[@]}"; do
        found=$(real_interpreter "${dir:-.}" "$version")
        [ -n "$found" ] && break
    done
    if [ -z "$found" ]; then
        missing+=("$version")
        continue
    fi
    ln -sfn "$found" "$link_dir/python$version"
    echo "Python $version: $found"
done

if [ "${#missing[@]}" -gt 0 ]; then
    echo "ERROR: no interpreter found on PATH for Python ${missing[*]}, which tests/config.yml claims for the modules." >&2
    echo "Install it (for example with pyenv or the system's packages), or leave it out on purpose with" >&2
    echo "  make test SKIP_PYTHONS='${missing[*]}'" >&2
    exit 1
fi
