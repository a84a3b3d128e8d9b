# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The playbook metastudio.cloud.teardown_inventory over the live_rooms inventory of three projects."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import subprocess

from conftest import BIN, PROJECTS, SECRETS, calls, run, running_jobs, seed_document, write_inventory


def teardown(env, tmp_path, inventory, *extra):
    return run([os.path.join(BIN, "ansible-playbook"), "-i", inventory, "metastudio.cloud.teardown_inventory",
                "--forks", "5"] + list(extra), env, tmp_path)


def stop_listings(emulator, since):
    """The project-wide listings of running jobs made by the stops, by project."""
    listed = {}
    for call in emulator.calls.since(since):
        if call["operation"] == "ListSmartLiveJobs" and "WAITING" in str(call["query"]):
            listed[call["project_id"]] = listed.get(call["project_id"], 0) + 1
    return listed


def test_limit_to_one_project_stops_only_its_jobs(emulator, env, tmp_path):
    emulator.seed(seed_document(rooms_per_project=3, jobs_per_room=2))
    inventory = write_inventory(tmp_path, emulator.url)
    status, output = teardown(env, tmp_path, inventory, "--limit", "project_%s" % PROJECTS[1])
    assert status == 0, output
    assert running_jobs(emulator, PROJECTS[1]) == []
    assert len(running_jobs(emulator, PROJECTS[0])) == 6 and len(running_jobs(emulator, PROJECTS[2])) == 6
    assert "Stopped (6)" in output


def test_every_project_in_one_bulk_stop_each(emulator, env, tmp_path):
    document = seed_document(rooms_per_project=3, jobs_per_room=2)
    emulator.seed(document)
    # One job of the first project ends by itself before the teardown: reported as already ended or not selected.
    emulator.end_job(document["jobs"][0]["job_id"], state="FAILED")
    inventory = write_inventory(tmp_path, emulator.url)
    since = emulator.calls.since(0)[-1]["seq"] if emulator.calls.since(0) else 0
    status, output = teardown(env, tmp_path, inventory, "-e", "teardown_wait_timeout=60")
    assert status == 0, output
    assert running_jobs(emulator) == []
    stops = calls(emulator, "StopSmartLive")
    assert len(stops) == 17 and len(set(call["job_id"] for call in stops)) == 17
    assert all(call["status"] == 200 for call in stops)
    # The inventory lists each project's running jobs once, the stop once more: one bulk stop per project.
    assert stop_listings(emulator, since) == dict((project_id, 2) for project_id in PROJECTS)
    for secret in SECRETS:
        assert secret not in output
    status, output = teardown(env, tmp_path, inventory)
    assert status == 0, output
    assert len(calls(emulator, "StopSmartLive")) == 17, "a second run must stop nothing"


def test_hosts_pattern_live_selects_rooms_with_jobs(emulator, env, tmp_path):
    document = seed_document(projects=PROJECTS[:2], rooms_per_project=2)
    emulator.seed(document)
    inventory = write_inventory(tmp_path, emulator.url, PROJECTS[:2])
    status, output = teardown(env, tmp_path, inventory, "-e", "teardown_hosts=live", "--check")
    assert status == 0, output
    assert calls(emulator, "StopSmartLive") == [] and len(running_jobs(emulator)) == 4
    assert output.count("Would stop (2)") == 2


def test_a_host_that_is_no_room_stops_the_play_before_any_stop(emulator, env, tmp_path):
    emulator.seed(seed_document(projects=PROJECTS[:1]))
    inventory = write_inventory(tmp_path, emulator.url, PROJECTS[:1])
    status, output = teardown(env, tmp_path, inventory, "-i", "web01.example.invalid,")
    assert status != 0
    assert "not rooms of the metastudio.cloud.live_rooms inventory" in output and "web01.example.invalid" in output
    assert calls(emulator, "StopSmartLive") == []


def test_two_slices_at_once_stop_every_job_once(emulator, env, tmp_path):
    """As AWX job slicing runs it: two jobs on disjoint halves of the rooms, at the same time."""
    emulator.seed(seed_document(rooms_per_project=3, jobs_per_room=2))
    inventory = write_inventory(tmp_path, emulator.url)
    command = [os.path.join(BIN, "ansible-playbook"), "-i", inventory, "metastudio.cloud.teardown_inventory"]
    slices = [subprocess.Popen(command + ["--limit", limit], env=env, cwd=str(tmp_path), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, universal_newlines=True)
              for limit in ("all[0:3]", "all[4:]")]
    outputs = [process.communicate(timeout=300)[0] for process in slices]
    assert [process.returncode for process in slices] == [0, 0], outputs
    assert running_jobs(emulator) == []
    stops = calls(emulator, "StopSmartLive")
    assert len(stops) == 18 and len(set(call["job_id"] for call in stops)) == 18
