# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the module unit tests."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os

import pytest


@pytest.fixture(autouse=True)
def no_credentials_from_the_environment(monkeypatch):
    """The modules read connection options from the environment: only what a test sets counts."""
    for name in list(os.environ):
        if name.startswith(('HUAWEICLOUD_', 'HW_')):
            monkeypatch.delenv(name)
