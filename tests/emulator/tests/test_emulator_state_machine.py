# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The job state machine and the behaviours that play the open questions."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from emulator_testlib import JOB, OTHER_PROJECT, PROJECT, ROOM, ApiClient, assert_error

STATE_MSG = "The task state does not allow the current operation. Check the task state."


def test_stop_succeeds_with_consistent_times(api, admin):
    admin.clock(offset_seconds=0)
    admin.clock(advance_seconds=10)
    response = api.stop()
    assert response.status_code == 200 and response.content == b""
    assert len(response.headers["X-Request-Id"]) == 32
    job = api.show().json()
    assert job["state"] == "SUCCEED"
    assert job["end_time"] is not None and job["lastupdate_time"] == job["end_time"]
    assert job["duration"] >= 9
    duration = job["duration"]
    admin.clock(advance_seconds=100)
    assert api.show().json()["duration"] == duration
    stops = [call for call in admin.calls() if call["operation"] == "StopSmartLive"]
    assert stops[-1]["effect"] == "stopped" and stops[-1]["status"] == 200


def test_stop_final_state_canceled_and_json_body(api, admin):
    admin.behaviour(stop_final_state="CANCELED", stop_response_body="json")
    response = api.stop()
    assert response.status_code == 200 and response.json() == {}
    assert api.show().json()["state"] == "CANCELED"


def test_stop_delay(api, admin):
    admin.behaviour(stop_delay_seconds=30)
    assert api.stop().status_code == 200
    assert api.show().json()["state"] == "PROCESSING"
    assert admin.job()["stopping"] is True
    assert api.stop().status_code == 200
    effects = [call["effect"] for call in admin.calls() if call["operation"] == "StopSmartLive"]
    assert effects == ["stopped", "noop"]
    admin.clock(advance_seconds=31)
    job = api.show().json()
    assert job["state"] == "SUCCEED"
    assert_error(api.stop(), 400, "MSS.20020001", STATE_MSG)


def test_stop_of_ended_job_both_ways(api, admin):
    admin.end_job(state="FAILED", error_info={"error_code": "MSS.X", "error_msg": "render crashed"})
    job = api.show().json()
    assert job["state"] == "FAILED" and job["error_info"] == {"error_code": "MSS.X", "error_msg": "render crashed"}
    assert_error(api.stop(), 400, "MSS.20020001", STATE_MSG)
    admin.behaviour(stop_ended_response="ok")
    assert api.stop().status_code == 200
    assert api.show().json()["state"] == "FAILED"
    effects = [call["effect"] for call in admin.calls() if call["operation"] == "StopSmartLive"]
    assert effects == ["noop", "noop"]
    admin.call("POST", "/jobs/%s/end" % JOB, {"state": "SUCCEED"}, expect=409)
    admin.call("POST", "/jobs/nope/end", {}, expect=404)
    admin.call("POST", "/jobs/%s/end" % JOB, {"state": "PROCESSING"}, expect=400)


def test_stop_waiting_both_ways(api, admin):
    admin.seed({"jobs": [{"project_id": PROJECT, "room_id": ROOM, "job_id": "w1", "state": "WAITING"},
                         {"project_id": PROJECT, "room_id": ROOM, "job_id": "w2", "state": "WAITING"}]})
    assert api.show(job="w1").json()["state"] == "WAITING"
    assert api.stop(job="w1").status_code == 200
    job = api.show(job="w1").json()
    assert job["state"] == "SUCCEED" and job["start_time"] is None and job["duration"] == 0
    admin.behaviour(stop_waiting="error")
    assert_error(api.stop(job="w2"), 400, "MSS.20020001", STATE_MSG)
    assert api.show(job="w2").json()["state"] == "WAITING"


def test_not_found_both_ways(api, admin):
    admin.seed({"jobs": [{"project_id": PROJECT, "room_id": "other-room", "job_id": "other-job"},
                         {"project_id": OTHER_PROJECT, "room_id": "foreign-room", "job_id": "foreign-job"}]})
    misses = [("missing-room", JOB), (ROOM, "missing-job"), (ROOM, "other-job"), ("foreign-room", "foreign-job")]
    for room, job in misses:
        assert_error(api.show(room=room, job=job), 400, "MSS.00000003", "Invalid parameter")
        assert_error(api.stop(room=room, job=job), 400, "MSS.00000003", "Invalid parameter")
    admin.behaviour(not_found_status=404, not_found_error_code="MSS.20020404", not_found_error_msg="Job not found")
    for room, job in misses:
        assert_error(api.show(room=room, job=job), 404, "MSS.20020404", "Job not found")
        assert_error(api.stop(room=room, job=job), 404, "MSS.20020404", "Job not found")
    admin.behaviour(not_found_error_code="APIG.0101")
    assert_error(api.show(job="missing-job"), 404, "APIG.0101")
    assert admin.job("other-job")["state"] == "PROCESSING"


def test_auto_end(api, admin):
    admin.seed({"jobs": [
        {"project_id": PROJECT, "room_id": ROOM, "job_id": "fails", "auto_end": {
            "after_seconds": 60, "state": "FAILED", "error_info": {"error_code": "MSS.1", "error_msg": "boom"}}},
        {"project_id": PROJECT, "room_id": ROOM, "job_id": "blocked", "auto_end": {
            "after_seconds": 120, "state": "BLOCKED", "block_reason": "policy"}},
        {"project_id": PROJECT, "room_id": ROOM, "job_id": "plain", "auto_end": {"after_seconds": 30}},
    ]})
    assert api.show(job="fails").json()["state"] == "PROCESSING"
    admin.clock(advance_seconds=61)
    failed = api.show(job="fails").json()
    assert failed["state"] == "FAILED" and failed["error_info"]["error_msg"] == "boom"
    assert api.show(job="plain").json()["state"] == "SUCCEED"
    assert api.show(job="blocked").json()["state"] == "PROCESSING"
    admin.clock(advance_seconds=60)
    blocked = api.show(job="blocked").json()
    assert blocked["state"] == "BLOCKED" and blocked["block_reason"] == "policy" and blocked["error_info"] is None
    assert blocked["end_time"] == blocked["lastupdate_time"]
    assert_error(api.stop(job="blocked"), 400, "MSS.20020001")
    # The automatic end happened first, so a later stop cannot change the recorded end time.
    assert api.show(job="fails").json()["end_time"] == failed["end_time"]


def test_auto_end_and_stop_delay_race(api, admin):
    admin.seed({"jobs": [{"project_id": PROJECT, "room_id": ROOM, "job_id": "race",
                          "auto_end": {"after_seconds": 10, "state": "FAILED"}}]})
    admin.behaviour(stop_delay_seconds=30)
    assert api.stop(job="race").status_code == 200
    admin.clock(advance_seconds=40)
    job = api.show(job="race").json()
    assert job["state"] == "FAILED" and job["error_info"]["error_code"]


def test_admin_end_job(api, admin):
    ended = admin.end_job(state="BLOCKED", block_reason="manual")
    assert ended["state"] == "BLOCKED" and ended["block_reason"] == "manual"
    assert api.show().json()["state"] == "BLOCKED"


def test_app_user_scoping(api, admin):
    started = api.start(app_user="alice").json()["job_id"]
    assert admin.job(started)["app_user_id"] == "alice"
    admin.seed({"jobs": [{"project_id": PROJECT, "room_id": ROOM, "job_id": "bobs", "app_user_id": "bob"}]})
    assert api.show(job=started).status_code == 200
    admin.behaviour(app_user_scoping=True)
    assert_error(api.show(job=started), 400, "MSS.00000003")
    assert_error(api.show(job=started, app_user="bob"), 400, "MSS.00000003")
    assert_error(api.stop(job=started, app_user="bob"), 400, "MSS.00000003")
    assert api.show(job=started, app_user="alice").status_code == 200
    assert api.show(job=JOB).status_code == 200
    assert api.list_jobs(app_user="alice").json()["count"] == 2
    assert api.list_jobs().json()["count"] == 1
    assert api.stop(job=started, app_user="alice").status_code == 200
    assert admin.job(started)["state"] == "SUCCEED"
    assert admin.job("bobs")["state"] == "PROCESSING"


def test_temp_room_cleanup(api, admin):
    admin.seed({"rooms": [{"project_id": PROJECT, "room_id": "temp", "room_type": "TEMP"}],
                "jobs": [{"project_id": PROJECT, "room_id": "temp", "job_id": "temp-job"}]})
    api.stop(room="temp", job="temp-job")
    assert api.show(room="temp", job="temp-job").json()["state"] == "SUCCEED"
    admin.behaviour(temp_room_cleanup=True)
    assert_error(api.show(room="temp", job="temp-job"), 400, "MSS.00000003")
    assert_error(api.show_room("temp"), 400, "MSS.00000003")
    assert all(job["job_id"] != "temp-job" for job in api.list_jobs([("limit", 100)]).json()["smart_live_jobs"])
    assert admin.job("temp-job")["state"] == "SUCCEED"


def test_seeded_states_and_times(api, admin):
    created = admin.seed({"jobs": [
        {"project_id": PROJECT, "room_id": ROOM, "job_id": "old", "state": "SUCCEED",
         "create_time": "2024-01-02T03:00:00Z", "start_time": "2024-01-02T03:00:05Z", "end_time": "2024-01-02T04:00:05Z"},
        {"project_id": PROJECT, "room_id": ROOM, "state": "FAILED"},
        {"project_id": PROJECT, "room_id": ROOM, "state": "BLOCKED"},
        {"project_id": PROJECT, "room_id": ROOM, "state": "CANCELED"},
    ]})
    old = api.show(job="old").json()
    assert old["create_time"] == "2024-01-02T03:00:00Z" and old["end_time"] == "2024-01-02T04:00:05Z"
    assert old["duration"] == 3600.0
    ids = [item["job_id"] for item in created["jobs"]]
    assert api.show(job=ids[1]).json()["error_info"]["error_code"]
    assert api.show(job=ids[2]).json()["block_reason"]
    assert api.show(job=ids[3]).json()["state"] == "CANCELED"


def test_other_credentials_see_nothing_of_other_projects(api, admin, emu):
    admin.seed({"jobs": [{"project_id": OTHER_PROJECT, "room_id": "foreign-room", "job_id": "foreign-job"}]})
    other = ApiClient(emu.url, project_id=OTHER_PROJECT)
    assert [job["job_id"] for job in other.list_jobs().json()["smart_live_jobs"]] == ["foreign-job"]
    assert [job["job_id"] for job in api.list_jobs().json()["smart_live_jobs"]] == [JOB]


def test_seeded_job_in_an_undocumented_state_counts_as_ended(api, admin):
    admin.seed({"jobs": [{"project_id": PROJECT, "room_id": ROOM, "job_id": "job-future-state", "state": "ARCHIVED"}]})
    shown = api.show(job="job-future-state")
    assert shown.status_code == 200
    assert shown.json()["state"] == "ARCHIVED"
    stopped = api.stop(job="job-future-state")
    assert_error(stopped, 400, "MSS.20020001", STATE_MSG)
