# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input to starts and commands: each refused with a clear message before any request (the emulator's
call log stays empty), and no secret given with it appears in the refusal."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os

import pytest

from harness import OMIT, ROOT, assert_clean_result, assert_no_traceback, module_args, run_module

START_MODULE = os.path.join(ROOT, "plugins", "modules", "metastudio_live_job.py")
COMMAND_MODULE = os.path.join(ROOT, "plugins", "modules", "metastudio_live_job_command.py")
STREAM_KEY = "bad-input-stream-key-7f3a9c"
VIDEO = dict(width=1080, height=1920, bitrate=4000)

BAD_STARTS = [
    pytest.param(dict(video_config=dict(VIDEO, width=1280, height=720)), "1920 x 1080", id="video-resolution"),
    pytest.param(dict(video_config=dict(VIDEO, bitrate=9000)), "bitrate", id="video-bitrate"),
    pytest.param(dict(video_config=dict(VIDEO, bitrate="4000")), "bitrate", id="video-bitrate-text"),
    pytest.param(dict(video_config=dict(VIDEO, is_subtitle_enable=True)), "subtitles", id="subtitles"),
    pytest.param(dict(output_urls=["rtmp://a/live", "rtmp://b/live"], stream_keys=[STREAM_KEY, STREAM_KEY]), "one RTMP URL",
                 id="two-outputs"),
    pytest.param(dict(stream_keys=[STREAM_KEY]), "stream_keys needs output_urls", id="key-without-url"),
    pytest.param(dict(output_urls=[" "]), "non-empty", id="blank-url"),
    pytest.param(dict(play_policy=dict(live_exit_config=dict(max_live_duration=169))), "max_live_duration", id="exit-hours"),
    pytest.param(dict(play_policy=dict(live_exit_config="8h")), "live_exit_config", id="exit-config-text"),
    pytest.param(dict(live_event_callback_config=dict(key="k" * 33)), "at most 32", id="callback-key-length"),
    pytest.param(dict(live_event_callback_config=dict(auth_type="BASIC")), "auth_type", id="callback-auth-type"),
    pytest.param(dict(job_run_config=dict(allow_resource_type="FREE")), "allow_resource_type", id="resource-type"),
    pytest.param(dict(view_mode="SQUARE"), "view_mode", id="view-mode"),
    pytest.param(dict(interaction_callback_url="https://x/" + "a" * 2048), "2048", id="callback-url-length"),
    pytest.param(dict(job_id="job-1"), "job_id", id="job-id"),
    pytest.param(dict(rooms=["a"]), "rooms", id="rooms"),
    pytest.param(dict(all_rooms=True), "all_rooms", id="all-rooms"),
    pytest.param(dict(room_id=OMIT), "room_id or room_name", id="no-room"),
    pytest.param(dict(room_name="Spring sale"), "mutually exclusive", id="id-and-name"),
    pytest.param(dict(room_id=OMIT, room_name=" "), "room_name", id="blank-name"),
    pytest.param(dict(room_id="room/../x"), "room_id", id="bad-room-id"),
    pytest.param(dict(wait_timeout=-1), "wait_timeout", id="wait-timeout"),
    pytest.param(dict(state="stopped", stream_keys=[STREAM_KEY], output_urls=["rtmp://a/live"]), "only with state=started",
                 id="start-settings-when-stopping"),
]

BAD_COMMANDS = [
    pytest.param(dict(command="insert play script"), "command name", id="command-name"),
    pytest.param(dict(command=""), "command name", id="command-empty"),
    pytest.param(dict(command="INSERT_PLAY_SCRIPT", params={}), "text", id="script-without-text"),
    pytest.param(dict(command="INSERT_PLAY_SCRIPT", params=dict(text_config=dict(text="hi"), play_type="LATER")), "play_type",
                 id="script-play-type"),
    pytest.param(dict(command="INSERT_PLAY_AUDIO", params=dict(play_role="STREAMER")), "audio_url", id="audio-without-url"),
    pytest.param(dict(command="REWRITE_PLAY_SCRIPT", params=dict(scene_scripts=[dict(shoot_scripts=[])])), "script_name",
                 id="rewrite-script-name"),
    pytest.param(dict(command="REWRITE_INTERACTION_RULES", params=dict(interaction_rules="all")), "interaction_rules",
                 id="rewrite-rules"),
    pytest.param(dict(command="REFRESH_OUTPUT_URL", params=dict(output_urls=["rtmp://a", "rtmp://b"], stream_keys=[STREAM_KEY])),
                 "one output URL", id="refresh-two-urls"),
    pytest.param(dict(command="REFRESH_OUTPUT_URL", params=dict(stream_keys=[STREAM_KEY])), "output_urls", id="refresh-no-url"),
    pytest.param(dict(command="RESET_EXIT_CONFIG", params=dict(max_live_duration=200)), "max_live_duration", id="exit-hours"),
    pytest.param(dict(command="RESET_EXIT_CONFIG", params=dict(auto_stop_mode="NEVER")), "auto_stop_mode", id="exit-mode"),
    pytest.param(dict(command="INSERT_PLAY_SCRIPT", job_id="job/1", params=dict(text_config=dict(text="hi"))), "job_id",
                 id="bad-job-id"),
    pytest.param(dict(command="INSERT_PLAY_SCRIPT", room_id=OMIT, params=dict(text_config=dict(text="hi"))), "room_id",
                 id="no-room"),
]


def assert_refused(lab, run, word):
    assert_no_traceback(run.stdout, run.stderr)
    assert_clean_result(run.result)
    assert run.result["failed"] is True
    assert word in run.msg, "unclear message: %r" % run.msg
    assert run.result.get("request_ids", []) == []
    assert lab.calls() == [], "a refused run sent %s" % [call["path"] for call in lab.calls()]
    assert STREAM_KEY not in json.dumps(run.result) + run.stdout + run.stderr


@pytest.mark.parametrize("options, word", BAD_STARTS)
def test_bad_start_is_refused_before_any_request(shared_lab, collections, options, word):
    shared_lab.prepare()
    args = dict(room_id="room-bad-input", state="started")
    args.update(options)
    run = run_module(collections, module_args(shared_lab, **args), module_path=START_MODULE)
    assert_refused(shared_lab, run, word)


@pytest.mark.parametrize("options, word", BAD_COMMANDS)
def test_bad_command_is_refused_before_any_request(shared_lab, collections, options, word):
    shared_lab.prepare()
    args = dict(room_id="room-bad-input", job_id="job-bad-input", wait_sleep=OMIT, wait_timeout=OMIT)
    args.update(options)
    run = run_module(collections, module_args(shared_lab, **args), module_path=COMMAND_MODULE)
    assert_refused(shared_lab, run, word)


def test_unknown_command_is_sent_as_given(shared_lab, collections):
    """The command list grows: an unknown name is not refused by a fixed list."""
    shared_lab.prepare(jobs=[dict(project_id="5eed0000aaaabbbbccccddddeeee0001", room_id="room-bad-input",
                                  job_id="job-bad-input", state="PROCESSING")])
    run = run_module(collections, module_args(shared_lab, room_id="room-bad-input", job_id="job-bad-input",
                                              command="SHOW_LAYER_V2", params=dict(anything=1),
                                              wait_sleep=OMIT, wait_timeout=OMIT), module_path=COMMAND_MODULE)
    assert not run.failed, run.describe()
    assert run.result["changed"] is True and run.result["command_id"]
    assert [call["operation"] for call in shared_lab.calls()] == ["ShowSmartLive", "ExecuteSmartLiveCommand"]
