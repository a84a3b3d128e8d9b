# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Throttling and injected faults."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import http.client
import socket
import time
from urllib.parse import urlsplit

import pytest
import requests

from emulator_testlib import AK, JOB, PROJECT, ROOM, SK, ApiClient, assert_error


def test_throttling(api, admin):
    admin.behaviour(rate_limit_per_second=1, rate_limit_burst=2)
    statuses = [api.stop().status_code for count in range(4)]
    assert statuses[0] == 200 and 429 in statuses
    answer = api.show()
    assert answer.status_code == 200, "each operation has its own bucket"
    answer = api.show()
    answer = api.show() if answer.status_code == 200 else answer
    body = assert_error(answer, 429, "APIG.0308")
    assert body["error_msg"] == "The throttling threshold has been reached: policy user over ratelimit, limit:1, time:1 second"
    assert answer.headers["Retry-After"] == "1"
    throttled = [call for call in admin.calls() if call["throttled"]]
    assert throttled and all(call["effect"] in (None, "noop") for call in throttled)
    assert all(call["status"] == 429 for call in throttled)
    admin.behaviour(throttle_retry_after_seconds=3)
    retried = [api.show() for count in range(3)]
    assert any(item.headers.get("Retry-After") == "3" for item in retried if item.status_code == 429)
    admin.behaviour(rate_limit_per_second=None)
    assert all(api.show().status_code == 200 for count in range(10))
    assert admin.call("GET", "/health") == {"ok": True}


def test_no_retry_after_when_switched_off(api, admin):
    admin.behaviour(rate_limit_per_second=0.001, rate_limit_burst=1, throttle_retry_after_seconds=None)
    assert api.show().status_code == 200
    answer = api.show()
    assert_error(answer, 429, "APIG.0308")
    assert "Retry-After" not in answer.headers


def _throttle_answer(answer):
    body = answer.json()
    return answer.status_code, body["error_code"], body["error_msg"], answer.headers.get("Retry-After")


@pytest.mark.parametrize("apply", ["before", "after"])
def test_throttling_fault_answers_as_the_rate_limit_does(api, admin, apply):
    admin.behaviour(rate_limits={"ShowSmartLive": 2}, throttle_retry_after_seconds=2)
    admin.fault(operation="ShowSmartLive", kind="status", status=429, apply=apply)
    faulted = api.show()
    body = assert_error(faulted, 429, "APIG.0308")
    assert body["request_id"] == faulted.headers["X-Request-Id"]
    answers = [api.show() for count in range(20)]
    limited = [answer for answer in answers if answer.status_code == 429][0]
    assert _throttle_answer(faulted) == _throttle_answer(limited)
    assert _throttle_answer(limited) == (429, "APIG.0308", "The throttling threshold has been reached: policy user "
                                         "over ratelimit, limit:2, time:1 second", "2")


def test_throttling_fault_without_limits_names_the_reference_limit(api, admin):
    admin.fault(operation="StartSmartLive", kind="status", status=429)
    body = assert_error(api.start(), 429, "APIG.0308")
    assert body["error_msg"].endswith("limit:4, time:1 second")
    assert api.start().status_code == 202


def test_reference_rate_limits_per_project(emu, admin):
    other = "ab" * 16
    admin.seed({"projects": [{"project_id": PROJECT}, {"project_id": other, "rate_limits": {"*": 50}}],
                "credentials": [{"access_key": AK, "secret_key": SK}],
                "rooms": [{"project_id": PROJECT, "room_id": ROOM}, {"project_id": other, "room_id": "r2"}]})
    admin.behaviour(rate_limits="reference")
    mine, theirs = ApiClient(emu.url), ApiClient(emu.url, project_id=other)
    answers = [mine.start() for count in range(16)]
    statuses = [answer.status_code for answer in answers]
    assert statuses[:4] == [202] * 4 and 429 in statuses[4:]
    # Another project has its own buckets, and here its own limit.
    assert [theirs.start(room="r2").status_code for count in range(6)] == [202] * 6
    body = assert_error(answers[statuses.index(429)], 429, "APIG.0308")
    assert "limit:4," in body["error_msg"]


def test_project_limits_fall_through_for_apis_they_do_not_name(api, admin):
    admin.seed({"projects": [{"project_id": PROJECT, "rate_limits": {"StartSmartLive": 50}}]})
    admin.behaviour(rate_limits={"ListSmartLiveRooms": 0.001}, rate_limit_per_second=0.001, rate_limit_burst=1)
    assert api.list_rooms().status_code == 200
    assert "limit:0.001," in assert_error(api.list_rooms(), 429, "APIG.0308")["error_msg"]
    assert [api.start().status_code for count in range(3)] == [202] * 3
    assert api.show().status_code == 200
    assert_error(api.show(), 429, "APIG.0308")


def test_bad_rate_limits_are_refused(admin):
    admin.call("PUT", "/behaviour", {"rate_limits": {"NoSuchOperation": 1}}, expect=400)
    admin.call("PUT", "/behaviour", {"rate_limits": {"*": 0}}, expect=400)
    admin.call("POST", "/seed", {"projects": [{"project_id": "p", "rate_limits": "fast"}]}, expect=400)


def test_throttled_start_has_no_effect(api, admin):
    admin.behaviour(rate_limit_per_second=0.001, rate_limit_burst=1)
    assert api.start().status_code == 202
    assert_error(api.start(), 429, "APIG.0308")
    assert len(admin.call("GET", "/jobs")["jobs"]) == 2
    assert [call["effect"] for call in admin.calls()] == ["started", "noop"]


@pytest.mark.parametrize("status,code,message", [
    (500, "MSS.00000004", "Internal Error"),
    (502, "APIG.0202", None),
    (503, "APIG.0204", None),
    (504, "APIG.0201", "Backend timeout."),
])
def test_status_faults(api, admin, status, code, message):
    admin.fault(operation="StopSmartLive", kind="status", status=status)
    assert_error(api.stop(), status, code, message)
    assert admin.job()["state"] == "PROCESSING"
    last = admin.calls()[-1]
    assert last["fault"] == "status" and last["effect"] == "noop" and last["status"] == status
    assert api.stop().status_code == 200, "count defaults to one call"


def test_status_fault_overrides_and_count(api, admin):
    admin.fault(operation="ShowSmartLive", kind="status", status=503, error_code="APIG.0999", error_msg="busy", count=2)
    assert_error(api.show(), 503, "APIG.0999", "busy")
    assert_error(api.show(), 503, "APIG.0999", "busy")
    assert api.show().status_code == 200
    assert admin.call("GET", "/faults")["faults"] == []


def test_html_fault(api, admin):
    admin.fault(operation="*", kind="html")
    response = api.show()
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<html>" in response.text and len(response.headers["X-Request-Id"]) == 32
    admin.fault(operation="ShowSmartLive", kind="html", status=504)
    assert api.show().status_code == 504


def test_truncated_fault(api, admin):
    admin.fault(operation="ShowSmartLive", kind="truncated")
    with pytest.raises(requests.exceptions.RequestException):
        api.show()
    parts = urlsplit(api.base_url)
    admin.fault(operation="ShowSmartLive", kind="truncated")
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    connection.request("GET", api.job_path(ROOM, JOB), headers={"X-Auth-Token": "x"})
    response = connection.getresponse()
    assert response.status == 200
    with pytest.raises(http.client.IncompleteRead):
        response.read()
    connection.close()
    assert api.show().status_code == 200


def test_reset_fault(api, admin):
    admin.fault(operation="StopSmartLive", kind="reset")
    with pytest.raises(requests.exceptions.ConnectionError):
        api.stop()
    assert admin.job()["state"] == "PROCESSING"
    last = admin.calls()[-1]
    assert last["fault"] == "reset" and last["status"] is None and last["effect"] == "noop"
    parts = urlsplit(api.base_url)
    admin.fault(operation="ShowSmartLive", kind="reset")
    raw = socket.create_connection((parts.hostname, parts.port), timeout=5)
    raw.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % api.job_path(ROOM, JOB)).encode("ascii"))
    with pytest.raises((ConnectionResetError, ConnectionAbortedError)):
        data = raw.recv(100)
        # Some stacks report the reset on the next read.
        if not data:
            raw.recv(100)
            raise ConnectionResetError("empty read")
    raw.close()


def test_latency_fault_and_behaviour(api, admin):
    admin.fault(operation="ShowSmartLive", kind="latency", latency_ms=300)
    started = time.monotonic()
    assert api.show().status_code == 200
    assert time.monotonic() - started >= 0.3
    assert admin.calls()[-1]["fault"] == "latency"
    admin.behaviour(latency_ms=200)
    started = time.monotonic()
    assert api.show().status_code == 200
    assert time.monotonic() - started >= 0.2
    started = time.monotonic()
    admin.call("GET", "/health")
    assert time.monotonic() - started < 0.2


def test_end_job_first(api, admin):
    admin.fault(operation="StopSmartLive", kind="end_job_first")
    assert_error(api.stop(), 400, "MSS.20020001")
    assert api.show().json()["state"] == "SUCCEED"
    admin.seed({"jobs": [{"project_id": PROJECT, "room_id": ROOM, "job_id": "second"}]})
    admin.fault(operation="ShowSmartLive", kind="end_job_first", state="FAILED",
                error_info={"error_code": "E1", "error_msg": "gone"})
    job = api.show(job="second").json()
    assert job["state"] == "FAILED" and job["error_info"]["error_code"] == "E1"


def test_apply_after(api, admin):
    admin.fault(operation="StopSmartLive", kind="status", status=504, apply="after")
    assert_error(api.stop(), 504, "APIG.0201")
    assert admin.job()["state"] == "SUCCEED"
    last = admin.calls()[-1]
    assert last["effect"] == "stopped" and last["fault"] == "status" and last["status"] == 504
    admin.seed({"jobs": [{"project_id": PROJECT, "room_id": ROOM, "job_id": "second"}]})
    admin.fault(operation="StopSmartLive", kind="reset", apply="after")
    with pytest.raises(requests.exceptions.ConnectionError):
        api.stop(job="second")
    assert admin.job("second")["state"] == "SUCCEED"
    admin.fault(operation="StartSmartLive", kind="truncated", apply="after")
    with pytest.raises(requests.exceptions.RequestException):
        api.start()
    assert len(admin.call("GET", "/jobs")["jobs"]) == 3


def test_probability_and_listing(api, admin):
    never = admin.fault(operation="ShowSmartLive", kind="status", status=500, probability=0)
    assert all(api.show().status_code == 200 for count in range(5))
    listed = admin.call("GET", "/faults")["faults"]
    assert listed[0]["fault_id"] == never and listed[0]["remaining"] is None
    admin.call("DELETE", "/faults")
    admin.fault(operation="ShowSmartLive", kind="status", status=500, probability=1)
    assert all(api.show().status_code == 500 for count in range(3))
    admin.call("DELETE", "/faults")
    assert api.show().status_code == 200


def test_faults_never_touch_admin_or_other_operations(api, admin):
    admin.fault(operation="*", kind="status", status=500, count=5)
    assert admin.call("GET", "/health") == {"ok": True}
    assert admin.call("GET", "/faults")["faults"][0]["remaining"] == 5
    admin.call("DELETE", "/faults")
    admin.fault(operation="StopSmartLive", kind="status", status=500)
    assert api.show().status_code == 200
    assert api.list_jobs().status_code == 200


def test_invalid_faults(admin):
    for spec in ({"kind": "explode"}, {"kind": "status", "status": 200}, {"kind": "status", "operation": "Nope"},
                 {"kind": "end_job_first", "apply": "after"}, {"kind": "status", "count": 0},
                 {"kind": "status", "probability": 2}, {"kind": "status", "colour": "red"}):
        assert "error" in admin.call("POST", "/faults", spec, expect=400)
