#!/usr/bin/env bash
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Run one ansible-test stage with one ansible-core version, in a copy of the collection of its own:
#   sanity          every sanity test on the controller Python
#   sanity-pythons  compile and import on every other Python that tests/config.yml claims and this
#                   ansible-core supports
#   units           the unit tests on the controller Python
#   integration     every integration target, against the emulator, on the controller Python
# ansible-test keeps its cache (virtual environments, the pip bootstrap script) under ~/.ansible/test and
# honours no other setting for it, so it runs with HOME set to a folder of the build for this version.
# Usage: ansible-test-stage.sh STAGE VERSION
# Environment: BUILD (the build folder), PYTHONS (links made by find-pythons.sh), CONTROLLER_PYTHON,
# MODULE_PYTHONS (the module Pythons to test), SKIP_PYTHONS (those left out on purpose).
set -euo pipefail

stage=$1
version=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
venv=$BUILD/venvs/ansible-core-$version
test_home=$BUILD/ansible-test-home/ansible-core-$version
[ -x "$venv/bin/ansible-test" ] || { echo "no virtual environment for ansible-core $version in $venv" >&2; exit 1; }

controller_pythons="" claimed_pythons="" pip_version=""
eval "$("$venv/bin/python" "$here/ansible_test_facts.py" "$here/../config.yml")"
case " $controller_pythons " in
    *" $CONTROLLER_PYTHON "*) ;;
    *) echo "ansible-core $version does not run on Python $CONTROLLER_PYTHON (only $controller_pythons)" >&2; exit 1 ;;
esac

# The offline stand-in for the pip bootstrap script, where this ansible-test looks for its cached copy.
cached_pip=$test_home/.ansible/test/cache/get_pip_${pip_version//./_}.py
mkdir -p "$(dirname "$cached_pip")"
cp "$here/get_pip_offline.py" "$cached_pip"

collection=$("$here/copy-collection.sh" "$BUILD/stages/$stage/ansible-core-$version")
log=$BUILD/stages/$stage/ansible-core-$version.log
rm -f "$log"
cd "$collection"
export PATH="$venv/bin:$PYTHONS:$PATH"
# A sanity test whose program is missing only warns; here it fails the stage, like any check that cannot run.
ansible_test() {
    HOME=$test_home ansible-test "$@" --color no 2>&1 | tee -a "$log"
    if grep -q 'WARNING: Required program .* not found' "$log"; then
        echo "ansible-test could not run every test: $(grep -o 'Required program .* not found' "$log" | sort -u | tr '\n' ' ')" >&2
        exit 1
    fi
}

case $stage in
    sanity)
        ansible_test sanity --venv --python "$CONTROLLER_PYTHON" ;;
    sanity-pythons)
        for python in $claimed_pythons; do
            [ "$python" != "$CONTROLLER_PYTHON" ] || continue
            case " $SKIP_PYTHONS " in *" $python "*) echo "== Python $python left out (SKIP_PYTHONS)"; continue ;; esac
            case " $MODULE_PYTHONS " in
                *" $python "*) ;;
                *) echo "ansible-core $version tests modules on Python $python, as tests/config.yml claims," \
                        "but the Makefile's MODULE_PYTHONS does not list it" >&2; exit 1 ;;
            esac
            echo "== ansible-core $version: sanity (compile, import) on Python $python"
            ansible_test sanity --venv --python "$python" --test compile --test import
        done ;;
    units)
        ansible_test units --local --python "$CONTROLLER_PYTHON" ;;
    integration)
        # shellcheck disable=SC2016  # expanded by the inner shell, once the emulator runs
        PYTHON="$venv/bin/python" "$here/with-emulator.sh" bash -c '
            printf "emulator_url: %s\n" "$METASTUDIO_EMULATOR_URL" > tests/integration/integration_config.yml
            HOME=$0 ansible-test integration --local --python "$1" --color no' "$test_home" "$CONTROLLER_PYTHON" ;;
    *)
        echo "unknown stage $stage" >&2; exit 1 ;;
esac
