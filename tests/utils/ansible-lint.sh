#!/usr/bin/env bash
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# ansible-lint over a copy of the collection in COLLECTIONS, with this collection on the collections path.
# The AWX examples (*.yml.example) are playbooks too: they are linted under their .yml names, against the
# stand-ins for awx.awx that .ansible-lint declares.
# Usage: ansible-lint.sh BIN_DIR COLLECTIONS
set -euo pipefail

bin=$1
collections=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$("$here/copy-collection.sh" "$collections")"
examples=0
while IFS= read -r example; do
    cp "$example" "${example%.example}"
    examples=$((examples + 1))
done < <(git ls-files '*.yml.example')
git add -A
echo "ansible-lint, with $examples AWX example playbook(s) linted as playbooks"
ANSIBLE_COLLECTIONS_PATH=$collections "$bin/ansible-lint" --nocolor
