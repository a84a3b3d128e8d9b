# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the job watcher behind the live_jobs event source, over a scripted transport (no HTTP):
pages that shift while they are read, failed polls and failed reads never make a false transition."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible_collections.metastudio.cloud.plugins.module_utils._errors import MetaStudioError
from ansible_collections.metastudio.cloud.plugins.module_utils._live_watch import JobWatcher
from ansible_collections.metastudio.cloud.plugins.module_utils._transport import ApiResponse

P = "0" * 32


def job(number, state="PROCESSING", created="2026-11-30T01:00:00Z"):
    return dict(job_id="job%02d" % number, room_id="room%02d" % number, room_name="Room %d" % number, state=state,
                create_time=created)


class ScriptedTransport(object):
    """The service as a list of jobs; ``shift`` drops the first running job from every page after the first,
    as a page does when a job ends while the listing is read; ``fail`` names operations that fail."""

    def __init__(self, jobs):
        self.jobs = dict((item["job_id"], dict(item)) for item in jobs)
        self.fail = set()
        self.shift = False
        self.calls = []

    def call(self, name, query=None, body=None, **ids):
        self.calls.append(name)
        if name in self.fail:
            raise MetaStudioError("%s failed" % name, status_code=503, error_code="APIG.0204", request_id="rid-fail")
        if name == "ShowSmartLive":
            return ApiResponse(200, dict(self.jobs[ids["job_id"]]), "rid-show")
        query = dict(query)
        listed = [item for item in self.jobs.values()
                  if not query.get("state") or item["state"] in query["state"].split(",")]
        if query.get("create_since"):
            listed = [item for item in listed if item["create_time"] >= query["create_since"]]
        if query.get("sort_dir") == "desc":
            listed.sort(key=lambda item: item["create_time"], reverse=True)
        offset, limit = query["offset"], query["limit"]
        if self.shift and offset:
            offset += 1
        return ApiResponse(200, dict(count=len(listed), smart_live_jobs=listed[offset:offset + limit]), "rid-list")


def kinds(events):
    return [(event["metastudio"]["type"], event["metastudio"]["job_id"], event["metastudio"]["state"],
             event["metastudio"]["previous_state"]) for event in events]


def test_a_job_skipped_by_a_shifted_page_is_read_not_reported_ended():
    transport = ScriptedTransport([job(number) for number in range(1, 6)])
    watcher = JobWatcher(transport, P, page_size=2)
    assert watcher.poll() == []
    transport.shift = True
    assert watcher.poll() == []
    assert "ShowSmartLive" in transport.calls


def test_a_failed_poll_or_read_emits_nothing_and_the_next_poll_catches_up():
    transport = ScriptedTransport([job(1), job(2)])
    watcher = JobWatcher(transport, P)
    watcher.poll()
    transport.jobs["job01"]["state"] = "FAILED"
    transport.jobs["job01"]["create_time"] = "2026-11-29T01:00:00Z"
    transport.fail = {"ShowSmartLive"}
    with pytest.raises(MetaStudioError):
        watcher.poll()
    transport.fail = {"ListSmartLiveJobs"}
    with pytest.raises(MetaStudioError):
        watcher.poll()
    transport.fail = set()
    assert kinds(watcher.poll()) == [("job_ended", "job01", "FAILED", "PROCESSING")]
    assert watcher.poll() == []


def test_started_waiting_to_processing_and_ended_between_polls():
    transport = ScriptedTransport([job(1)])
    watcher = JobWatcher(transport, P, announce_running=False)
    assert watcher.poll() == []
    transport.jobs["job02"] = job(2, state="WAITING", created="2026-11-30T02:00:00Z")
    assert kinds(watcher.poll()) == [("job_started", "job02", "WAITING", None)]
    transport.jobs["job02"]["state"] = "PROCESSING"
    transport.jobs["job03"] = job(3, state="BLOCKED", created="2026-11-30T02:01:00Z")
    assert sorted(kinds(watcher.poll())) == [("job_ended", "job03", "BLOCKED", None),
                                             ("job_started", "job02", "PROCESSING", "WAITING")]
    assert watcher.poll() == []


def test_jobs_that_ended_before_the_first_poll_are_the_past():
    transport = ScriptedTransport([job(1, state="FAILED"), job(2)])
    watcher = JobWatcher(transport, P, announce_running=True)
    assert kinds(watcher.poll()) == [("job_started", "job02", "PROCESSING", None)]
    assert watcher.poll() == []


def test_rooms_filter_and_a_job_that_can_no_longer_be_read():
    transport = ScriptedTransport([job(1), job(2)])
    watcher = JobWatcher(transport, P, room_ids=["room02"])
    watcher.poll()
    del transport.jobs["job01"]
    del transport.jobs["job02"]
    transport.call = _not_found_on_show(transport.call)
    assert kinds(watcher.poll()) == [("job_ended", "job02", None, "PROCESSING")]


def _not_found_on_show(call):
    def wrapped(name, query=None, body=None, **ids):
        if name == "ShowSmartLive":
            raise MetaStudioError("gone", status_code=400, error_code="MSS.00000003", request_id="rid-gone")
        return call(name, query, body, **ids)
    return wrapped
