# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets of starts and commands: stream keys, output URLs, the callback key and URL, the interaction
callback URL, RTC signatures and live-event report URLs never appear in what an ansible-playbook run at
-vvvv leaves behind (stdout, stderr, registered results, the callback's records), in a start, an adopted
lost answer, a job that fails while starting, a command, a command whose answer is lost, a command
result that holds the room's stream key, and input refused before any request.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import secrets

from harness import OMIT, PROJECT_ID, admin_task, lab_defaults, run_playbook
from test_secrets import leaks, secret_values

STREAM_KEY = "rel-streamkey-" + secrets.token_hex(16)
NEW_STREAM_KEY = "rel-newstreamkey-" + secrets.token_hex(16)
ROOM_STREAM_KEY = "rel-roomstreamkey-" + secrets.token_hex(16)
CALLBACK_KEY = "cbk" + secrets.token_hex(14)
OUTPUT_URL = "rtmp://push.example.com/live/" + secrets.token_hex(16)
CALLBACK_URL = "https://hooks.example.com/metastudio?auth=" + secrets.token_hex(16)
INTERACTION_URL = "https://bot.example.com/reply?token=" + secrets.token_hex(16)
OURS = [STREAM_KEY, NEW_STREAM_KEY, ROOM_STREAM_KEY, CALLBACK_KEY, OUTPUT_URL, CALLBACK_URL, INTERACTION_URL]
ROOMS = ("room-secret-1", "room-secret-2", "room-secret-3")


def start_task(name, room, **options):
    settings = dict(room_id=room, state="started", output_urls=[OUTPUT_URL], stream_keys=[STREAM_KEY],
                    interaction_callback_url=INTERACTION_URL,
                    live_event_callback_config=dict(live_event_type_callback_url=CALLBACK_URL, auth_type="NONE",
                                                    key=CALLBACK_KEY, callback_event_type=["RTMP_STREAM_STATE_CHANGE"]),
                    wait_sleep=0.2, wait_timeout=30)
    settings.update(options)
    return {"name": name, "metastudio.cloud.metastudio_live_job": settings, "register": "r_" + name.replace(" ", "_"),
            "ignore_errors": True}


def command_task(name, command, params=None):
    options = dict(room_id=ROOMS[0], job_id="{{ r_start.job_id }}", command=command)
    if params is not None:
        options["params"] = params
    return {"name": name, "metastudio.cloud.metastudio_live_job_command": options,
            "register": "r_" + name.replace(" ", "_"), "ignore_errors": True}


def tasks(lab):
    refresh = dict(output_urls=[OUTPUT_URL], stream_keys=[NEW_STREAM_KEY])
    return [
        start_task("start", ROOMS[0]),
        command_task("refresh", "REFRESH_OUTPUT_URL", refresh),
        command_task("config", "GET_LIVE_JOB_CONFIG_INFO"),
        admin_task("lose the command answer", lab, "faults",
                   dict(operation="ExecuteSmartLiveCommand", kind="status", status=503, apply="after")),
        command_task("lost command", "REFRESH_OUTPUT_URL", refresh),
        admin_task("lose the start answer", lab, "faults", dict(operation="StartSmartLive", kind="reset", apply="after")),
        start_task("lost start", ROOMS[1]),
        admin_task("jobs fail while starting", lab, "behaviour", dict(started_job_outcome="FAILED"), method="PUT"),
        start_task("failed start", ROOMS[2]),
        start_task("refused", ROOMS[2], output_urls=[OUTPUT_URL, OUTPUT_URL], stream_keys=[STREAM_KEY, STREAM_KEY]),
        {"name": "dump", "ansible.builtin.copy": dict(
            content="{{ {'start': r_start, 'refresh': r_refresh, 'config': r_config, 'lost': r_lost_command, "
                    "'lost_start': r_lost_start, 'failed': r_failed_start, 'refused': r_refused} | to_nice_json }}",
            dest="{{ playbook_dir }}/registered.json")},
    ]


def test_no_start_or_command_secret_anywhere(lab, workdir, collections):
    lab.prepare()
    lab.emulator.seed({"rooms": [dict(project_id=PROJECT_ID, room_id=room, room_name=room, output_urls=[OUTPUT_URL],
                                      stream_keys=[ROOM_STREAM_KEY]) for room in ROOMS]})
    run = run_playbook(workdir, collections, tasks(lab), defaults=lab_defaults(lab, retries=1, wait_sleep=OMIT, wait_timeout=OMIT), verbosity=4)
    assert run.returncode == 0, run.describe()
    with open(os.path.join(workdir, "registered.json")) as stream:
        registered = json.load(stream)
    # Each path was really taken.
    assert registered["start"]["changed"] and registered["start"]["state"] == "PROCESSING"
    assert registered["refresh"]["changed"] and registered["refresh"]["command_id"], registered["refresh"]
    config = registered["config"]["result"]
    assert config["stream_keys"] == ["********"], config.get("stream_keys")
    assert registered["lost"]["failed"] and registered["lost"]["maybe_applied"]
    assert registered["lost_start"]["changed"] and not registered["lost_start"].get("failed")
    assert registered["failed"]["failed"] and registered["failed"]["state"] == "FAILED"
    assert registered["refused"]["failed"] and registered["refused"]["request_ids"] == []
    assert registered["start"]["job"]["live_event_report_url"] == "********"
    assert registered["start"]["job"]["live_event_callback_config"]["key"] == "********"
    # Controls: the scan finds what is there, and the jobs carry signatures to look for.
    with open(os.path.join(workdir, "playbook.yml")) as stream:
        assert leaks(stream.read(), OURS)
    assert len(lab.job_secrets()) >= 3
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in run.stdout
    report_urls = [job["live_event_report_url"] for job in lab.emulator.raw_jobs() if job.get("live_event_report_url")]
    assert report_urls
    with open(os.path.join(workdir, "results.jsonl")) as stream:
        callback = stream.read()
    texts = dict(stdout=run.stdout, stderr=run.stderr, registered=json.dumps(registered), callback=callback)
    # Report URLs hold the job id, which results name rightly: look for them whole.
    for name, text in sorted(texts.items()):
        found = leaks(text, OURS + secret_values(lab))
        assert not found, "secrets in %s: %s" % (name, found)
        assert not [url for url in report_urls if url in text], name
