# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Concurrency: twenty ansible-playbook runs at once start the same room.

What the API allows: without job_run_config.single_job_in_room, a start in a busy room makes a parallel
job, and check-then-start cannot be made atomic by any client. What we promise: with single_job_in_room
true (the module's default) the service refuses every start but the first, so the room holds exactly one
livestream, exactly one run reports it started and every run returns that job. With single_job_in_room
false the runs stay consistent (each job reported started by exactly one run) but parallel jobs can appear;
how many is printed, not asserted.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from harness import PROJECT_ID, assert_clean_result, assert_no_traceback, lab_defaults, run_together

RUNS = 20
ROOM = "room-concurrent-0001"


def start_task(**options):
    task_options = dict(room_name="Launch room", state="started")
    task_options.update(options)
    return {"name": "start", "metastudio.cloud.metastudio_live_job": task_options, "register": "result"}


def start_all(lab, workdir, collections, task):
    """RUNS playbooks running ``task`` at the same moment; their results, each checked to be clean."""
    runs = run_together(workdir, collections, lambda number: [task], RUNS, defaults=lab_defaults(lab, retries=5, timeout=20))
    for number, run in enumerate(runs):
        assert run.returncode == 0, "run %d failed:\n%s" % (number, run.describe())
        assert_no_traceback(run.stdout, run.stderr)
        assert_clean_result(run.result("start"))
    return [run.result("start") for run in runs]


def prepare(lab, **behaviour):
    # The documented gateway limits (start 4/s) make the runs queue as they would against the service.
    lab.prepare(behaviour=dict(rate_limits="reference", **behaviour))
    lab.emulator.seed({"rooms": [{"project_id": PROJECT_ID, "room_id": ROOM, "room_name": "Launch room"}]})


def room_jobs(lab):
    return [job for job in lab.jobs().values() if job["room_id"] == ROOM]


def test_twenty_runs_start_one_livestream(lab, workdir, collections):
    prepare(lab)
    results = start_all(lab, workdir, collections, start_task())
    jobs = room_jobs(lab)
    starts = lab.calls("StartSmartLive")
    print("%d runs: %d StartSmartLive calls (%d refused, %d throttled), %d job(s)" % (
        RUNS, len(starts), len([call for call in starts if call["status"] == 400]),
        len([call for call in starts if call["status"] == 429]), len(jobs)))
    assert len(jobs) == 1, "the room holds %d jobs" % len(jobs)
    assert len([call for call in starts if call["effect"] == "started"]) == 1
    winners = [result for result in results if result["changed"]]
    assert len(winners) == 1, "%d runs report a start" % len(winners)
    assert winners[0]["request_id"] == [call for call in starts if call["effect"] == "started"][0]["request_id"]
    assert all(result["job_id"] == jobs[0]["job_id"] and result["state"] == "PROCESSING" for result in results)
    assert all(result["outcome"] == "unchanged" for result in results if not result["changed"])


def test_twenty_runs_without_single_job_in_room(lab, workdir, collections):
    busy_room_start = "parallel"
    prepare(lab, busy_room_start=busy_room_start)
    results = start_all(lab, workdir, collections, start_task(job_run_config=dict(single_job_in_room=False)))
    jobs = room_jobs(lab)
    started = [result["job_id"] for result in results if result["changed"]]
    print("without single_job_in_room, busy room start %s: %d runs started %d job(s)" % (busy_room_start, RUNS, len(jobs)))
    # Each job is reported started by exactly one run, and every run returns a job of the room.
    assert sorted(started) == sorted(job["job_id"] for job in jobs)
    assert all(result["job_id"] in started for result in results)
