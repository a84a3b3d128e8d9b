# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Faults on starts: metastudio_live_job state=started and metastudio_live_job_command against an emulator
whose answers get lost, before or after the call was carried out.

Whatever the fault, a room never ends up with two livestreams started by one task: the emulator's own
record (jobs and the call log's effects) is the judge. A task either reports the job that runs, or fails
saying the livestream (or the command) may have been carried out; never a traceback.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os

import pytest

from harness import (OMIT, PROJECT_ID, ROOT, assert_clean_result, assert_no_traceback, module_args, run_module)

START_MODULE = os.path.join(ROOT, "plugins", "modules", "metastudio_live_job.py")
COMMAND_MODULE = os.path.join(ROOT, "plugins", "modules", "metastudio_live_job_command.py")
ROOM = "room-start-0001"
ROOM_NAME = "Spring sale"
PARALLEL = dict(single_job_in_room=False)

LOST = [
    pytest.param(dict(kind="status", status=500), id="500"),
    pytest.param(dict(kind="status", status=502), id="502"),
    pytest.param(dict(kind="status", status=503), id="503"),
    pytest.param(dict(kind="status", status=504), id="504"),
    pytest.param(dict(kind="html", status=502), id="html-502"),
    pytest.param(dict(kind="truncated"), id="truncated"),
    pytest.param(dict(kind="reset"), id="reset"),
]


def prepare_room(lab, behaviour=None, faults=()):
    lab.prepare(behaviour=behaviour, faults=faults)
    lab.emulator.seed({"rooms": [{"project_id": PROJECT_ID, "room_id": ROOM, "room_name": ROOM_NAME}]})


def start(lab, collections, **options):
    args = dict(room_id=ROOM, state="started", timeout=2, retries=2)
    args.update(options)
    run = run_module(collections, module_args(lab, **args), module_path=START_MODULE)
    assert_no_traceback(run.stdout, run.stderr)
    assert_clean_result(run.result)
    return run


def started_jobs(lab):
    """The jobs the emulator holds for the room, and the StartSmartLive calls that created one."""
    jobs = [job for job in lab.jobs().values() if job["room_id"] == ROOM]
    effects = [call for call in lab.calls("StartSmartLive") if call["effect"] == "started"]
    assert len(effects) == len(jobs), (effects, jobs)
    return jobs


def warnings_of(run):
    return json.dumps(run.result.get("warnings") or [])


def assert_one_livestream(lab, run):
    assert not run.failed, run.describe()
    jobs = started_jobs(lab)
    assert len(jobs) == 1, "the room holds %d jobs: %s" % (len(jobs), jobs)
    assert run.result["changed"] is True
    assert run.result["job_id"] == jobs[0]["job_id"]
    assert run.result["state"] == "PROCESSING"


@pytest.mark.parametrize("fault", LOST)
def test_answer_lost_after_the_start_adopts_the_job(lab, collections, fault):
    prepare_room(lab, faults=[dict(fault, operation="StartSmartLive", apply="after")])
    run = start(lab, collections)
    assert_one_livestream(lab, run)
    assert len(lab.calls("StartSmartLive")) == 1, "a start whose effect was seen was sent again"
    assert "nothing was sent again" in warnings_of(run), warnings_of(run)


@pytest.mark.parametrize("fault", LOST)
def test_answer_lost_before_the_start_sends_once_more_with_single_job_in_room(lab, collections, fault):
    prepare_room(lab, faults=[dict(fault, operation="StartSmartLive", apply="before")])
    run = start(lab, collections)
    assert_one_livestream(lab, run)
    assert len(lab.calls("StartSmartLive")) == 2
    assert "sent once more" in warnings_of(run), warnings_of(run)


@pytest.mark.parametrize("fault", LOST)
def test_without_single_job_in_room_a_start_never_seen_is_not_resent(lab, collections, fault):
    prepare_room(lab, faults=[dict(fault, operation="StartSmartLive", apply="before")])
    run = start(lab, collections, job_run_config=PARALLEL)
    assert run.failed
    assert "may have been started" in run.msg and "single_job_in_room false" in run.msg
    assert run.result["changed"] is True and run.result["outcome"] == "unknown"
    assert len(lab.calls("StartSmartLive")) == 1
    assert started_jobs(lab) == []


@pytest.mark.parametrize("fault", LOST[:1] + LOST[-1:])
def test_without_single_job_in_room_a_lost_answer_still_adopts_the_job_it_made(lab, collections, fault):
    prepare_room(lab, faults=[dict(fault, operation="StartSmartLive", apply="after")])
    run = start(lab, collections, job_run_config=PARALLEL)
    assert_one_livestream(lab, run)
    assert len(lab.calls("StartSmartLive")) == 1


def test_late_answer_adopts_the_job(lab, collections):
    """Carried out at once, answered after the client's timeout."""
    prepare_room(lab, faults=[dict(operation="StartSmartLive", kind="latency", latency_ms=2500, apply="after")])
    run = start(lab, collections, timeout=1)
    assert_one_livestream(lab, run)
    lab.wait_for_calls(lambda calls: len([call for call in calls if call["operation"] == "StartSmartLive"]) == 1)
    assert len(lab.calls("StartSmartLive")) == 1


def test_start_carried_out_after_the_client_gave_up_leaves_one_livestream(lab, collections):
    """The hardest case: the first start reaches the service only after the listing found nothing and the
    start was sent once more. single_job_in_room makes the service refuse whichever comes second."""
    prepare_room(lab, faults=[dict(operation="StartSmartLive", kind="latency", latency_ms=3000)])
    run = start(lab, collections, timeout=1)
    calls = lab.wait_for_calls(lambda calls: len([call for call in calls if call["operation"] == "StartSmartLive"]) == 2)
    starts = [call for call in calls if call["operation"] == "StartSmartLive"]
    assert len(starts) == 2
    assert_one_livestream(lab, run)
    assert sorted(call["status"] for call in starts) == [202, 400], starts


def test_start_carried_out_late_without_single_job_in_room_fails_then_a_rerun_adopts_it(lab, collections):
    prepare_room(lab, faults=[dict(operation="StartSmartLive", kind="latency", latency_ms=3000)])
    run = start(lab, collections, timeout=1, job_run_config=PARALLEL)
    assert run.failed and "may have been started" in run.msg
    lab.wait_for_calls(lambda calls: any(call["operation"] == "StartSmartLive" and call["status"] for call in calls))
    jobs = started_jobs(lab)
    assert len(jobs) == 1, "the late start was carried out"
    rerun = start(lab, collections, job_run_config=PARALLEL)
    assert not rerun.failed and rerun.result["changed"] is False
    assert rerun.result["job_id"] == jobs[0]["job_id"]
    assert len(lab.calls("StartSmartLive")) == 1


@pytest.mark.parametrize("offset", [-7200, 7200], ids=["server-2h-behind", "server-2h-ahead"])
def test_lost_answer_with_a_skewed_server_clock_adopts_the_job(lab, collections, offset):
    """The job's create_time comes from a clock two hours off the Date header: the running listing finds it."""
    prepare_room(lab, faults=[dict(operation="StartSmartLive", kind="status", status=503, apply="after")])
    lab.emulator.clock.set_offset(offset)
    run = start(lab, collections, job_run_config=PARALLEL)
    assert_one_livestream(lab, run)
    assert len(lab.calls("StartSmartLive")) == 1


def test_both_answers_lost_fails_saying_it_may_have_started(lab, collections):
    prepare_room(lab, faults=[dict(operation="StartSmartLive", kind="status", status=503, count=2)])
    run = start(lab, collections)
    assert run.failed and "may have been started" in run.msg and "both answers were lost" in run.msg
    assert run.result["status_code"] == 503 and run.result["error_code"] == "APIG.0204"
    assert len(lab.calls("StartSmartLive")) == 2
    assert started_jobs(lab) == []


def test_reads_that_fail_after_a_lost_answer_never_lead_to_a_resend(lab, collections):
    prepare_room(lab, faults=[dict(operation="StartSmartLive", kind="status", status=503, apply="after"),
                              dict(operation="ListSmartLive", kind="status", status=500, count=1000)])
    # The first listing fails too, so not even the first start is sent.
    run = start(lab, collections)
    assert run.failed and run.result["status_code"] == 500
    assert lab.calls("StartSmartLive") == []


def test_throttled_start_is_retried_and_starts_once(lab, collections):
    throttled = dict(kind="status", status=429, error_code="APIG.0308", error_msg="The throttling threshold has been reached")
    prepare_room(lab, faults=[dict(throttled, operation="StartSmartLive", count=2)])
    run = start(lab, collections, retries=3)
    assert_one_livestream(lab, run)
    assert [call["status"] for call in lab.calls("StartSmartLive")] == [429, 429, 202]


@pytest.mark.parametrize("outcome, field", [("FAILED", "error_info"), ("BLOCKED", "block_reason")])
def test_job_that_ends_while_starting_fails_the_task_with_its_reason(lab, collections, outcome, field):
    prepare_room(lab, behaviour=dict(started_job_outcome=outcome, start_delay_seconds=0.5))
    run = start(lab, collections)
    assert run.failed and run.result["changed"] is True
    job = started_jobs(lab)[0]
    assert run.result["job_id"] == job["job_id"] and run.result["state"] == outcome
    reason = job[field]["error_msg"] if field == "error_info" else job[field]
    assert reason and reason in run.msg


# --- commands ------------------------------------------------------------------------------------------


def command(lab, collections, job_id, name, params=None, **options):
    args = dict(room_id=ROOM, job_id=job_id, command=name, params=params, timeout=2, retries=2)
    args.update(options)
    args = dict((key, value) for key, value in args.items() if value is not None)
    run = run_module(collections, module_args(lab, wait_sleep=OMIT, wait_timeout=OMIT, **args), module_path=COMMAND_MODULE)
    assert_no_traceback(run.stdout, run.stderr)
    assert_clean_result(run.result)
    return run


def running_job(lab, collections):
    run = start(lab, collections)
    assert not run.failed, run.describe()
    lab.absorb()
    return run.result["job_id"]


SAY = dict(text_config=dict(text="Welcome"), play_type="APPEND")


@pytest.mark.parametrize("apply_when", ["before", "after"])
@pytest.mark.parametrize("fault", LOST)
def test_lost_command_answer_is_not_resent(lab, collections, fault, apply_when):
    prepare_room(lab)
    job_id = running_job(lab, collections)
    lab.add_fault(operation="ExecuteSmartLiveCommand", apply=apply_when, **fault)
    run = command(lab, collections, job_id, "INSERT_PLAY_SCRIPT", SAY)
    assert run.failed and run.result["maybe_applied"] is True and run.result["changed"] is True
    assert "may have been carried out" in run.msg
    calls = lab.calls("ExecuteSmartLiveCommand")
    assert len(calls) == 1
    assert (calls[0]["effect"] == "executed") is (apply_when == "after")


def test_command_to_a_job_that_ended_meanwhile_is_refused_clearly(lab, collections):
    prepare_room(lab)
    job_id = running_job(lab, collections)
    lab.add_fault(operation="ExecuteSmartLiveCommand", kind="end_job_first", state="SUCCEED")
    run = command(lab, collections, job_id, "INSERT_PLAY_SCRIPT", SAY)
    assert run.failed and run.result["maybe_applied"] is False and run.result["changed"] is False
    assert run.result["error_code"] == "MSS.20020001" and run.result["status_code"] == 400
    assert "is SUCCEED, not PROCESSING" in run.msg
