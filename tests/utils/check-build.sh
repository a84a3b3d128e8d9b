#!/usr/bin/env bash
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Build the collection tarball, check that it holds no test output, caches or secrets, install it into a
# fresh collections path, and run the demo playbook from that installed copy against the emulator.
# Usage: check-build.sh BIN_DIR (the virtual environment's bin folder)
set -euo pipefail

bin=$1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin/ansible-galaxy" collection build "$root" --output-path "$work/dist" --force >/dev/null
tarball=$(ls "$work"/dist/metastudio-cloud-*.tar.gz)
tar -tzf "$tarball" > "$work/contents"
echo "built $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB, $(wc -l < "$work/contents") entries)"

# Nothing that belongs to the tests, a build, a cache or a private key may ship.
forbidden='(^|/)(tests|\.build|\.venv|\.ci|__pycache__|\.pytest_cache|\.hypothesis|output)(/|$)|\.pyc$|\.tar\.gz$|\.pem$|\.key$|(^|/)\.env$|integration_config\.yml$'
if grep -E "$forbidden" "$work/contents"; then
    echo "the tarball holds files that must not ship (listed above)" >&2
    exit 1
fi
for required in MANIFEST.json FILES.json README.md plugins/modules/metastudio_live_job.py meta/runtime.yml; do
    grep -qx "$required" "$work/contents" || { echo "the tarball lacks $required" >&2; exit 1; }
done

ANSIBLE_COLLECTIONS_PATH="$work/collections" "$bin/ansible-galaxy" collection install --offline -p "$work/collections" "$tarball" >/dev/null
echo "installed into a fresh collections path; running the demo from it"
DEMO_COLLECTIONS_PATH="$work/collections" EMULATOR_ARGS="--seed $root/tests/demo/seed.json" PYTHON="$bin/python" \
    "$root/tests/utils/with-emulator.sh" "$bin/python" "$root/tests/demo/run_demo.py" > "$work/demo.log" 2>&1 \
    || { cat "$work/demo.log"; echo "the demo failed from the installed collection" >&2; exit 1; }
grep -q "Idempotent:" "$work/demo.log" || { cat "$work/demo.log"; exit 1; }
grep -E "^localhost .*failed=0" "$work/demo.log"
# The second pass covers every seeded job, those that had already ended included, each with a labelled request ID.
for job in $("$bin/python" -c 'import json, sys; print(" ".join(job["job_id"] for job in json.load(open(sys.argv[1]))["jobs"]))' \
        "$root/tests/demo/seed.json"); do
    grep -qE "call [0-9]+/[0-9]+, request [0-9a-f]+: (read|stop) of job $job " "$work/demo.log" \
        || { cat "$work/demo.log"; echo "the demo's second pass shows no labelled request ID for job $job" >&2; exit 1; }
done
echo "build check passed"
