# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures shared by the unit tests."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest
import responses


@pytest.fixture
def rsps():
    """HTTP mocked by responses; every request must match a registered answer, and each answer is used."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def http():
    """HTTP mocked by responses where registered answers need not all be used; a test that expects no
    request registers none and checks that no call was made."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock
