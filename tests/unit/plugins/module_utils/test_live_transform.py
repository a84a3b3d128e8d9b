# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of _live_transform: job states and the redaction of the secrets the API returns with a job."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json

import pytest

from ansible_collections.metastudio.cloud.plugins.module_utils._live_transform import (
    REDACTED,
    STATE_PATTERN,
    is_running,
    redact_job,
)
from ansible_collections.metastudio.cloud.tests.unit.fakes import J


def test_is_running():
    assert is_running('WAITING')
    assert is_running('PROCESSING')
    for state in ('SUCCEED', 'FAILED', 'BLOCKED', 'CANCELED', 'SOMETHING_NEW', None, '', 'processing'):
        assert not is_running(state)


@pytest.mark.parametrize('state, valid', [('WAITING', True), ('SOME_NEW_STATE', True), ('A' * 32, True),
                                          ('A' * 33, False), ('WAITING,SUCCEED', False), ('waiting', False),
                                          ('', False), ('_X', False), ('X\n', False)])
def test_state_pattern(state, valid):
    assert bool(STATE_PATTERN.fullmatch(state)) is valid


def test_redact_job_hides_rtc_signatures_and_the_callback_key():
    job = {
        'job_id': J, 'state': 'PROCESSING',
        'rtc_room_info': {'app_id': 'app', 'room_id': 'rtc-room', 'users': [
            {'user_type': 'CAPTURE', 'user_id': 'u1', 'signature': 'rtc-signature-1', 'ctime': 1},
            {'user_type': 'PLAYER', 'user_id': 'u2', 'signature': '', 'ctime': 2}]},
        'live_event_callback_config': {'live_event_type_callback_url': 'https://cb.example.com', 'auth_type': 'MSS_A',
                                       'key': 'callback-key-1', 'callback_event_type': ['SHOOT_SCRIPT_SWITCH']},
    }
    original = json.dumps(job, sort_keys=True)
    redacted = redact_job(job)
    text = json.dumps(redacted)
    assert 'rtc-signature-1' not in text and 'callback-key-1' not in text
    assert redacted['rtc_room_info']['users'][0]['signature'] == REDACTED == '********'
    assert redacted['rtc_room_info']['users'][0]['user_id'] == 'u1'
    assert redacted['rtc_room_info']['users'][1]['signature'] == ''
    assert redacted['live_event_callback_config']['key'] == '********'
    assert redacted['live_event_callback_config']['auth_type'] == 'MSS_A'
    assert (redacted['job_id'], redacted['state']) == (J, 'PROCESSING')
    assert json.dumps(job, sort_keys=True) == original


@pytest.mark.parametrize('job', [{}, {'rtc_room_info': None}, {'rtc_room_info': {'users': None}},
                                 {'rtc_room_info': {'users': ['not-a-dict']}},
                                 {'live_event_callback_config': None}, {'live_event_callback_config': {'key': None}}])
def test_redact_job_leaves_jobs_without_secrets_alone(job):
    assert redact_job(job) == job
