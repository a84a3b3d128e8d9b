#!/usr/bin/env bash
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Run the interpreter-specific sanity tests (compile, import) on every Python that tests/config.yml claims
# for modules, besides the controller's, with the interpreters that tests/utils/find-pythons.sh linked.
# Usage: sanity-pythons.sh ANSIBLE_TEST COLLECTION_DIR PYTHONS_DIR VERSION...
set -euo pipefail

ansible_test=$1
collection=$2
pythons=$3
shift 3

cd "$collection"
for version in "$@"; do
    if [ ! -x "$pythons/python$version" ]; then
        echo "no interpreter for Python $version in $pythons: run make pythons first" >&2
        exit 1
    fi
    echo "== ansible-test sanity (compile, import) on Python $version"
    PATH="$pythons:$PATH" "$ansible_test" sanity --venv --python "$version" --test compile --test import --color no
done
