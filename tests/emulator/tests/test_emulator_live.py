# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""StartSmartLive (body checks, busy rooms, outcomes), ExecuteSmartLiveCommand, and jobs that end on their own."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import datetime
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from emulator_testlib import JOB, PROJECT, ROOM, assert_error

LIVE_BODY = {
    "video_config": {"width": 1080, "height": 1920, "bitrate": 3000},
    "play_policy": {"repeat_count": 0, "live_exit_config": {"max_live_duration": 2}},
    "output_urls": ["rtmp://live.example.com/app"],
    "stream_keys": ["start-stream-key"],
    "interaction_callback_url": "https://hooks.example.com/i?token=abc",
    "live_event_callback_config": {"live_event_type_callback_url": "https://hooks.example.com/e",
                                   "auth_type": "MSS_A_HEAD", "key": "start-callback-key"},
    "job_run_config": {"allow_resource_type": "ONDEMAND", "single_job_in_room": False},
}


@pytest.fixture(name="idle_room")
def idle_room_fixture(api, admin):
    """The api fixture's room with its job ended: a room free for a new start."""
    admin.end_job(JOB, state="SUCCEED")
    return ROOM


def test_start_answer(api, admin, idle_room):
    answer = api.start(body=LIVE_BODY)
    assert answer.status_code == 202, answer.text
    started = answer.json()
    assert sorted(started) == ["job_id", "limit_duration", "live_event_callback_config", "live_event_report_url",
                               "live_warning_info", "rtc_room_info"]
    assert started["limit_duration"] == 2
    assert started["live_event_callback_config"]["key"] == "start-callback-key"
    assert all(user["signature"] for user in started["rtc_room_info"]["users"])
    assert admin.job(started["job_id"])["state"] == "PROCESSING"
    assert api.show(job=started["job_id"]).json()["room_id"] == idle_room


def test_start_takes_what_the_body_leaves_out_from_the_room(api, idle_room):
    callback = {"live_event_type_callback_url": "https://hooks.example.com/r", "key": "room-key"}
    assert api.update_room({"room_name": "with callback", "live_event_callback_config": callback}).status_code == 200
    assert api.start().json()["live_event_callback_config"] == callback
    job_id = api.start(body={"live_event_callback_config": {"key": "own"}}).json()["job_id"]
    assert api.show(job=job_id).json()["live_event_callback_config"] == {"key": "own"}


@pytest.mark.parametrize("change,field", [
    ({"video_config": {"width": 1280, "height": 720, "bitrate": 3000}}, "width x height"),
    ({"video_config": {"width": 1920, "height": 1080}}, "bitrate"),
    ({"video_config": {"width": 1920, "height": 1080, "bitrate": 999}}, "bitrate"),
    ({"video_config": {"width": 1920, "height": 1080, "bitrate": 2000, "codec": "VP8"}}, "codec"),
    ({"video_config": {"width": 1920, "height": 1080, "bitrate": 2000, "is_subtitle_enable": True}}, "subtitle"),
    ({"output_urls": ["rtmp://a", "rtmp://b"]}, "output_urls"),
    ({"output_urls": []}, "stream_keys"),
    ({"play_policy": {"live_exit_config": {"max_live_duration": 169}}}, "max_live_duration"),
    ({"play_policy": {"play_mode": "LOUD"}}, "play_mode"),
    ({"job_run_config": {"single_job_in_room": "yes"}}, "single_job_in_room"),
    ({"job_run_config": {"allow_resource_type": "FREE"}}, "allow_resource_type"),
    ({"view_mode": "SQUARE"}, "view_mode"),
    ({"live_event_callback_config": {"auth_type": "BASIC"}}, "auth_type"),
])
def test_start_refuses_bad_bodies(api, admin, idle_room, change, field):
    body = dict(LIVE_BODY)
    body.update(change)
    refused = assert_error(api.start(body=body), 400, "MSS.10000003")
    assert field in refused["error_msg"]
    assert len(admin.call("GET", "/jobs")["jobs"]) == 1
    assert admin.calls()[-1]["effect"] == "noop"


def test_start_with_an_empty_body(api, idle_room):
    assert api.start().status_code == 202
    assert api.start(body="{}").status_code == 202


def test_second_start_runs_in_parallel_by_default(api, admin):
    assert api.start(body={"job_run_config": {"single_job_in_room": False}}).status_code == 202
    running = api.list_room_jobs(query=[("state", "WAITING,PROCESSING")]).json()
    assert running["count"] == 2


def test_single_job_in_room_refuses_a_second_start(api, admin):
    single = {"job_run_config": {"single_job_in_room": True}}
    assert_error(api.start(body=single), 400, "MSS.20020001")
    admin.behaviour(busy_room_error_status=409, busy_room_error_code="MSS.20010046", busy_room_error_msg="busy")
    assert_error(api.start(body=single), 409, "MSS.20010046", "busy")
    assert [call["effect"] for call in admin.calls()] == ["noop", "noop"]
    admin.end_job(JOB)
    assert api.start(body=single).status_code == 202


def test_busy_room_refuses_every_start_when_told(api, admin):
    admin.behaviour(busy_room_start="refused")
    assert_error(api.start(), 400, "MSS.20020001")


def test_start_is_observable_by_listing_the_room_jobs(api, admin, idle_room):
    before = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)).strftime(
        "%Y-%m-%dT%H:%M:%S.%fZ")
    admin.fault(operation="StartSmartLive", kind="reset", apply="after")
    with pytest.raises(Exception):
        api.start(body=LIVE_BODY)
    listed = api.list_room_jobs(query=[("create_since", before), ("state", "WAITING,PROCESSING")]).json()
    assert listed["count"] == 1
    started = [call for call in admin.calls() if call["operation"] == "StartSmartLive"]
    assert started[0]["effect"] == "started" and started[0]["status"] is None
    assert started[0]["job_id"] == listed["smart_live_jobs"][0]["job_id"]
    later = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=5)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    assert api.list_room_jobs(query=[("create_since", later)]).json()["count"] == 0


@pytest.mark.parametrize("outcome", ["FAILED", "BLOCKED"])
def test_started_job_can_end_while_starting(api, admin, idle_room, outcome):
    admin.behaviour(started_job_outcome=outcome, start_delay_seconds=5)
    job_id = api.start().json()["job_id"]
    assert api.show(job=job_id).json()["state"] == "WAITING"
    admin.clock(advance_seconds=6)
    shown = api.show(job=job_id).json()
    assert shown["state"] == outcome and shown["start_time"] is None
    assert shown["error_info"] if outcome == "FAILED" else shown["block_reason"]


def test_admin_ends_a_job_failed_or_blocked_later(api, admin):
    info = {"error_code": "MSS.20010099", "error_msg": "stream push failed"}
    scheduled = admin.end_job(JOB, state="FAILED", error_info=info, after_seconds=30)
    assert scheduled["state"] == "PROCESSING"
    admin.clock(advance_seconds=31)
    shown = api.show().json()
    assert shown["state"] == "FAILED" and shown["error_info"] == info
    listed = api.list_jobs([("state", "FAILED")]).json()
    assert listed["smart_live_jobs"][0]["error_info"] == info
    admin.call("POST", "/jobs/%s/end" % JOB, {"state": "BLOCKED", "block_reason": "x"}, expect=409)
    admin.call("POST", "/jobs/%s/end" % JOB, {"after_seconds": -1}, expect=400)


# --- commands ----------------------------------------------------------------------


@pytest.mark.parametrize("command,params", [
    ("INSERT_PLAY_SCRIPT", {"text_config": {"text": "Hello"}, "play_type": "APPEND", "play_role": "STREAMER"}),
    ("INSERT_PLAY_AUDIO", {"audio_url": "https://cdn.example.com/a.mp3"}),
    ("REWRITE_PLAY_SCRIPT", {"scene_scripts": [{"script_name": "s", "shoot_scripts": [{"text_config": {"text": "t"}}]}]}),
    ("REWRITE_INTERACTION_RULES", {"interaction_rules": [{"rule_name": "r", "event_type": 1}]}),
    ("SHOW_LAYER", {"anything": "goes"}),
    ("REFRESH_OUTPUT_URL", {"output_urls": ["rtmp://new"], "stream_keys": ["new-key"]}),
    ("CLEAN_UP_INSERT_COMMAND", {"command_ids": ["c1"]}),
    ("RESET_EXIT_CONFIG", {"max_live_duration": 168, "auto_stop_mode": "FORCE_EXIT",
                           "max_exception_waiting_duration": 60}),
    ("A_COMMAND_ADDED_LATER", None),
])
def test_commands_accepted(api, admin, command, params):
    body = {"command": command} if params is None else {"command": command, "params": params}
    answer = api.command(body)
    assert answer.status_code == 200, answer.text
    shown = answer.json()
    assert sorted(shown) == ["command", "command_id", "result"] and shown["command"] == command
    assert isinstance(shown["result"], str)
    assert admin.job()["commands"][0]["command_id"] == shown["command_id"]
    assert admin.calls()[-1]["effect"] == "executed"


@pytest.mark.parametrize("body,field", [
    ({"params": {}}, "command"),
    ({"command": "INSERT_PLAY_SCRIPT"}, "text"),
    ({"command": "INSERT_PLAY_SCRIPT", "params": {"text_config": {}}}, "text"),
    ({"command": "INSERT_PLAY_SCRIPT", "params": {"text": "x", "play_type": "LATER"}}, "play_type"),
    ({"command": "INSERT_PLAY_AUDIO", "params": {}}, "audio_url"),
    ({"command": "REWRITE_PLAY_SCRIPT", "params": {}}, "scene_scripts"),
    ({"command": "REWRITE_INTERACTION_RULES", "params": {"interaction_rules": "none"}}, "interaction_rules"),
    ({"command": "REFRESH_OUTPUT_URL", "params": {"output_urls": ["a", "b"]}}, "output_urls"),
    ({"command": "RESET_EXIT_CONFIG", "params": {"max_live_duration": 200}}, "max_live_duration"),
    ({"command": "SHOW_LAYER", "params": "layer"}, "params"),
])
def test_command_params_checked(api, admin, body, field):
    refused = assert_error(api.command(body), 400, "MSS.10000003")
    assert field in refused["error_msg"]
    assert admin.job()["commands"] == []


def test_command_needs_a_processing_job(api, admin):
    admin.behaviour(start_delay_seconds=60)
    admin.end_job(JOB)
    assert_error(api.command({"command": "GET_CURRENT_PLAYING_SCRIPTS"}), 400, "MSS.20020001")
    waiting = api.start().json()["job_id"]
    assert_error(api.command({"command": "GET_CURRENT_PLAYING_SCRIPTS"}, job=waiting), 400, "MSS.20020001")
    assert_error(api.command({"command": "GET_CURRENT_PLAYING_SCRIPTS"}, job="missing"), 400, "MSS.00000003")
    assert_error(api.command("{oops"), 400, "MSS.00000002")


def test_query_commands_answer_from_the_job_config(api, admin, idle_room):
    script = {"script_name": "intro", "model_asset_id": "asset-1",
              "shoot_scripts": [{"sequence_no": 1, "title": "t", "text_config": {"text": "Hi there"}}]}
    assert api.update_room({"room_name": "scripted", "scene_scripts": [script]}).status_code == 200
    job_id = api.start(body={"output_urls": ["rtmp://x"], "stream_keys": ["k"]}).json()["job_id"]
    playing = json.loads(api.command({"command": "GET_CURRENT_PLAYING_SCRIPTS"}, job=job_id).json()["result"])
    assert playing["scene_scripts"][0]["shoot_scripts"][0]["text"] == "Hi there"
    config = json.loads(api.command({"command": "GET_LIVE_JOB_CONFIG_INFO"}, job=job_id).json()["result"])
    assert config["room_name"] == "scripted" and config["output_urls"] == ["rtmp://x"]


def test_reset_exit_config_reschedules_the_end(api, admin):
    assert api.command({"command": "RESET_EXIT_CONFIG", "params": {"max_live_duration": 1}}).status_code == 200
    admin.clock(advance_seconds=2 * 3600)
    assert api.show().json()["state"] == "SUCCEED"


def test_every_project_is_separate(emu, admin, api):
    other = api.__class__(emu.url, project_id="ab" * 16)
    admin.seed({"projects": [{"project_id": other.project_id}],
                "jobs": [{"project_id": other.project_id, "room_id": "r-other", "job_id": "j-other"}]})
    assert other.start(room="r-other").status_code == 202
    assert_error(other.start(room=ROOM), 400, "MSS.00000003")
    assert api.list_jobs().json()["count"] == 1 and other.list_jobs().json()["count"] == 2
    assert PROJECT not in json.dumps(other.list_jobs().json())


def test_concurrent_single_job_starts_make_one_job(api, admin, idle_room):
    single = json.dumps({"job_run_config": {"single_job_in_room": True}})
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = sorted(pool.map(lambda index: api.__class__(api.base_url).start(body=single).status_code,
                                   range(20)))
    assert statuses == [202] + [400] * 19
    assert api.list_room_jobs(query=[("state", "WAITING,PROCESSING")]).json()["count"] == 1
