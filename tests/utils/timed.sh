#!/usr/bin/env bash
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Run one stage of make test, then print its wall time and record it in TIMES_DIR/STAGE.txt ("STAGE SECONDS"),
# whether it passed or failed; the exit status is the stage's.
# Usage: timed.sh TIMES_DIR STAGE COMMAND [ARGS...]
set -uo pipefail

times_dir=$1
stage=$2
shift 2
mkdir -p "$times_dir"
start=$(date +%s)
"$@"
status=$?
seconds=$(( $(date +%s) - start ))
echo "$stage $seconds" > "$times_dir/$stage.txt"
if [ "$status" -eq 0 ]; then
    echo "== $stage: passed in ${seconds}s"
else
    echo "== $stage: FAILED (exit status $status) after ${seconds}s"
fi
exit "$status"
