# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the AWX tests: the collection from this working tree on a collections path, and the emulator."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import sys

import pytest
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

from metastudio_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope="session", name="collections_path")
def collections_path_fixture(tmp_path_factory):
    """A collections path whose metastudio.cloud is this working tree, through a symlink."""
    path = tmp_path_factory.mktemp("collections")
    namespace = path / "ansible_collections" / "metastudio"
    namespace.mkdir(parents=True)
    (namespace / "cloud").symlink_to(ROOT, target_is_directory=True)
    return str(path)


@pytest.fixture(scope="session", name="emulator_server")
def emulator_server_fixture():
    with Emulator() as emulator:
        yield emulator


class EmulatorAdmin(object):
    """The emulator's admin interface (/_emulator/), over HTTP as any client would use it."""

    def __init__(self, url):
        self.url = url

    def _call(self, method, path, body=None):
        response = requests.request(method, self.url + "/_emulator/" + path, json=body, timeout=10)
        response.raise_for_status()
        return response.json() if response.content else None

    def reset(self):
        self._call("POST", "reset")

    def seed(self, document):
        return self._call("POST", "seed", document)

    def jobs(self):
        return dict((job["job_id"], job) for job in self._call("GET", "jobs")["jobs"])

    def calls(self):
        return self._call("GET", "calls")["calls"]


@pytest.fixture(name="admin")
def admin_fixture(emulator_server):
    admin = EmulatorAdmin(emulator_server.url)
    admin.reset()
    return admin
