# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Endpoints, their bodies and errors, pagination and filters."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import http.client
import json
import re
import socket
from urllib.parse import urlsplit

import pytest
import requests

from emulator_testlib import JOB, PROJECT, ROOM, assert_error

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def test_show_job_fields(api):
    response = api.show()
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    job = response.json()
    assert job["job_id"] == JOB and job["room_id"] == ROOM and job["state"] == "PROCESSING"
    for key in ("create_time", "start_time", "lastupdate_time"):
        assert RFC3339.match(job[key]), key
    assert job["end_time"] is None and job["error_info"] is None and job["block_reason"] is None
    assert isinstance(job["duration"], float)
    assert job["rtc_room_info"]["users"][0]["user_type"] == "CAPTURE"
    assert job["room_name"]


def test_request_ids_are_unique(api):
    seen = set(api.show().headers["X-Request-Id"] for count in range(20))
    assert len(seen) == 20


def test_rooms(api, admin):
    admin.seed({"rooms": [{"project_id": PROJECT, "room_id": "temp-room", "room_name": "Temp Studio", "room_type": "TEMP"},
                          {"project_id": PROJECT, "room_id": "idle-room", "room_name": "Idle"}]})
    shown = api.show_room()
    assert shown.status_code == 200
    room = shown.json()
    assert room["room_id"] == ROOM and room["room_type"] == "NORMAL" and room["room_state"] == "ENABLE"
    assert room["scene_scripts"] == [] and RFC3339.match(room["create_time"])
    listed = api.list_rooms().json()
    assert listed["count"] == 3
    by_id = dict((item["room_id"], item) for item in listed["smart_live_rooms"])
    assert by_id[ROOM]["last_job_status"] == "PROCESSING" and by_id["idle-room"]["last_job_status"] is None
    assert by_id[ROOM]["project_id"] == PROJECT
    assert [item["room_id"] for item in api.list_rooms([("room_name", "studio")]).json()["smart_live_rooms"]] == ["temp-room"]
    assert api.list_rooms([("live_state", "NULL")]).json()["count"] == 2
    assert api.list_rooms([("live_state", "PROCESSING")]).json()["count"] == 1
    assert api.list_rooms([("limit", "1"), ("offset", "2")]).json()["count"] == 3
    assert len(api.list_rooms([("limit", "1"), ("offset", "2")]).json()["smart_live_rooms"]) == 1
    assert_error(api.list_rooms([("limit", "0")]), 400, "MSS.00000003")
    assert_error(api.list_rooms([("live_state", "BOGUS")]), 400, "MSS.00000003")
    assert_error(api.show_room("missing"), 400, "MSS.00000003", "Invalid parameter")


def test_start_job(api, admin):
    response = api.start(body='{"play_policy": {"repeat_count": 1}}')
    assert response.status_code == 202, response.text
    started = response.json()
    assert len(started["job_id"]) == 32 and started["live_warning_info"] == [] and started["limit_duration"] == 0
    assert started["rtc_room_info"]["users"]
    assert api.show(job=started["job_id"]).json()["state"] == "PROCESSING"
    assert admin.calls()[-2]["effect"] == "started"
    admin.behaviour(start_delay_seconds=30)
    waiting = api.start().json()["job_id"]
    job = api.show(job=waiting).json()
    assert job["state"] == "WAITING" and job["start_time"] is None and job["duration"] == 0
    admin.clock(advance_seconds=31)
    job = api.show(job=waiting).json()
    assert job["state"] == "PROCESSING" and job["start_time"] is not None
    assert_error(api.start(body="{broken"), 400, "MSS.00000002")
    assert_error(api.start(room="missing"), 400, "MSS.00000003")
    assert admin.calls()[-1]["effect"] == "noop"


def test_start_with_exit_config_ends_by_itself(api, admin):
    started = api.start(body='{"play_policy": {"live_exit_config": {"max_live_duration": 2}}}').json()
    assert started["limit_duration"] == 2
    admin.clock(advance_seconds=2 * 3600 + 1)
    job = api.show(job=started["job_id"]).json()
    assert job["state"] == "SUCCEED" and job["duration"] == pytest.approx(7200, abs=1)


def test_command(api):
    path = api.job_path(ROOM, JOB) + "/command"
    ok = api.request("POST", path, body='{"command": "GET_CURRENT_PLAYING_SCRIPTS"}')
    assert ok.status_code == 200 and ok.json()["command"] == "GET_CURRENT_PLAYING_SCRIPTS"
    # The command list grows: a command the emulator does not know is carried out, not refused.
    assert api.request("POST", path, body='{"command": "STOP"}').json()["result"] == "SUCCESS"
    assert_error(api.request("POST", path, body='{"params": {}}'), 400, "MSS.10000003")


def test_unknown_routes(api, admin, emu):
    apig = "The API does not exist or has not been published in the environment."
    assert_error(requests.get(emu.url + "/v2/whatever", timeout=10), 404, "APIG.0101", apig)
    assert_error(api.request("DELETE", api.job_path(ROOM, JOB)), 404, "APIG.0101", apig)
    assert_error(api.request("GET", api.job_path(ROOM, JOB) + "/"), 404, "APIG.0101")
    admin.behaviour(unknown_route_style="mss")
    assert_error(api.request("GET", "/v1/%s/smart-live-rooms/x/unknown" % PROJECT), 400, "MSS.00010003", "SR.api not found")
    assert_error(api.request("DELETE", api.job_path(ROOM, JOB)), 400, "MSS.00010004", "SR.method not allowed")
    assert_error(requests.get(emu.url + "/v1/%s/nothing" % PROJECT, timeout=10), 401, "APIG.0301")


def _seed_many(admin, jobs=25):
    admin.seed({"generate": {"project_id": PROJECT, "rooms": 3, "jobs": jobs, "state": ["PROCESSING", "SUCCEED", "FAILED"],
                             "room_name_prefix": "studio-"}})


def test_pagination_and_limits(api, admin):
    _seed_many(admin)
    first = api.list_jobs().json()
    assert first["count"] == 26 and len(first["smart_live_jobs"]) == 10
    collected = []
    offset = 0
    while True:
        page = api.list_jobs([("offset", offset), ("limit", 7)]).json()
        collected.extend(job["job_id"] for job in page["smart_live_jobs"])
        offset += 7
        if offset >= page["count"]:
            break
    assert len(collected) == len(set(collected)) == 26
    assert len(api.list_jobs([("limit", 100)]).json()["smart_live_jobs"]) == 26
    assert api.list_jobs([("limit", 1)]).json()["smart_live_jobs"][0]
    assert api.list_jobs([("offset", 500)]).json() == {"count": 26, "smart_live_jobs": []}
    for bad in ([("limit", 0)], [("limit", 101)], [("limit", "abc")], [("limit", "")], [("offset", -1)]):
        assert_error(api.list_jobs(bad), 400, "MSS.00000003")
    room_jobs = api.list_room_jobs(query=[("limit", 100)]).json()
    assert room_jobs["count"] == 1 and room_jobs["smart_live_jobs"][0]["job_id"] == JOB
    assert_error(api.list_room_jobs(query=[("limit", 101)]), 400, "MSS.00000003")
    assert_error(api.list_room_jobs(room="missing"), 400, "MSS.00000003", "Invalid parameter")


def test_filters_and_sorting(api, admin):
    _seed_many(admin)
    states = api.list_jobs([("state", "SUCCEED,FAILED"), ("limit", 100)]).json()
    assert states["count"] == 16
    assert set(job["state"] for job in states["smart_live_jobs"]) == {"SUCCEED", "FAILED"}
    assert api.list_jobs([("state", "PROCESSING"), ("limit", 100)]).json()["count"] == 10
    assert_error(api.list_jobs([("state", "RUNNING")]), 400, "MSS.00000003")
    by_room = api.list_jobs([("room_name", "STUDIO-0002"), ("limit", 100)]).json()
    assert by_room["count"] == 8 and all(job["room_name"] == "studio-0002" for job in by_room["smart_live_jobs"])
    assert api.list_jobs([("room_name", "studio"), ("limit", 100)]).json()["count"] == 25
    ascending = [job["create_time"] for job in api.list_jobs([("limit", 100)]).json()["smart_live_jobs"]]
    assert ascending == sorted(ascending)
    descending = [job["create_time"] for job in
                  api.list_jobs([("limit", 100), ("sort_key", "create_time"), ("sort_dir", "desc")]).json()["smart_live_jobs"]]
    assert descending == sorted(ascending, reverse=True)
    updated = [job["lastupdate_time"] for job in
               api.list_jobs([("limit", 100), ("sort_key", "update_time"), ("sort_dir", "desc")]).json()["smart_live_jobs"]]
    assert updated == sorted(updated, reverse=True)
    assert api.list_jobs([("sort_key", "asset_order")]).status_code == 200
    assert_error(api.list_jobs([("sort_key", "name")]), 400, "MSS.00000003")
    assert_error(api.list_jobs([("sort_dir", "up")]), 400, "MSS.00000003")
    generated = [job for job in api.list_jobs([("limit", 100)]).json()["smart_live_jobs"] if job["job_id"] != JOB]
    since = generated[10]["create_time"]
    until = generated[14]["create_time"]
    window = api.list_jobs([("create_since", since), ("create_until", until), ("limit", 100)]).json()
    assert [job["job_id"] for job in window["smart_live_jobs"]] == [job["job_id"] for job in generated[10:15]]
    assert_error(api.list_jobs([("create_since", "yesterday")]), 400, "MSS.00000003")
    offset_form = api.list_jobs([("create_since", "2000-01-01T08:00:00+08:00")]).json()
    assert offset_form["count"] == 26


def test_room_scoped_list_filters(api, admin):
    admin.seed({"jobs": [{"project_id": PROJECT, "room_id": ROOM, "state": "SUCCEED"},
                         {"project_id": PROJECT, "room_id": ROOM, "state": "WAITING"}]})
    listed = api.list_room_jobs(query=[("state", "WAITING,PROCESSING")]).json()
    assert listed["count"] == 2
    assert set(job["state"] for job in listed["smart_live_jobs"]) == {"WAITING", "PROCESSING"}


def test_malformed_http_gets_gateway_json(emu):
    parts = urlsplit(emu.url)
    for raw, status, code in ((b"FOO /v1/x HTTP/1.1\r\nHost: a\r\n\r\n", 404, "APIG.0101"),
                              (b"GARBAGE\r\n\r\n", 400, "APIG.0201"),
                              (b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n", 400, "APIG.0201"),
                              (b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999\r\n\r\n", 413, "APIG.0201")):
        connection = socket.create_connection((parts.hostname, parts.port), timeout=5)
        connection.sendall(raw)
        reader = connection.makefile("rb")
        response = http.client.HTTPResponse(connection)
        response.fp = reader
        response.begin()
        document = json.loads(response.read())
        assert response.status == status and document["error_code"] == code, raw
        assert document["request_id"] == response.getheader("X-Request-Id")
        reader.close()
        connection.close()


def test_chunked_request_body(api, admin, emu):
    admin.seed({"tokens": [{"token": "MIIchunked", "project_id": PROJECT}]})
    # A generator body makes requests send it chunked.
    response = requests.post(emu.url + api.job_path(ROOM), data=iter([b'{"play_policy"', b': {}}']),
                             headers={"X-Auth-Token": "MIIchunked", "Content-Type": "application/json"}, timeout=10)
    assert response.status_code == 202, response.text
    assert response.request.headers.get("Transfer-Encoding") == "chunked"
    assert_error(requests.post(emu.url + api.job_path(ROOM), data=iter([b'{"play_policy"', b': {']), timeout=10,
                               headers={"X-Auth-Token": "MIIchunked"}), 400, "MSS.00000002")
