# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The playbook restart_room that the example rulebook runs: it starts a job only in an idle room, and a
refused start fails with the API's code and request id, no secret shown."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os

from conftest import BIN, PROJECTS, SECRET_KEY, calls, run, seed_document

PROJECT_ID = PROJECTS[0]


def restart(env, tmp_path, room_id, *extra):
    return run([os.path.join(BIN, "ansible-playbook"), "metastudio.cloud.restart_room", "-i", "localhost,", "-e",
                "room_id=%s" % room_id]
               + list(extra), dict(env, HUAWEICLOUD_SDK_PROJECT_ID=PROJECT_ID), tmp_path)


def test_a_room_with_a_running_job_is_left_alone(emulator, env, tmp_path):
    document = seed_document(projects=(PROJECT_ID,), rooms_per_project=1)
    emulator.seed(document)
    status, output = restart(env, tmp_path, document["rooms"][0]["room_id"])
    assert status == 0, output
    assert "already runs, nothing started" in output and calls(emulator, "StartSmartLive") == []


def test_an_idle_room_gets_one_job(emulator, env, tmp_path):
    document = seed_document(projects=(PROJECT_ID,), rooms_per_project=1)
    emulator.seed(document)
    room_id = document["rooms"][0]["room_id"]
    emulator.end_job(document["jobs"][0]["job_id"], state="FAILED")
    status, output = restart(env, tmp_path, room_id)
    assert status == 0, output
    starts = calls(emulator, "StartSmartLive")
    assert [(call["room_id"], call["status"]) for call in starts] == [(room_id, 202)]
    assert starts[0]["request_id"] in output and SECRET_KEY not in output


def test_a_refused_start_fails_with_code_and_request_id_and_no_secret(emulator, env, tmp_path):
    document = seed_document(projects=(PROJECT_ID,), rooms_per_project=1)
    emulator.seed(document)
    emulator.end_job(document["jobs"][0]["job_id"], state="FAILED")
    emulator.add_fault({"operation": "StartSmartLive", "kind": "status", "status": 400})
    status, output = restart(env, tmp_path, document["rooms"][0]["room_id"], "-vvvv")
    assert status != 0
    start = calls(emulator, "StartSmartLive")[0]
    assert "StartSmartLive failed with HTTP 400" in output and start["request_id"] in output
    assert SECRET_KEY not in output
