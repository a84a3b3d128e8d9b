# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Concurrency: twenty ansible-playbook runs at once stop the same ten jobs.

Every run must succeed; each job is stopped by exactly one POST that took effect, exactly one run reports
it stopped (with that POST's request id) and the nineteen others report it unchanged.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import random

from harness import assert_clean_result, assert_no_traceback, job_spec, lab_defaults, run_together, stop_task

RUNS = 20


def test_twenty_runs_stop_the_same_jobs(lab, workdir, collections):
    # Four jobs in one room and three in another (read through room listings), three alone (read one by one).
    jobs = [job_spec("job-shared-%d" % index, room_id="room-many-a") for index in range(4)]
    jobs += [job_spec("job-shared-%d" % index, room_id="room-many-b") for index in range(4, 7)]
    jobs += [job_spec("job-shared-%d" % index, room_id="room-one-%d" % index, state="WAITING" if index == 9 else "PROCESSING")
             for index in range(7, 10)]
    lab.prepare(jobs=jobs)
    targets = [dict(room_id=job["room_id"], job_id=job["job_id"]) for job in jobs]

    def tasks_of_run(number):
        order = list(targets)
        random.Random(number).shuffle(order)
        return [stop_task("stop", ignore_errors=False, jobs=order, concurrency=4)]

    runs = run_together(workdir, collections, tasks_of_run, RUNS, defaults=lab_defaults(lab, retries=5, timeout=20))
    print("%d concurrent runs took %.1f s (slowest), %d calls" % (RUNS, max(run.seconds for run in runs), len(lab.calls())))

    reported = dict((job["job_id"], []) for job in jobs)
    for number, run in enumerate(runs):
        assert run.returncode == 0, "run %d failed:\n%s" % (number, run.describe())
        assert_no_traceback(run.stdout, run.stderr)
        result = run.result("stop")
        assert_clean_result(result)
        assert result["failed_jobs"] == []
        assert sorted(result["stopped"] + result["unchanged"]) == sorted(reported)
        for item in result["results"]:
            if item["changed"]:
                reported[item["job_id"]].append((number, item["request_id"]))

    effects = lab.stop_effects()
    for job in jobs:
        job_id = job["job_id"]
        mine = [call for call in effects if call["job_id"] == job_id]
        assert len(mine) == 1, "job %s was stopped by %d POSTs" % (job_id, len(mine))
        assert len(reported[job_id]) == 1, "job %s reported changed by runs %s" % (job_id, reported[job_id])
        assert reported[job_id][0][1] == mine[0]["request_id"]
        assert lab.job(job_id)["state"] == "SUCCEED"
    winners = [number for number, run in enumerate(runs) if run.result("stop")["changed"]]
    assert sum(len(run.result("stop")["stopped"]) for run in runs) == len(jobs)
    assert sum(len(run.result("stop")["unchanged"]) for run in runs) == len(jobs) * (RUNS - 1)
    print("runs that stopped at least one job: %s" % winners)
    assert winners
