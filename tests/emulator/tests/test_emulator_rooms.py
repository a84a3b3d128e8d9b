# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Live rooms: create, show, update, delete, list, seeding, and the behaviours of the open questions."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from emulator_testlib import AK, OTHER_PROJECT, PROJECT, ROOM, SK, ApiClient, assert_error

STREAM_KEY = "live-stream-key-0001"
CALLBACK_KEY = "callback-key-0001"
FULL_ROOM = {
    "room_name": "Spring sale",
    "room_description": "The spring campaign",
    "room_type": "NORMAL",
    "scene_scripts": [{"script_name": "intro", "model_asset_id": "asset-1",
                       "voice_config": {"voice_asset_id": "voice-1", "speed": 100},
                       "shoot_scripts": [{"sequence_no": 1, "title": "hello", "text_config": {"text": "Welcome!"}}]}],
    "interaction_rules": [{"rule_name": "greet", "enabled": True, "event_type": 2}],
    "play_policy": {"repeat_count": -1, "auto_play_script": True, "play_mode": "TEXT"},
    "video_config": {"width": 1920, "height": 1080, "bitrate": 4000, "codec": "H264"},
    "output_urls": ["rtmp://live.example.com/app"],
    "stream_keys": [STREAM_KEY],
    "backup_model_asset_ids": ["asset-2"],
    "live_event_callback_config": {"live_event_type_callback_url": "https://hooks.example.com/live",
                                   "auth_type": "MSS_A", "key": CALLBACK_KEY,
                                   "callback_event_type": ["RTMP_STREAM_STATE_CHANGE"]},
    "priv_data": "marker-42",
    "relation_live_platform_info": {"platform_id": "p1", "live_id": "live_1"},
}


@pytest.fixture(name="rooms_api")
def rooms_api_fixture(emu, admin):
    admin.seed({"projects": [{"project_id": PROJECT}, {"project_id": OTHER_PROJECT}],
                "credentials": [{"access_key": AK, "secret_key": SK}]})
    return ApiClient(emu.url)


def _created(answer, status=200):
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert list(body) == ["room_id"] and answer.headers["X-Request-Id"]
    return body["room_id"]


def test_create_show_full_room(rooms_api, admin):
    room_id = _created(rooms_api.create_room(FULL_ROOM))
    shown = rooms_api.show_room(room_id).json()
    for key, value in FULL_ROOM.items():
        if key not in ("scene_scripts", "interaction_rules", "relation_live_platform_info"):
            assert shown[key] == value, key
    assert shown["stream_keys"] == [STREAM_KEY] and shown["live_event_callback_config"]["key"] == CALLBACK_KEY
    assert shown["scene_scripts"][0]["script_id"] and shown["interaction_rules"][0]["rule_index"] == "1"
    assert shown["relation_live_platform_info"] == {"platform_id": "p1", "platform": None, "account": None,
                                                    "live_id": "live_1"}
    assert shown["view_mode"] == "LANDSCAPE" and shown["room_state"] == "ENABLE" and shown["script_version"]
    assert shown["create_time"].endswith("Z") and shown["project_id"] == PROJECT
    assert [call["effect"] for call in admin.calls()] == ["created", None]
    assert admin.room(room_id)["job_ids"] == []


def test_create_status_behaviour_and_names_not_unique(rooms_api, admin):
    first = _created(rooms_api.create_room({"room_name": "twin"}))
    admin.behaviour(create_room_status=201)
    second = _created(rooms_api.create_room({"room_name": "twin"}), 201)
    assert first != second
    listed = rooms_api.list_rooms([("room_name", "twi")]).json()
    assert listed["count"] == 2 and set(room["room_id"] for room in listed["smart_live_rooms"]) == {first, second}
    shown = rooms_api.show_room(first).json()
    assert shown["room_type"] == "NORMAL" and shown["stream_keys"] == [] and shown["room_description"] == ""


@pytest.mark.parametrize("body,field", [
    ({}, "room_name"),
    ({"room_name": ""}, "room_name"),
    ({"room_name": "x" * 257}, "room_name"),
    ({"room_name": "r", "room_type": "PARTY"}, "room_type"),
    ({"room_name": "r", "video_config": {"width": 1280, "height": 720, "bitrate": 2000}}, "width x height"),
    ({"room_name": "r", "video_config": {"width": 1080, "height": 1920, "bitrate": 9000}}, "bitrate"),
    ({"room_name": "r", "output_urls": ["rtmp://a", "rtmp://b"]}, "output_urls"),
    ({"room_name": "r", "scene_scripts": [{"script_name": "s"}]}, "shoot_scripts"),
    ({"room_name": "r", "backup_model_asset_ids": ["a", "b", "c", "d", "e", "f"]}, "backup_model_asset_ids"),
    ({"room_name": "r", "relation_live_platform_info": {"platform_id": "p"}}, "live_id"),
    ({"room_name": "r", "live_event_callback_config": {"key": "k" * 33}}, "key"),
])
def test_create_refuses_bad_bodies(rooms_api, admin, body, field):
    body = assert_error(rooms_api.create_room(body), 400, "MSS.10000003")
    assert field in body["error_msg"]
    assert admin.call("GET", "/rooms")["rooms"] == []


def test_create_refuses_a_body_that_is_not_an_object(rooms_api):
    assert_error(rooms_api.create_room("{broken"), 400, "MSS.00000002", "Invalid body")
    assert_error(rooms_api.create_room("[1]"), 400, "MSS.00000002")


def test_update_replaces_by_default_and_merges_when_told(rooms_api, admin):
    room_id = _created(rooms_api.create_room(FULL_ROOM))
    before = rooms_api.show_room(room_id).json()
    updated = rooms_api.update_room({"room_name": "Renamed", "priv_data": "p"}, room=room_id)
    assert updated.status_code == 200
    shown = updated.json()
    assert shown["room_name"] == "Renamed" and shown["stream_keys"] == [] and shown["output_urls"] == []
    assert shown["script_version"] != before["script_version"] and shown == rooms_api.show_room(room_id).json()
    admin.behaviour(update_room_semantics="merge")
    merged = rooms_api.update_room({"room_name": "Again", "output_urls": ["rtmp://x"]}, room=room_id).json()
    assert merged["priv_data"] == "p" and merged["output_urls"] == ["rtmp://x"]
    assert [call["effect"] for call in admin.calls() if call["operation"] == "UpdateSmartLiveRoom"] == ["updated"] * 2


def test_update_needs_room_name_and_a_room(rooms_api, admin):
    room_id = _created(rooms_api.create_room({"room_name": "r"}))
    assert "room_name" in assert_error(rooms_api.update_room({"priv_data": "x"}, room=room_id), 400,
                                       "MSS.10000003")["error_msg"]
    assert_error(rooms_api.update_room({"room_name": "r"}, room="missing"), 400, "MSS.00000003")
    admin.behaviour(not_found_status=404, not_found_error_code="MSS.00000005", not_found_error_msg="Not found")
    assert_error(rooms_api.update_room({"room_name": "r"}, room="missing"), 404, "MSS.00000005", "Not found")


def test_update_with_echoed_read_only_fields(rooms_api, admin):
    room_id = _created(rooms_api.create_room(FULL_ROOM))
    echoed = rooms_api.show_room(room_id).json()
    echoed["room_description"] = "changed"
    ok = rooms_api.update_room(echoed, room=room_id)
    assert ok.status_code == 200 and ok.json()["room_description"] == "changed"
    assert ok.json()["scene_scripts"][0]["script_id"] == echoed["scene_scripts"][0]["script_id"]
    admin.behaviour(update_read_only_fields="rejected")
    body = assert_error(rooms_api.update_room(echoed, room=room_id), 400, "MSS.10000003")
    assert "room_id" in body["error_msg"] and "script_version" in body["error_msg"]


def test_update_while_live(api, admin):
    assert api.update_room({"room_name": "live edit"}).status_code == 200
    admin.behaviour(update_room_while_live="refused")
    assert_error(api.update_room({"room_name": "live edit"}), 400, "MSS.20020001")


def test_delete(rooms_api, admin):
    room_id = _created(rooms_api.create_room({"room_name": "gone soon"}))
    deleted = rooms_api.delete_room(room_id)
    assert deleted.status_code == 200 and deleted.content == b"" and deleted.headers["X-Request-Id"]
    assert_error(rooms_api.show_room(room_id), 400, "MSS.00000003")
    assert_error(rooms_api.delete_room(room_id), 400, "MSS.00000003")
    admin.behaviour(not_found_status=404)
    assert_error(rooms_api.delete_room(room_id), 404, "MSS.00000003")
    assert [call["effect"] for call in admin.calls() if call["operation"] == "DeleteSmartLiveRoom"] == \
        ["deleted", "noop", "noop"]
    admin.room(room_id, expect=404)


def test_delete_with_a_running_job_is_refused_by_default(api, admin):
    assert_error(api.delete_room(), 400, "MSS.20020001")
    assert admin.job()["state"] == "PROCESSING" and admin.room()["room_id"] == ROOM


def test_delete_with_a_running_job_stops_it(api, admin):
    admin.behaviour(delete_room_with_running_job="stops_job", stop_final_state="CANCELED")
    assert api.delete_room().status_code == 200
    job = admin.job()
    assert job["state"] == "CANCELED" and job["room_deleted"]
    assert_error(api.show(), 400, "MSS.00000003")


def test_delete_with_a_running_job_orphans_it(api, admin):
    admin.behaviour(delete_room_with_running_job="orphans")
    assert api.delete_room().status_code == 200
    assert admin.job()["state"] == "PROCESSING" and admin.job()["room_deleted"]
    listed = api.list_jobs([("state", "PROCESSING")]).json()
    assert [job["job_id"] for job in listed["smart_live_jobs"]] == [admin.job()["job_id"]]
    assert_error(api.stop(), 400, "MSS.00000003")


def test_list_rooms_pages_and_filters(rooms_api, admin):
    admin.seed({"rooms": [{"project_id": PROJECT, "room_name": "shop %02d" % index,
                           "room_type": "TEMP" if index % 4 == 0 else "NORMAL"} for index in range(25)]
                + [{"project_id": OTHER_PROJECT, "room_name": "shop elsewhere"}],
                "jobs": [{"project_id": PROJECT, "room_name": "shop with job", "state": "FAILED"}]})
    first = rooms_api.list_rooms().json()
    assert first["count"] == 26 and len(first["smart_live_rooms"]) == 10
    pages = [rooms_api.list_rooms([("offset", offset), ("limit", 100)]).json() for offset in (0, 20)]
    assert len(pages[0]["smart_live_rooms"]) == 26 and len(pages[1]["smart_live_rooms"]) == 6
    for bad in (("limit", 0), ("limit", 101), ("offset", -1), ("room_type", "PARTY"), ("live_state", "GONE"),
                ("confirm_state", "CONFIRMED"), ("start_time", "yesterday")):
        assert_error(rooms_api.list_rooms([bad]), 400, "MSS.00000003")
    assert rooms_api.list_rooms([("room_type", "TEMP")]).json()["count"] == 7
    failed = rooms_api.list_rooms([("live_state", "FAILED")]).json()
    assert failed["count"] == 1 and failed["smart_live_rooms"][0]["last_job_status"] == "FAILED"
    assert rooms_api.list_rooms([("live_state", "NULL")]).json()["count"] == 25
    assert rooms_api.list_rooms([("room_name", "SHOP 1")]).json()["count"] == 10
    assert rooms_api.list_rooms([("confirm_state", "confirmed")]).json()["count"] == 26
    assert rooms_api.list_rooms([("start_time", "2000-01-01T00:00:00Z")]).json()["count"] == 1


def test_list_items_carry_no_secrets(rooms_api):
    _created(rooms_api.create_room(FULL_ROOM))
    item = rooms_api.list_rooms().json()["smart_live_rooms"][0]
    assert "stream_keys" not in item and "output_urls" not in item and "scene_scripts" not in item
    assert item["priv_data"] == "marker-42" and item["model_infos"][0]["model_asset_id"] == "asset-1"
    assert item["room_description"] == "The spring campaign" and item["view_mode"] == "LANDSCAPE"
    assert STREAM_KEY not in rooms_api.list_rooms().text and CALLBACK_KEY not in rooms_api.list_rooms().text


def test_secrets_masked_behaviour(rooms_api, admin):
    room_id = _created(rooms_api.create_room(FULL_ROOM))
    admin.behaviour(room_secrets="masked")
    shown = rooms_api.show_room(room_id).json()
    assert shown["stream_keys"] == ["******"] and shown["live_event_callback_config"]["key"] == "******"
    assert admin.room(room_id)["stream_keys"] == [STREAM_KEY]


def test_seed_full_rooms_in_several_projects(emu, admin):
    other_room = dict(FULL_ROOM, room_id="room-b", project_id=OTHER_PROJECT, room_name="B")
    result = admin.seed({"projects": [{"project_id": PROJECT}, {"project_id": OTHER_PROJECT}],
                         "credentials": [{"access_key": AK, "secret_key": SK}],
                         "rooms": [dict(FULL_ROOM, room_id="room-a", project_id=PROJECT), other_room],
                         "jobs": [{"project_id": OTHER_PROJECT, "room_id": "room-b", "job_id": "job-b"}]})
    assert [room["room_id"] for room in result["rooms"]] == ["room-a", "room-b"]
    mine, theirs = ApiClient(emu.url), ApiClient(emu.url, project_id=OTHER_PROJECT)
    assert mine.show_room("room-a").json()["stream_keys"] == [STREAM_KEY]
    assert theirs.show_room("room-b").json()["room_name"] == "B"
    assert_error(mine.show_room("room-b"), 400, "MSS.00000003")
    assert theirs.list_rooms().json()["smart_live_rooms"][0]["last_job_status"] == "PROCESSING"
    assert [room["room_id"] for room in admin.call("GET", "/rooms?project_id=" + OTHER_PROJECT)["rooms"]] == ["room-b"]
    refused = admin.call("POST", "/seed", {"rooms": [{"room_id": "bad", "video_config": {"width": 1}}]}, expect=400)
    assert "rooms[0]" in refused["error"]
    admin.room("bad", expect=404)


def test_temp_room_cleanup_delay(api, admin):
    admin.seed({"rooms": [{"project_id": PROJECT, "room_id": "temp-room", "room_type": "TEMP"}],
                "jobs": [{"project_id": PROJECT, "room_id": "temp-room", "job_id": "temp-job"}]})
    admin.behaviour(temp_room_cleanup=True, temp_room_cleanup_delay_seconds=60)
    assert api.stop(room="temp-room", job="temp-job").status_code == 200
    assert api.show(room="temp-room", job="temp-job").json()["state"] == "SUCCEED"
    assert api.show_room("temp-room").status_code == 200
    admin.clock(advance_seconds=61)
    assert_error(api.show(room="temp-room", job="temp-job"), 400, "MSS.00000003")
    assert_error(api.show_room("temp-room"), 400, "MSS.00000003")
    admin.behaviour(temp_room_cleanup_delay_seconds=0)
    assert all(room["room_id"] != "temp-room" for room in api.list_rooms().json()["smart_live_rooms"])


def test_generate_in_several_projects_each_with_its_rate_limit(emu, admin):
    projects = ["%032x" % number for number in range(1, 4)]
    created = admin.seed({"projects": [{"project_id": project, "rate_limits": {"StopSmartLive": 1 + index}}
                                       for index, project in enumerate(projects)],
                          "credentials": [{"access_key": AK, "secret_key": SK}],
                          "generate": [{"project_id": project, "rooms": 5, "jobs": 10} for project in projects]})
    assert len(created["rooms"]) == 15 and len(created["jobs"]) == 30
    for index, project in enumerate(projects):
        client = ApiClient(emu.url, project_id=project)
        assert client.list_jobs([("limit", 100)]).json()["count"] == 10
        jobs = admin.call("GET", "/jobs?project_id=" + project)["jobs"]
        statuses = [client.stop(room=job["room_id"], job=job["job_id"]).status_code for job in jobs]
        assert statuses.count(200) >= 1 + index and 429 in statuses
    admin.call("POST", "/seed", {"generate": [{"rooms": 1, "jobs": 0}, "more"]}, expect=400)
