#!/usr/bin/env bash
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# A script target rather than a role target: a role target named live_environment would resolve to the
# collection's own role of that name instead of these tests.
set -eu
export ANSIBLE_ROLES_PATH=../
ansible-playbook -i "${INVENTORY_PATH}" -e @../../integration_config.yml runme.yml "$@"
