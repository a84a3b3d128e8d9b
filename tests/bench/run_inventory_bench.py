#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark of the teardown over many projects: teardown_inventory on the live_rooms inventory, against the
bound the rate limits set and against the single-project teardown run once per project in sequence.

    .venv/bin/python tests/bench/run_inventory_bench.py                  # 20 projects x 50 rooms x 2 jobs
    .venv/bin/python tests/bench/run_inventory_bench.py --project-rate 20
    .venv/bin/python tests/bench/run_inventory_bench.py --smoke          # 3 projects x 5 rooms x 2 jobs

It prints figures; it passes no judgement on them. Exit status 1 when a job is left running or a playbook
failed, 2 when the benchmark could not run.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.dirname(sys.executable)
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

from metastudio_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position
from metastudio_emulator.routes import REFERENCE_RATES  # noqa: E402  pylint: disable=wrong-import-position
from metastudio_emulator.timeutil import parse_rfc3339  # noqa: E402  pylint: disable=wrong-import-position

ACCESS_KEY = "BENCHINVENTORYAK0001"
SECRET_KEY = "bench-inventory-secret-key-000000000001"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--projects", type=int, default=20)
    parser.add_argument("--rooms", type=int, default=50, help="rooms per project")
    parser.add_argument("--jobs-per-room", type=int, default=2)
    parser.add_argument("--latency-ms", type=int, default=20, help="latency the emulator adds to every API call")
    parser.add_argument("--project-rate", type=float, default=None,
                        help="calls per second per API for every project (default: the gateway's documented limits)")
    parser.add_argument("--forks", type=int, default=20)
    parser.add_argument("--skip-sequential", action="store_true", help="do not run the per-project sequence")
    parser.add_argument("--smoke", action="store_true", help="3 projects of 5 rooms")
    args = parser.parse_args(argv)
    if args.smoke:
        args.projects, args.rooms = 3, 5
    return args


def project_ids(count):
    return ["%032x" % (0xbe7c0000000000000000000000000000 + index) for index in range(1, count + 1)]


def seed(emulator, args):
    emulator.reset()
    emulator.update_behaviour(dict(latency_ms=args.latency_ms))
    limits = "reference" if args.project_rate is None else {"*": args.project_rate}
    projects = project_ids(args.projects)
    emulator.seed(dict(
        projects=[dict(project_id=project_id, rate_limits=limits) for project_id in projects],
        credentials=[dict(access_key=ACCESS_KEY, secret_key=SECRET_KEY, project_ids=[])]))
    for project_id in projects:
        emulator.seed(dict(generate=dict(project_id=project_id, rooms=args.rooms, jobs=args.rooms * args.jobs_per_room,
                                         state="PROCESSING", room_name_prefix="room-")))
    return projects


def rate_of(args, operation):
    return args.project_rate if args.project_rate is not None else REFERENCE_RATES[operation]


def bound_seconds(calls, args):
    """The slowest project's calls at its limits: per project, the most loaded API's calls over its rate (the
    APIs have buckets of their own, so they proceed side by side); throttled answers are not counted."""
    per_project = {}
    for call in calls:
        if call["project_id"] and call["status"] != 429 and call["operation"]:
            counts = per_project.setdefault(call["project_id"], {})
            counts[call["operation"]] = counts.get(call["operation"], 0) + 1
    bounds = dict((project_id, max(count / rate_of(args, operation) for operation, count in counts.items()))
                  for project_id, counts in per_project.items())
    slowest = max(bounds, key=bounds.get)
    return bounds[slowest], per_project[slowest]


def environment(emulator, work):
    env = dict((name, value) for name, value in os.environ.items()
               if not name.startswith(("HW_", "HUAWEICLOUD_", "ANSIBLE_")) and "proxy" not in name.lower())
    env.update(PATH=BIN + os.pathsep + env.get("PATH", ""), HOME=work, ANSIBLE_HOME=os.path.join(work, "ansible"),
               ANSIBLE_LOCAL_TEMP=os.path.join(work, "tmp"), ANSIBLE_COLLECTIONS_PATH=os.path.join(work, "collections"),
               ANSIBLE_INVENTORY_UNPARSED_FAILED="true", HUAWEICLOUD_SDK_AK=ACCESS_KEY, HUAWEICLOUD_SDK_SK=SECRET_KEY,
               HW_METASTUDIO_ENDPOINT=emulator.url)
    return env


def timed(command, env, work):
    began = time.monotonic()
    completed = subprocess.run(command, env=env, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               universal_newlines=True, check=False)
    return time.monotonic() - began, completed


def still_running(emulator):
    return sum(1 for job in emulator.raw_jobs() if job["state"] in ("WAITING", "PROCESSING"))


def run_inventory_teardown(emulator, args, env, work):
    projects = seed(emulator, args)
    inventory = os.path.join(work, "bench.metastudio.yml")
    with open(inventory, "w") as handle:
        handle.write("plugin: metastudio.cloud.live_rooms\nprojects:\n")
        handle.writelines("  - project_id: %s\n" % project_id for project_id in projects)
    # The inventory alone first (it only reads), to tell its share of the teardown's time.
    inventory_seconds, listed = timed([os.path.join(BIN, "ansible-inventory"), "-i", inventory, "--graph"], env, work)
    if listed.returncode != 0:
        print(listed.stdout[-3000:])
    emulator.calls.clear()
    command = [os.path.join(BIN, "ansible-playbook"), "-i", inventory, "metastudio.cloud.teardown_inventory",
               "--forks", str(args.forks)]
    if args.project_rate is not None:
        command += ["-e", "teardown_rate_limit=%s" % args.project_rate]
    seconds, completed = timed(command, env, work)
    calls = emulator.calls.since(0)
    return seconds, inventory_seconds, completed, calls


def stop_span(calls):
    """Seconds from the first stop to the last call: the API work of the stop phase."""
    moments = [(parse_rfc3339(call["time"]), call["operation"]) for call in calls if call["time"]]
    stops = [moment for moment, operation in moments if operation == "StopSmartLive"]
    return (max(moment for moment, dummy in moments) - min(stops)) if stops else 0.0


def run_sequence(emulator, args, env, work):
    projects = seed(emulator, args)
    # That playbook runs on the implicit localhost, with no inventory.
    env = dict(env)
    env.pop("ANSIBLE_INVENTORY_UNPARSED_FAILED")
    total, failures = 0.0, []
    for project_id in projects:
        command = [os.path.join(BIN, "ansible-playbook"), "metastudio.cloud.teardown", "-e", "all_rooms=true",
                   "-e", "metastudio_project_id=%s" % project_id]
        if args.project_rate is not None:
            command += ["-e", "concurrency=20"]
        seconds, completed = timed(command, env, work)
        total += seconds
        if completed.returncode != 0:
            failures.append((project_id, completed.stdout[-2000:]))
    return total, failures


def main(argv=None):
    args = parse_args(argv)
    jobs = args.projects * args.rooms * args.jobs_per_room
    with tempfile.TemporaryDirectory(prefix="metastudio-inventory-bench-") as work:
        namespace = os.path.join(work, "collections", "ansible_collections", "metastudio")
        os.makedirs(namespace)
        os.symlink(ROOT, os.path.join(namespace, "cloud"))
        emulator = Emulator()
        try:
            emulator.start()
        except OSError as error:
            print("the emulator did not start: %s" % error)
            return 2
        try:
            env = environment(emulator, work)
            seconds, inventory_seconds, completed, calls = run_inventory_teardown(emulator, args, env, work)
            left = still_running(emulator)
            bound, counts = bound_seconds(calls, args)
            throttled = sum(1 for call in calls if call["status"] == 429)
            print("%d projects x %d rooms x %d jobs = %d jobs; latency %d ms; limits %s; forks %d" % (
                args.projects, args.rooms, args.jobs_per_room, jobs, args.latency_ms,
                "the gateway's documented ones" if args.project_rate is None else "%g/s per API" % args.project_rate,
                args.forks))
            print("teardown_inventory: %.1f s wall (inventory included), exit %d, %d API calls, %d answered 429, "
                  "%d jobs left running" % (seconds, completed.returncode, len(calls), throttled, left))
            print("bound (slowest project's calls at its limits): %.2f s; its calls: %s" % (
                bound, ", ".join("%s %d" % item for item in sorted(counts.items()))))
            print("of which: ansible-inventory alone %.1f s; first stop to last call %.1f s; load average %.1f" % (
                inventory_seconds, stop_span(calls), os.getloadavg()[0]))
            failed = completed.returncode != 0 or left
            if completed.returncode != 0:
                print(completed.stdout[-3000:])
            if not args.skip_sequential:
                sequence, failures = run_sequence(emulator, args, env, work)
                left = still_running(emulator)
                print("single-project teardown once per project, in sequence: %.1f s wall, %d failed runs, "
                      "%d jobs left running" % (sequence, len(failures), left))
                print("teardown_inventory is %.1f times faster than the sequence, %.1f times the bound" % (
                    sequence / seconds, seconds / bound if bound else float("inf")))
                failed = failed or failures or left
                for project_id, output in failures[:1]:
                    print("first failed run, project %s:\n%s" % (project_id, output))
        finally:
            emulator.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
