# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures: one in-process emulator per test session, reset before every test."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

from emulator_testlib import AK, JOB, PROJECT, ROOM, SK, Admin, ApiClient  # noqa: E402  pylint: disable=wrong-import-position
from metastudio_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope="session", name="emulator_server")
def emulator_server_fixture():
    with Emulator() as emulator:
        yield emulator


@pytest.fixture(name="emu")
def emu_fixture(emulator_server):
    Admin(emulator_server.url).reset()
    return emulator_server


@pytest.fixture(name="admin")
def admin_fixture(emu):
    return Admin(emu.url)


@pytest.fixture(name="api")
def api_fixture(emu, admin):
    """A signed client with a credential, the project, and one PROCESSING job (ROOM/JOB) seeded."""
    admin.seed({"projects": [{"project_id": PROJECT, "name": "cn-north-4"}],
                "credentials": [{"access_key": AK, "secret_key": SK}],
                "jobs": [{"project_id": PROJECT, "room_id": ROOM, "job_id": JOB, "state": "PROCESSING"}]})
    return ApiClient(emu.url)
