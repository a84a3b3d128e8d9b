# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lost answers for every operation (carried out, then a 5xx, a reset, a cut body or a timeout), and a call log
that never holds a secret."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import time

import pytest
import requests

from emulator_testlib import JOB, PROJECT, ROOM, assert_error
from metastudio_emulator import routes

SPARE_ROOM = "spare-room"
USER = {"domain_name": "acct", "name": "deployer", "password": "pw-secret-1", "project_ids": []}
TOKEN_BODY = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "deployer", "password": "pw-secret-1", "domain": {"name": "acct"}}}},
    "scope": {"project": {"id": PROJECT}}}}

# operation: (call, what the call did, read back through the admin interface; None for reads)
CALLS = {
    "ShowSmartLive": (lambda api, **kw: api.show(**kw), None),
    "ListSmartLive": (lambda api, **kw: api.list_room_jobs(**kw), None),
    "ListSmartLiveJobs": (lambda api, **kw: api.list_jobs(**kw), None),
    "ShowSmartLiveRoom": (lambda api, **kw: api.show_room(**kw), None),
    "ListSmartLiveRooms": (lambda api, **kw: api.list_rooms(**kw), None),
    "KeystoneCreateUserTokenByPassword": (
        lambda api, **kw: api.request("POST", "/v3/auth/tokens", body=json.dumps(TOKEN_BODY), auth=False, **kw),
        None),
    "StopSmartLive": (lambda api, **kw: api.stop(**kw), lambda admin: admin.job()["state"] == "SUCCEED"),
    "StartSmartLive": (lambda api, **kw: api.start(**kw),
                       lambda admin: len(admin.call("GET", "/jobs")["jobs"]) == 2),
    "ExecuteSmartLiveCommand": (lambda api, **kw: api.command({"command": "GET_CURRENT_PLAYING_SCRIPTS"}, **kw),
                                lambda admin: len(admin.job()["commands"]) == 1),
    "CreateSmartLiveRoom": (lambda api, **kw: api.create_room({"room_name": "new"}, **kw),
                            lambda admin: len(admin.call("GET", "/rooms")["rooms"]) == 3),
    "UpdateSmartLiveRoom": (lambda api, **kw: api.update_room({"room_name": "renamed"}, **kw),
                            lambda admin: admin.room()["room_name"] == "renamed"),
    "DeleteSmartLiveRoom": (lambda api, **kw: api.delete_room(room=SPARE_ROOM, **kw),
                            lambda admin: admin.room(SPARE_ROOM, expect=404) is not None),
}
LOST = {
    "status": (dict(kind="status", status=503), requests.Response),
    "reset": (dict(kind="reset"), requests.ConnectionError),
    "truncated": (dict(kind="truncated"), requests.exceptions.ChunkedEncodingError),
    "timeout": (dict(kind="latency", latency_ms=3000), requests.Timeout),
}


def test_every_operation_is_covered():
    assert sorted(CALLS) == sorted(routes.OPERATIONS)
    changing = set(name for name, (call, applied) in CALLS.items() if applied is not None)
    assert changing == set(routes.STATE_CHANGING)


@pytest.fixture(name="lab")
def lab_fixture(api, admin):
    admin.seed({"rooms": [{"project_id": PROJECT, "room_id": SPARE_ROOM, "room_name": "spare"}],
                "users": [USER]})
    return api


def _lose(call, api, outcome):
    try:
        answer = call(api, timeout=1.0 if outcome is requests.Timeout else 30)
    except outcome as error:
        return error
    assert isinstance(answer, outcome), answer
    return answer


def _logged(admin, operation):
    """The call's log entry; a call whose answer is late is logged as soon as it is carried out."""
    deadline = time.monotonic() + 20
    while True:
        logged = [entry for entry in admin.calls() if entry["operation"] == operation]
        if logged or time.monotonic() > deadline:
            return logged
        time.sleep(0.05)


@pytest.mark.parametrize("lost", sorted(LOST))
@pytest.mark.parametrize("operation", sorted(CALLS))
def test_applied_then_the_answer_lost(lab, admin, operation, lost):
    call, applied = CALLS[operation]
    spec, outcome = LOST[lost]
    admin.fault(operation=operation, apply="after", **spec)
    answer = _lose(call, lab, outcome)
    if lost == "status":
        assert_error(answer, 503, "APIG.0204")
    logged = _logged(admin, operation)
    assert len(logged) == 1 and logged[0]["fault"] == spec["kind"]
    if applied is not None:
        assert applied(admin), "%s was not carried out" % operation
        assert logged[0]["effect"] not in (None, "noop")


@pytest.mark.parametrize("operation", sorted(routes.STATE_CHANGING))
def test_refused_before_it_arrives_changes_nothing(lab, admin, operation):
    call, applied = CALLS[operation]
    admin.fault(operation=operation, kind="status", status=503)
    assert_error(call(lab), 503, "APIG.0204")
    assert not _quietly(applied, admin)
    assert admin.calls()[-1]["effect"] == "noop"


def _quietly(check, admin):
    try:
        return check(admin)
    except AssertionError:
        return False


def test_call_log_holds_no_secret(lab, admin):
    secrets = ["room-stream-key-7", "room-callback-key-7", "start-stream-key-7", "start-callback-key-7",
               "refresh-stream-key-7", "https://hooks.example.com/i?token=abc7", "pw-secret-1"]
    room = {"room_name": "secretive", "output_urls": ["rtmp://a"], "stream_keys": [secrets[0]],
            "live_event_callback_config": {"key": secrets[1], "auth_type": "MSS_A"}}
    room_id = lab.create_room(room).json()["room_id"]
    assert lab.update_room(dict(room, room_description="again"), room=room_id).status_code == 200
    assert lab.show_room(room_id).status_code == 200
    started = lab.start(room=room_id, body={"output_urls": ["rtmp://a"], "stream_keys": [secrets[2]],
                                            "interaction_callback_url": secrets[5],
                                            "live_event_callback_config": {"key": secrets[3]}}).json()
    signatures = [user["signature"] for user in started["rtc_room_info"]["users"]]
    assert lab.command({"command": "REFRESH_OUTPUT_URL", "params": {"output_urls": ["rtmp://b"],
                                                                    "stream_keys": [secrets[4]]}},
                       room=room_id, job=started["job_id"]).status_code == 200
    assert lab.command({"command": "GET_LIVE_JOB_CONFIG_INFO"}, room=room_id, job=started["job_id"]).status_code == 200
    token = lab.request("POST", "/v3/auth/tokens", body=json.dumps(TOKEN_BODY), auth=False)
    subject = token.headers["X-Subject-Token"]
    assert lab.__class__(lab.base_url, token=subject).show().status_code == 200
    lab.list_rooms([("stream_key", secrets[0]), ("auth_key", "query-secret-7")])
    lab.list_jobs([("sort_key", "create_time")], headers={"x-mss-auth-key": "header-secret-7"})
    logged = json.dumps(admin.calls())
    for secret in secrets + signatures + [subject, "query-secret-7", "header-secret-7", lab.secret_key]:
        assert secret not in logged
    assert JOB not in signatures and ROOM in logged and '"sort_key": "create_time"' in logged
