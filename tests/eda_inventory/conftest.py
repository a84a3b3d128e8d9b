# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the event source, inventory and multi-project teardown tests (make eda-inventory).

Every test runs the real tools (ansible-rulebook, ansible-inventory, ansible-playbook) against an
in-process emulator over HTTP on 127.0.0.1, with the collection taken from this working tree through a
link in a temporary collections folder, and a scrubbed environment whose HOME is temporary too.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import secrets
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.dirname(sys.executable)
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

from metastudio_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position

PROJECTS = ("a0000000000000000000000000000001", "a0000000000000000000000000000002", "a0000000000000000000000000000003")
ACCESS_KEY = "EDAINVENTORYAK000001"
# Made for this run, so that finding one in any output is unambiguous.
SECRET_KEY = "eda-sk-" + secrets.token_hex(24)
AUTH_TOKEN = "eda-token-" + secrets.token_hex(24)
STREAM_KEY = "eda-streamkey-" + secrets.token_hex(16)
CALLBACK_KEY = "cbk" + secrets.token_hex(8)
PRIV_DATA = "eda-privdata-" + secrets.token_hex(8)
SECRETS = (SECRET_KEY, AUTH_TOKEN, STREAM_KEY, CALLBACK_KEY)
SCRUBBED_PREFIXES = ("HW_", "HUAWEICLOUD_", "ANSIBLE_", "OS_")
SCRUBBED_NAMES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                  "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "PYTHONPATH")


def seed_document(projects=PROJECTS, rooms_per_project=3, jobs_per_room=1):
    """Each project: rooms named room-NN (the same names in every project) with running jobs; room-01 of
    the first project carries a stream key, a callback key and private data."""
    rooms, jobs = [], []
    for number, project_id in enumerate(projects):
        for index in range(1, rooms_per_project + 1):
            room_id = "%s%02d%s" % (project_id[-6:], index, "0" * 24)
            room = dict(project_id=project_id, room_id=room_id, room_name="room-%02d" % index, room_type="NORMAL")
            if number == 0 and index == 1:
                room.update(priv_data=PRIV_DATA, output_urls=["rtmp://live.example.invalid/app"],
                            stream_keys=[STREAM_KEY])
            rooms.append(room)
            for job in range(jobs_per_room):
                jobs.append(dict(project_id=project_id, room_id=room_id, job_id="%s%02d%02d%s" % (
                    project_id[-6:], index, job, "f" * 22), state="PROCESSING"))
    return dict(projects=[dict(project_id=project_id) for project_id in projects],
                credentials=[dict(access_key=ACCESS_KEY, secret_key=SECRET_KEY, project_ids=[])],
                tokens=[dict(token=AUTH_TOKEN, project_id=project_id, expires_in=3600) for project_id in projects],
                rooms=rooms, jobs=jobs)


@pytest.fixture(name="emulator")
def emulator_fixture():
    emu = Emulator()
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture(scope="session", name="collections")
def collections_fixture(tmp_path_factory):
    """A collections folder whose metastudio.cloud is this working tree."""
    path = tmp_path_factory.mktemp("collections")
    namespace = path / "ansible_collections" / "metastudio"
    namespace.mkdir(parents=True)
    os.symlink(ROOT, str(namespace / "cloud"))
    return str(path)


@pytest.fixture(name="env")
def env_fixture(tmp_path, collections, emulator):
    """Environment of the tools: credentials of the emulator's project, nothing from this machine's cloud
    or Ansible settings, HOME and every Ansible folder under the test's temporary folder."""
    env = dict((name, value) for name, value in os.environ.items()
               if not name.startswith(SCRUBBED_PREFIXES) and name not in SCRUBBED_NAMES)
    home = tmp_path / "home"
    home.mkdir()
    env.update(
        PATH=BIN + os.pathsep + env.get("PATH", ""),
        HOME=str(home),
        ANSIBLE_HOME=str(tmp_path / "ansible-home"),
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
        ANSIBLE_COLLECTIONS_PATH=collections,
        ANSIBLE_INVENTORY_UNPARSED_FAILED="true",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        NO_PROXY="127.0.0.1,localhost",
        HUAWEICLOUD_SDK_AK=ACCESS_KEY,
        HUAWEICLOUD_SDK_SK=SECRET_KEY,
        HW_METASTUDIO_ENDPOINT=emulator.url,
    )
    return env


def run(args, env, cwd, timeout=300):
    """A tool run to its end: (exit status, stdout + stderr)."""
    completed = subprocess.run(args, env=env, cwd=str(cwd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=timeout, check=False, universal_newlines=True)
    return completed.returncode, completed.stdout


def write_inventory(directory, emulator_url, projects=PROJECTS, extra=""):
    path = os.path.join(str(directory), "campaign.metastudio.yml")
    with open(path, "w") as handle:
        handle.write("plugin: metastudio.cloud.live_rooms\nendpoint: %s\nprojects:\n" % emulator_url)
        for project_id in projects:
            handle.write("  - project_id: %s\n" % project_id)
        handle.write(extra)
    return path


def inventory_list(inventory, env, cwd, *extra):
    status, output = run([os.path.join(BIN, "ansible-inventory"), "-i", inventory, "--list"] + list(extra), env, cwd)
    assert status == 0, output
    return json.loads(output[output.index("{"):]), output


def plain(value):
    """Inventory JSON with ansible-core's untrusted-string markers removed."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return dict((key, plain(item)) for key, item in value.items())
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def running_jobs(emulator, project_id=None):
    return [job for job in emulator.raw_jobs(project_id) if job["state"] in ("WAITING", "PROCESSING")]


def calls(emulator, operation=None):
    return [call for call in emulator.calls.since(0) if operation is None or call["operation"] == operation]
