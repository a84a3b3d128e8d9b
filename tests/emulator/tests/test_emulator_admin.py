# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The admin interface and the call log."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import re

import requests

from emulator_testlib import AK, JOB, PROJECT, ROOM, SK, ApiClient

HEX32 = re.compile(r"^[0-9a-f]{32}$")


def test_health_and_unknown_admin_calls(emu, admin):
    assert admin.call("GET", "/health") == {"ok": True}
    assert "error" in admin.call("GET", "/nothing", expect=404)
    response = requests.post(emu.url + "/_emulator/seed", data=b"{oops", timeout=10)
    assert response.status_code == 400 and "JSON" in response.json()["error"]
    assert admin.calls() == []


def test_seed_generates_ids_and_reports(admin):
    created = admin.seed({"projects": [{"name": "cn-north-4"}],
                          "credentials": [{}],
                          "rooms": [{"room_name": "Main"}],
                          "jobs": [{"room_id": "new-room"}, {}],
                          "generate": {"rooms": 2, "jobs": 4}})
    assert len(created["projects"]) == 1 and HEX32.match(created["projects"][0])
    assert len(created["credentials"][0]["access_key"]) == 20 and created["credentials"][0]["secret_key"]
    assert created["rooms"][0]["room_name"] == "Main" and HEX32.match(created["rooms"][0]["room_id"])
    assert any(room["room_id"] == "new-room" for room in created["rooms"])
    assert len(created["jobs"]) == 6 and all(HEX32.match(job["job_id"]) for job in created["jobs"])
    assert all(job["project_id"] == created["projects"][0] for job in created["jobs"])
    assert [room["room_name"] for room in created["rooms"][-2:]] == ["room-0001", "room-0002"]
    assert len(admin.call("GET", "/jobs")["jobs"]) == 6
    assert len(admin.call("GET", "/jobs?project_id=nope")["jobs"]) == 0


def test_seed_validation_is_atomic(admin):
    for document in ({"jobs": [{"state": "not a state"}]}, {"rooms": "x"}, {"colours": []},
                     {"jobs": [{"auto_end": {"state": "WAITING"}}]}, {"generate": {"jobs": -1}},
                     {"jobs": [{"create_time": "not a time"}]}):
        assert "error" in admin.call("POST", "/seed", document, expect=400), document
    admin.seed({"jobs": [{"job_id": "dup"}]})
    admin.call("POST", "/seed", {"rooms": [{"room_id": "partial"}], "jobs": [{"job_id": "dup"}]}, expect=400)
    assert [job["job_id"] for job in admin.call("GET", "/jobs")["jobs"]] == ["dup"]
    assert admin.call("GET", "/jobs/partial", expect=404)


def test_behaviour_endpoint(admin):
    defaults = admin.call("GET", "/behaviour")
    assert defaults["stop_final_state"] == "SUCCEED" and defaults["not_found_status"] == 400
    assert defaults["rate_limit_per_second"] is None and defaults["clock_skew_seconds"] == 900
    updated = admin.behaviour(stop_final_state="CANCELED", latency_ms=0)
    assert updated["stop_final_state"] == "CANCELED" and set(updated) == set(defaults)
    for bad in ({"stop_final_state": "DONE"}, {"no_such": 1}, {"not_found_status": "404"}, {"app_user_scoping": 1},
                {"rate_limit_per_second": 0}):
        message = admin.call("PUT", "/behaviour", bad, expect=400)["error"]
        assert list(bad)[0] in message
    assert admin.call("GET", "/behaviour")["stop_final_state"] == "CANCELED"
    admin.reset()
    assert admin.call("GET", "/behaviour") == defaults


def test_reset_clears_everything(api, admin):
    admin.fault(kind="status")
    api.list_jobs()
    admin.reset()
    assert admin.call("GET", "/jobs") == {"jobs": []}
    assert admin.call("GET", "/faults") == {"faults": []}
    assert admin.calls() == []
    response = api.show()
    assert response.status_code == 401


def test_call_log_fields_and_since(api, admin):
    api.show()
    api.stop(app_user="someone")
    api.list_jobs([("state", "PROCESSING"), ("limit", 5)])
    calls = admin.calls()
    assert [call["operation"] for call in calls] == ["ShowSmartLive", "StopSmartLive", "ListSmartLiveJobs"]
    stop = calls[1]
    assert stop["method"] == "POST" and stop["path"].endswith("/stop") and stop["status"] == 200
    assert stop["auth"] == "aksk" and stop["access_key"] == AK and stop["project_id"] == PROJECT
    assert stop["room_id"] == ROOM and stop["job_id"] == JOB and stop["effect"] == "stopped"
    assert stop["fault"] is None and stop["throttled"] is False and HEX32.match(stop["request_id"])
    assert stop["headers"]["X-App-UserId"] == "someone" and stop["time"].endswith("Z")
    assert calls[2]["query"] == {"limit": "5", "state": "PROCESSING"} and calls[0]["effect"] is None
    assert [call["seq"] for call in admin.calls(since=calls[0]["seq"])] == [calls[1]["seq"], calls[2]["seq"]]
    admin.call("DELETE", "/calls")
    assert admin.calls() == []
    api.show()
    assert admin.calls()[0]["seq"] > calls[2]["seq"]


def test_no_secret_in_call_log(emu, admin):
    admin.seed({"projects": [{"project_id": PROJECT}],
                "credentials": [{"access_key": AK, "secret_key": SK},
                                {"access_key": "TMPAK", "secret_key": "TMPSECRETVALUE", "security_token": "SECTOKENVALUE"}],
                "users": [{"domain_name": "acct", "name": "user", "password": "P@ssw0rdValue"}],
                "jobs": [{"project_id": PROJECT, "room_id": ROOM, "job_id": JOB}]})
    signed = ApiClient(emu.url)
    shown = signed.show()
    signature = shown.request.headers["Authorization"].rsplit("=", 1)[1]
    ApiClient(emu.url, "TMPAK", "TMPSECRETVALUE", security_token="SECTOKENVALUE").show()
    user = {"name": "user", "password": "P@ssw0rdValue", "domain": {"name": "acct"}}
    issued = requests.post(emu.url + "/v3/auth/tokens", timeout=10, json={"auth": {
        "identity": {"methods": ["password"], "password": {"user": user}},
        "scope": {"project": {"id": PROJECT}}}})
    token = issued.headers["X-Subject-Token"]
    ApiClient(emu.url, token=token).show()
    requests.get(emu.url + "/v1/%s/smart-live-jobs?password=QueryPassValue&limit=1" % PROJECT,
                 headers={"X-Client-Secret": "HeaderSecretValue", "Authorization": "Basic dXNlcjpwdw=="}, timeout=10)
    dumped = json.dumps(admin.calls())
    for secret in (SK, "TMPSECRETVALUE", "SECTOKENVALUE", "P@ssw0rdValue", token, token[:40], signature,
                   "QueryPassValue", "HeaderSecretValue", "dXNlcjpwdw=="):
        assert secret not in dumped
    assert "Signature=***" in dumped and '"X-Security-Token": "***"' in dumped
    iam_call = [call for call in admin.calls() if call["operation"] == "KeystoneCreateUserTokenByPassword"][0]
    assert iam_call["status"] == 201 and iam_call["user"] == "user"


def test_clock_endpoint(admin):
    described = admin.call("GET", "/clock")
    assert described["pinned"] is False
    pinned = admin.clock(now="2024-01-02T03:04:05Z")
    assert pinned["pinned"] is True and pinned["now"].startswith("2024-01-02T03:04:05")
    assert admin.clock(advance_seconds=60)["now"].startswith("2024-01-02T03:05:05")
    assert admin.clock(now=None)["pinned"] is False
    assert admin.clock(reset=True)["offset_seconds"] == 0
    assert "error" in admin.call("PUT", "/clock", {"now": "soon"}, expect=400)
