#!/usr/bin/env bash
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Build the collection tarball and run galaxy-importer on it, the validator that Galaxy and Automation Hub run on
# every upload: every step but ansible-test (which needs containers). Any warning or error fails the check.
# Its result, logs and temporary files stay in WORK_DIR.
# Usage: galaxy-import.sh BIN_DIR WORK_DIR
set -euo pipefail

bin=$1
work=$2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rm -rf "$work"
mkdir -p "$work/dist" "$work/unpacked" "$work/ansible-tmp"
# The importer unpacks the tarball below "unpacked". A git repository there keeps ansible-lint from climbing up to
# this repository's own configuration, so that it sees the tarball as Galaxy does.
git init -q "$work/unpacked"
"$bin/ansible-galaxy" collection build "$root" --output-path "$work/dist" >/dev/null
tarball=$(ls "$work"/dist/metastudio-cloud-*.tar.gz)
cat > "$work/galaxy-importer.cfg" <<CONFIG
[galaxy-importer]
run_ansible_test = false
run_ansible_doc = true
run_ansible_lint = true
run_flake8 = true
check_changelog = true
check_required_tags = true
require_v1_or_greater = true
ansible_local_tmp = $work/ansible-tmp
tmp_root_dir = $work/unpacked
CONFIG
# The importer writes importer_result.json into its working folder.
cd "$work"
PATH="$bin:$PATH" GALAXY_IMPORTER_CONFIG="$work/galaxy-importer.cfg" "$bin/python" -m galaxy_importer.main "$tarball" \
    | tee "$work/importer.log"
if grep -E '^(WARNING|ERROR)' "$work/importer.log" > "$work/problems.log"; then
    echo "galaxy-importer reported $(wc -l < "$work/problems.log") problem(s) on $(basename "$tarball"):" >&2
    cat "$work/problems.log" >&2
    exit 1
fi
grep -q '^Importer processing completed successfully' "$work/importer.log"
echo "galaxy-importer: $(basename "$tarball") imported without a warning"
