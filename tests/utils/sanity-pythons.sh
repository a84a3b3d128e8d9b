#!/usr/bin/env bash
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Run the interpreter-specific sanity tests (compile, import) on every Python that tests/config.yml claims
# for modules, besides the controller's. ansible-test finds interpreters on PATH and strips PYENV_VERSION,
# so each real interpreter is linked into a folder of its own first. Missing interpreters are reported.
# Usage: sanity-pythons.sh ANSIBLE_TEST COLLECTION_DIR VERSION...
set -euo pipefail

ansible_test=$1
collection=$2
shift 2
links=$(mktemp -d)
trap 'rm -rf "$links"' EXIT

tested=()
missing=()
for version in "$@"; do
    real=$("python$version" -c 'import sys; print(sys.executable)' 2>/dev/null || true)
    if [ -z "$real" ]; then
        real=$(find "${PYENV_ROOT:-$HOME/.pyenv}/versions" -maxdepth 3 -path "*/$version.*/bin/python$version" 2>/dev/null | sort | tail -n 1)
    fi
    if [ -n "$real" ] && [ -x "$real" ]; then
        ln -s "$real" "$links/python$version"
        tested+=("$version")
    else
        missing+=("$version")
    fi
done

cd "$collection"
for version in "${tested[@]}"; do
    echo "== ansible-test sanity (compile, import) on Python $version"
    PATH="$links:$PATH" "$ansible_test" sanity --venv --python "$version" --test compile --test import --color no
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "NOTE: no interpreter found for Python ${missing[*]}; compile and import sanity not run on it" >&2
fi
