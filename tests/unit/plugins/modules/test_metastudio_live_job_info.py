# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the metastudio_live_job_info module: refusals before any request, and the jobs it returns."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json

import pytest

from ansible_collections.metastudio.cloud.plugins.modules.metastudio_live_job_info import LiveJobInfoModule
from ansible_collections.metastudio.cloud.tests.unit.fakes import AK, BASE, J, J2, J3, P, R, R2, SK
from ansible_collections.metastudio.cloud.tests.unit.plugins.modules.harness import CONNECTION, TOKEN, FakeApi, run_module

KEY = 'callback-key-never-shown'


def run(args, **kwargs):
    return run_module(LiveJobInfoModule, dict(CONNECTION, **args), **kwargs)


def a_job(job_id, room_id=R, state='PROCESSING', **extra):
    return dict(job_id=job_id, room_id=room_id, room_name='Room %s' % room_id[:4], state=state, **extra)


@pytest.mark.parametrize('args, message', [
    (dict(job_id=J), 'job_id needs room_id'),
    (dict(room_id=R, room_name='Spring'), 'room_name and room_id cannot be combined'),
    (dict(room_id=R, job_id=J, create_since='2026-11-23T08:00:00Z'), 'create_since filters listings and cannot be combined with job_id'),
    (dict(room_id=R, job_id=J, create_until='2026-11-23T08:00:00Z'), 'create_until'),
    (dict(room_id='a/b'), 'room_id'),
    (dict(room_id=R, job_id='..'), 'job_id'),
    (dict(room_name='  '), 'room_name must not be empty'),
    (dict(state=['WAITING,SUCCEED']), "state 'WAITING,SUCCEED' is not a job state"),
    (dict(state=['PROCESSING', 'run ning']), 'is not a job state'),
    (dict(auth_token=None), 'no credentials'),
    (dict(auth_token=None, access_key='AK'), 'secret_key is missing'),
    (dict(project_id=None), 'project_id is required'),
    (dict(endpoint='ftp://metastudio.example.test'), 'endpoint'),
    (dict(timeout=3601), 'timeout'),
])
def test_refused_before_any_request(http, args, message):
    result = run(args)
    assert result['failed'] is True
    assert message in result['msg']
    assert len(http.calls) == 0
    assert result['request_ids'] == []


def test_project_listing_returns_every_job_once_and_redacted(http):
    jobs = [a_job(J), a_job(J2, R2, 'SUCCEED', live_event_callback_config=dict(key=KEY)), a_job(J3)]
    api = FakeApi(http, jobs=jobs)
    result = run(dict())
    assert (result['failed'], result['changed']) == (False, False)
    assert [job['job_id'] for job in result['jobs']] == [J, J2, J3]
    assert result['jobs'][1]['live_event_callback_config']['key'] == '********'
    assert KEY not in json.dumps(result)
    assert result['request_ids'] == ['rid-ListSmartLiveJobs-project']
    assert api.names() == ['ListSmartLiveJobs']


def test_state_filter_is_normalised(http):
    api = FakeApi(http, jobs=[a_job(J), a_job(J2, state='SUCCEED'), a_job(J3, state='WAITING')])
    result = run(dict(state=[' processing', 'WAITING', 'Processing']))
    assert [job['job_id'] for job in result['jobs']] == [J, J3]
    assert api.names() == ['ListSmartLiveJobs']


def test_room_listing_fills_in_the_room_id_and_drops_repeats(http):
    # A room listing that leaves room_id out, and lists a job twice (the listing changed between pages).
    listed = [dict(job_id=J, state='PROCESSING'), dict(job_id=J2, state='SUCCEED'), dict(job_id=J, state='PROCESSING')]
    api = FakeApi(http, faults={('ListSmartLive', None): (200, dict(count=3, smart_live_jobs=listed))})
    result = run(dict(room_id=R))
    assert [(job['room_id'], job['job_id']) for job in result['jobs']] == [(R, J), (R, J2)]
    assert api.calls == [('ListSmartLive', R, None)]


@pytest.mark.parametrize('state, found', [(None, True), (['SUCCEED'], False), (['PROCESSING'], True)])
def test_one_job(http, state, found):
    api = FakeApi(http, jobs=[a_job(J)])
    result = run(dict(room_id=R, job_id=J, state=state))
    assert result['failed'] is False
    assert result['jobs'] == ([a_job(J)] if found else [])
    assert api.names() == ['ShowSmartLive']


def test_one_job_the_api_does_not_know_fails_saying_why(http):
    FakeApi(http)
    result = run(dict(room_id=R, job_id=J))
    assert result['failed'] is True
    assert result['msg'].startswith('job %s of room %s was not found (ShowSmartLive failed with HTTP 400 MSS.00000003' % (J, R))
    assert (result['status_code'], result['error_code']) == (400, 'MSS.00000003')
    assert result['request_id'] == 'rid-ShowSmartLive-%s' % J
    assert 'jobs' not in result


def test_check_mode_reads_as_usual(http):
    FakeApi(http, jobs=[a_job(J)])
    result = run(dict(), check_mode=True)
    assert (result['failed'], result['changed']) == (False, False)
    assert [job['job_id'] for job in result['jobs']] == [J]


ENVIRONMENT = dict(HUAWEICLOUD_SDK_AK=AK, HUAWEICLOUD_SDK_SK=SK, HW_PROJECT_ID=P, HW_METASTUDIO_ENDPOINT=BASE)


def test_credentials_from_the_environment_are_used_and_masked(http, monkeypatch):
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    FakeApi(http, jobs=[a_job(J)])
    masked = set()
    result = run_module(LiveJobInfoModule, dict(), masked=masked)
    assert result['failed'] is False
    assert http.calls[0].request.headers['Authorization'].startswith('SDK-HMAC-SHA256 Access=%s,' % AK)
    assert 'X-Auth-Token' not in http.calls[0].request.headers
    # The secret key never went through the argument spec, yet it is masked in the output.
    assert SK in masked


def test_credentials_given_in_the_task_win_over_the_environment(http, monkeypatch):
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    FakeApi(http, jobs=[a_job(J)])
    masked = set()
    result = run_module(LiveJobInfoModule, dict(auth_token=TOKEN), masked=masked)
    assert result['failed'] is False
    assert http.calls[0].request.headers['X-Auth-Token'] == TOKEN
    assert 'Authorization' not in http.calls[0].request.headers
    assert {TOKEN, SK} <= masked
