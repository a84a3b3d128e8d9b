#!/usr/bin/env bash
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Run a command with a MetaStudio emulator listening on a free loopback port, then stop the emulator.
# The command sees METASTUDIO_EMULATOR_URL (and METASTUDIO_EMULATOR_CA when EMULATOR_ARGS holds --tls).
# Usage: [PYTHON=python] [EMULATOR_ARGS="--seed file.json"] tests/utils/with-emulator.sh COMMAND [ARGS...]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=${PYTHON:-python3}
state_dir=$(mktemp -d)
address_file="$state_dir/address.json"
emulator_pid=""

# Called through the trap below.
# shellcheck disable=SC2329
stop_emulator() {
    if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
        kill -TERM "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    rm -rf "$state_dir"
}
trap stop_emulator EXIT

# EMULATOR_ARGS is split on purpose: it holds several options.
# shellcheck disable=SC2086
"$python" "$here/../emulator/run_emulator.py" --port 0 --address-file "$address_file" --quiet ${EMULATOR_ARGS:-} &
emulator_pid=$!

for _ in $(seq 1 150); do
    [ -s "$address_file" ] && break
    if ! kill -0 "$emulator_pid" 2>/dev/null; then
        echo "the MetaStudio emulator exited before it was ready" >&2
        exit 1
    fi
    sleep 0.1
done
if [ ! -s "$address_file" ]; then
    echo "the MetaStudio emulator did not start within 15 seconds" >&2
    exit 1
fi

METASTUDIO_EMULATOR_URL=$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["url"])' "$address_file")
METASTUDIO_EMULATOR_CA=$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1])).get("ca_cert") or "")' "$address_file")
export METASTUDIO_EMULATOR_URL METASTUDIO_EMULATOR_CA

status=0
"$@" || status=$?
exit "$status"
