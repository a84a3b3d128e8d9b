#!/usr/bin/env bash
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Copy the working tree (tracked and new, unignored files) to COLLECTIONS/ansible_collections/metastudio/cloud,
# where ansible-test expects it, and print that folder. The copy is a git repository of its own: ansible-test
# lists files through git, and the copy sits in a folder this repository ignores. Each check that runs beside
# others gets a copy of its own, so that their outputs (tests/output) never mix.
# Usage: copy-collection.sh COLLECTIONS
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
collection=$1/ansible_collections/metastudio/cloud
rm -rf "$collection"
mkdir -p "$collection"
cd "$root"
git ls-files --cached --others --exclude-standard | while read -r file; do [ -e "$file" ] && echo "$file"; done \
    | tar -cf - -T - | tar -xf - -C "$collection"
cd "$collection"
git init -q
git add -A
echo "$collection"
