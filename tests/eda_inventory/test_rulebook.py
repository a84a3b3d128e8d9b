# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shipped rulebook restart_failed_jobs, run by the real ansible-rulebook (Java 17 and drools) against
the emulator: a job that ends FAILED gets its room restarted, one that ends SUCCEED does not."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import shutil
import subprocess
import time

import pytest

from conftest import BIN, PROJECTS, SECRETS, calls, seed_document

PROJECT_ID = PROJECTS[0]


def java_major():
    java = shutil.which("java")
    if not java:
        return None
    output = subprocess.run([java, "-version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False,
                            universal_newlines=True).stdout
    version = output.split('"')[1] if '"' in output else "0"
    return int(version.split(".")[0])


def wait_for(predicate, seconds, process, log_path):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return
        if process.poll() is not None:
            break
        time.sleep(0.5)
    with open(log_path) as handle:
        pytest.fail("condition not met in %s s; ansible-rulebook said:\n%s" % (seconds, handle.read()[-6000:]))


def test_java_17_runtime_is_there():
    """ansible-rulebook needs a Java 17 runtime; without one this fails, never skips."""
    major = java_major()
    assert major is not None and major >= 17, (
        "ansible-rulebook needs a Java 17 runtime: install openjdk-17-jre-headless "
        "(apt-get install openjdk-17-jre-headless)")


def test_failed_job_restarts_its_room(emulator, env, tmp_path):
    document = seed_document(projects=(PROJECT_ID,), rooms_per_project=2)
    emulator.seed(document)
    failing, succeeding = [job["job_id"] for job in document["jobs"]]
    failing_room, succeeding_room = [room["room_id"] for room in document["rooms"]]
    env = dict(env, HUAWEICLOUD_SDK_PROJECT_ID=PROJECT_ID)
    (tmp_path / "hosts").write_text("localhost ansible_connection=local\n")
    log_path = str(tmp_path / "rulebook.log")
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [os.path.join(BIN, "ansible-rulebook"), "--rulebook", "metastudio.cloud.restart_failed_jobs",
             "-i", "hosts", "-v"], env=env, cwd=str(tmp_path), stdout=log, stderr=subprocess.STDOUT)
    try:
        # The first poll has been made once both listings were read.
        wait_for(lambda: len(calls(emulator, "ListSmartLiveJobs")) >= 3, 90, process, log_path)
        emulator.end_job(succeeding, state="SUCCEED")
        emulator.end_job(failing, state="FAILED", error_info=dict(error_code="MSS.99", error_msg="render node lost"))
        wait_for(lambda: calls(emulator, "StartSmartLive"), 60, process, log_path)
        # Give a wrong second restart (or one of the other room) time to show.
        time.sleep(12)
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    starts = calls(emulator, "StartSmartLive")
    assert [(call["room_id"], call["status"]) for call in starts] == [(failing_room, 202)]
    new_jobs = [job for job in emulator.raw_jobs(PROJECT_ID) if job["job_id"] not in (failing, succeeding)]
    assert len(new_jobs) == 1 and new_jobs[0]["room_id"] == failing_room
    assert new_jobs[0]["state"] in ("WAITING", "PROCESSING")
    assert succeeding_room not in [call["room_id"] for call in starts]
    with open(log_path) as handle:
        output = handle.read()
    assert "PLAY RECAP" in output and "failed=0" in output
    for secret in SECRETS:
        assert secret not in output
