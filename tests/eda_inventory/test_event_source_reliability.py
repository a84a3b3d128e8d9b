# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The live_jobs event source under faults, run in-process (as ansible-rulebook runs it: the file by path,
main(queue, args) on an event loop) against the emulator over HTTP.

Guarantees checked: a failed or partial poll emits nothing, a job is said to have ended only when it has,
each transition is emitted once, faults are logged with their code and request id, secrets never appear in
an event or a log line, and options errors stop the source at once."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import asyncio
import json
import logging
import os
import random
import runpy

import pytest

from conftest import ACCESS_KEY, PROJECTS, SECRET_KEY, SECRETS, calls, running_jobs

PROJECT_ID = PROJECTS[0]


@pytest.fixture(name="source")
def source_fixture(collections):
    path = os.path.join(collections, "ansible_collections", "metastudio", "cloud", "extensions", "eda", "plugins",
                        "event_source", "live_jobs.py")
    return runpy.run_path(path)


def seed_jobs(emulator, count):
    emulator.seed(dict(projects=[dict(project_id=PROJECT_ID)],
                       credentials=[dict(access_key=ACCESS_KEY, secret_key=SECRET_KEY, project_ids=[])],
                       generate=dict(project_id=PROJECT_ID, rooms=count, jobs=count, state="PROCESSING")))
    return [job["job_id"] for job in running_jobs(emulator, PROJECT_ID)]


def source_args(emulator, **extra):
    args = dict(interval=0.2, max_backoff=0.4, endpoint=emulator.url, project_id=PROJECT_ID, access_key=ACCESS_KEY,
                secret_key=SECRET_KEY, retries=0, timeout=5)
    args.update(extra)
    return args


async def drive(source, args, scenario):
    """Run the source while ``scenario(queue)`` plays; returns every event put on the queue."""
    queue = asyncio.Queue()
    task = asyncio.ensure_future(source["main"](queue, args))
    try:
        await scenario(queue)
        await asyncio.sleep(1.0)
    finally:
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
    events = []
    while not queue.empty():
        events.append(queue.get_nowait())
    return events


async def until(predicate, seconds=30.0):
    """Wait for ``predicate()``; the tests do not depend on how fast a loaded machine polls."""
    for dummy in range(int(seconds / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in %s s" % seconds)


async def first_poll_done(emulator, listings=3):
    for dummy in range(200):
        if len([call for call in calls(emulator, "ListSmartLiveJobs") if call["status"] == 200]) >= listings:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the source never completed its first poll")


def test_faults_during_polls_emit_nothing_then_the_real_end_once(emulator, source, caplog):
    job_ids = seed_jobs(emulator, 4)

    async def scenario(queue):
        await first_poll_done(emulator)
        for kind in ("status", "reset", "truncated", "html"):
            emulator.add_fault(dict(operation="ListSmartLiveJobs", kind=kind, status=503, count=3))
            await asyncio.sleep(1.0)
        assert queue.empty(), "a fault made an event: %r" % queue.get_nowait()
        emulator.end_job(job_ids[1], state="FAILED", error_info=dict(error_code="MSS.1", error_msg="lost"))
        event = await asyncio.wait_for(queue.get(), 10)
        queue.put_nowait(event)

    with caplog.at_level(logging.ERROR):
        events = asyncio.run(drive(source, source_args(emulator), scenario))
    assert [(event["metastudio"]["type"], event["metastudio"]["job_id"], event["metastudio"]["state"],
             event["metastudio"]["previous_state"]) for event in events] == [("job_ended", job_ids[1], "FAILED", "PROCESSING")]
    assert events[0]["metastudio"]["error_info"] == dict(error_code="MSS.1", error_msg="lost")
    failed = [call for call in calls(emulator, "ListSmartLiveJobs") if call["status"] and call["status"] >= 500]
    logged = caplog.text
    assert "poll failed, no event emitted" in logged and "APIG.0204" in logged and failed[0]["request_id"] in logged


def test_random_faults_and_ends_give_exactly_the_real_transitions(emulator, source):
    """Many jobs (two pages), jobs ending while pages are read, a third of the calls failing: the events are
    exactly one job_ended per job that ended, with its real final state."""
    job_ids = seed_jobs(emulator, 130)
    rng = random.Random(12)
    ended = {}

    async def scenario(queue):
        await first_poll_done(emulator)
        emulator.add_fault(dict(operation="*", kind="status", status=503, probability=0.3))
        for job_id in rng.sample(job_ids, 40):
            state = rng.choice(("FAILED", "SUCCEED", "BLOCKED"))
            emulator.end_job(job_id, state=state)
            ended[job_id] = state
            await asyncio.sleep(rng.uniform(0.0, 0.15))
        await asyncio.sleep(3.0)
        emulator.faults.clear()
        await until(lambda: queue.qsize() >= len(ended))

    events = asyncio.run(drive(source, source_args(emulator), scenario))
    seen = [(event["metastudio"]["job_id"], event["metastudio"]["state"]) for event in events]
    assert all(event["metastudio"]["type"] == "job_ended" for event in events)
    assert sorted(seen) == sorted(ended.items())
    assert len(running_jobs(emulator, PROJECT_ID)) == 90


def test_new_jobs_and_announced_running_jobs(emulator, source):
    job_ids = seed_jobs(emulator, 2)

    async def scenario(queue):
        await first_poll_done(emulator, listings=3)
        emulator.seed(dict(jobs=[dict(project_id=PROJECT_ID, room_id=running_jobs(emulator)[0]["room_id"],
                                      job_id="b" * 32, state="PROCESSING")]))
        await until(lambda: queue.qsize() >= 3)
        # Started and ended between two polls: reported once, as ended, with no previous state.
        emulator.seed(dict(jobs=[dict(project_id=PROJECT_ID, room_id=running_jobs(emulator)[0]["room_id"],
                                      job_id="c" * 32, state="FAILED")]))
        await until(lambda: queue.qsize() >= 4)

    events = asyncio.run(drive(source, source_args(emulator, announce_running=True), scenario))
    seen = [(event["metastudio"]["type"], event["metastudio"]["job_id"], event["metastudio"]["previous_state"])
            for event in events]
    assert sorted(seen[:2]) == sorted(("job_started", job_id, None) for job_id in job_ids)
    assert seen[2:] == [("job_started", "b" * 32, None), ("job_ended", "c" * 32, None)]


def test_rooms_by_name_and_secrets_never_logged(emulator, source, caplog):
    job_ids = seed_jobs(emulator, 3)
    watched = running_jobs(emulator)[2]
    room_name = [room for room in emulator.raw_rooms() if room["room_id"] == watched["room_id"]][0]["room_name"]

    async def scenario(queue):
        await first_poll_done(emulator)
        for job_id in job_ids:
            emulator.end_job(job_id, state="FAILED")
        await until(lambda: queue.qsize() >= 1)

    with caplog.at_level(logging.DEBUG):
        events = asyncio.run(drive(source, source_args(emulator, rooms=[room_name]), scenario))
    assert [event["metastudio"]["job_id"] for event in events] == [watched["job_id"]]
    assert events[0]["metastudio"]["room_name"] == room_name
    # Now with a wrong secret key: refused calls are logged, the secret is not.
    wrong = "eda-wrong-sk-0123456789abcdef"
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        asyncio.run(drive(source, source_args(emulator, secret_key=wrong),
                          lambda queue: until(lambda: [call for call in calls(emulator) if call["status"] == 401])))
    assert "APIG.0301" in caplog.text
    for text in (caplog.text, json.dumps(events)):
        for secret in SECRETS + (wrong,):
            assert secret not in text


@pytest.mark.parametrize("args, message", [
    (dict(intervall=5), "unknown option(s) intervall"),
    (dict(interval=0), "interval must be a number of seconds above 0"),
    (dict(rooms=["no such room"]), "names no room of the project by id or exact name: no such room"),
    (dict(access_key=None, secret_key=None, auth_token=None, iam_username="u"), "go together"),
])
def test_bad_options_stop_the_source_with_a_message(emulator, source, args, message):
    seed_jobs(emulator, 1)
    with pytest.raises(Exception) as caught:
        asyncio.run(asyncio.wait_for(source["main"](asyncio.Queue(), source_args(emulator, **args)), 10))
    assert message in str(caught.value)
