# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the metastudio_live_job module: every refusal comes before any request, and the
result has the documented shape for one job and for many."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json

import pytest

from ansible_collections.metastudio.cloud.plugins.modules.metastudio_live_job import BULK_RESULT_KEYS, LiveJobModule
from ansible_collections.metastudio.cloud.tests.unit.fakes import J, J2, J3, MSS_INVALID, R, R2
from ansible_collections.metastudio.cloud.tests.unit.plugins.modules.harness import (
    CONNECTION,
    TOKEN,
    FakeApi,
    run_module,
)

J4 = 'd' * 32
SIGNATURE = 'rtc-signature-never-shown'


def run(args, **kwargs):
    return run_module(LiveJobModule, dict(CONNECTION, **args), **kwargs)


def running(job_id=J, room_id=R, state='PROCESSING', **extra):
    return dict(room_id=room_id, job_id=job_id, state=state, room_name='Room %s' % room_id[:4], **extra)


# -- refusals before any request --------------------------------------------------------------------

@pytest.mark.parametrize('args, message', [
    (dict(job_id=J), 'job_id needs room_id'),
    (dict(), 'exactly one of room_id (with job_id for one job), jobs, rooms, or all_rooms=true; got none of them'),
    (dict(all_rooms=False), 'got none of them'),
    (dict(room_id=R, jobs=[]), 'got room_id, jobs'),
    (dict(rooms=['a'], all_rooms=True), 'got rooms, all_rooms'),
    (dict(jobs=[dict(room_id=R, job_id=J)], rooms=['a']), 'got jobs, rooms'),
    (dict(rooms=['Spring sale', '']), 'rooms must hold room ids or names, none of them empty'),
    (dict(rooms=['   ']), 'none of them empty'),
    (dict(room_id='../x'), 'room_id'),
    (dict(room_id=R, job_id='a/b'), 'job_id'),
    (dict(jobs=[dict(room_id=R)]), 'jobs[0] must be a dict with room_id and job_id'),
    (dict(jobs=[dict(room_id=R, job_id=J), dict(room_id=R, job_id='x?y')]), 'jobs[1].job_id'),
    (dict(room_id=R, concurrency=0), 'concurrency must be between 1 and 100, got 0'),
    (dict(room_id=R, concurrency=101), 'concurrency must be between 1 and 100'),
    (dict(room_id=R, wait_timeout=-1), 'wait_timeout must be between 0 and 604800'),
    (dict(room_id=R, wait_timeout=7 * 24 * 3600 + 1), 'wait_timeout'),
    (dict(room_id=R, wait_sleep=0), 'wait_sleep must be more than 0'),
    (dict(room_id=R, wait_sleep=float('nan')), 'wait_sleep'),
    (dict(room_id=R, state='absent'), 'value of state must be one of: stopped'),
    (dict(room_id=R, auth_token=None), 'no credentials'),
    (dict(room_id=R, access_key='AK', secret_key='SK'), 'give exactly one authentication method in the task'),
    (dict(room_id=R, project_id=None), 'project_id is required'),
    (dict(room_id=R, project_id='a/b'), 'project_id'),
    (dict(room_id=R, endpoint='https://metastudio.example.test/v1'), 'endpoint'),
    (dict(room_id=R, endpoint=None, region='cn-north-4.evil.test'), 'region'),
    (dict(room_id=R, timeout=0), 'timeout'),
    (dict(room_id=R, retries=-1), 'retries'),
    (dict(room_id=R, rate_limit=0.01), 'rate_limit'),
    (dict(room_id=R, app_user_id=' x'), 'app_user_id'),
    (dict(room_id=R, ca_path='/nonexistent/ca.pem'), 'ca_path'),
    (dict(room_id=R, iam_username='ops', iam_password='pw', auth_token=None), 'iam_domain_name'),
])
def test_refused_before_any_request(http, args, message):
    result = run(args)
    assert result['failed'] is True
    assert message in result['msg']
    assert len(http.calls) == 0
    assert result.get('request_ids', []) == []
    assert TOKEN not in json.dumps(result)


def test_refused_in_check_mode_too(http):
    result = run(dict(job_id=J), check_mode=True)
    assert result['failed'] is True
    assert len(http.calls) == 0


# -- one job ----------------------------------------------------------------------------------------

def test_running_job_is_stopped(http):
    job = running(rtc_room_info=dict(users=[dict(user_id='u1', signature=SIGNATURE)]))
    api = FakeApi(http, jobs=[job])
    result = run(dict(room_id=R, job_id=J))
    assert result['failed'] is False
    assert (result['changed'], result['outcome']) == (True, 'stopped')
    assert (result['room_id'], result['job_id']) == (R, J)
    assert (result['previous_state'], result['state']) == ('PROCESSING', 'CANCELED')
    assert result['request_id'] == 'rid-StopSmartLive-%s' % J
    assert result['request_ids'] == ['rid-ShowSmartLive-%s' % J, 'rid-StopSmartLive-%s' % J, 'rid-ShowSmartLive-%s' % J]
    assert api.names() == ['ShowSmartLive', 'StopSmartLive', 'ShowSmartLive']
    assert result['job']['rtc_room_info']['users'][0]['signature'] == '********'
    assert SIGNATURE not in json.dumps(result)
    for key in ('msg', 'status_code', 'error_code', 'error_msg', 'missing', 'results', 'diff'):
        assert key not in result, key


def test_job_gone_with_its_temp_room_after_our_stop_is_stopped(http):
    api = FakeApi(http, jobs=[running(room_type='TEMP')])
    result = run(dict(room_id=R, job_id=J), diff=True)
    assert (result['failed'], result['changed'], result['outcome']) == (False, True, 'stopped')
    assert (result['previous_state'], result['state']) == ('PROCESSING', None)
    assert result['diff'] == dict(before=dict(state='PROCESSING'), after=dict(state='stopped'))
    assert api.names() == ['ShowSmartLive', 'StopSmartLive', 'ShowSmartLive']
    assert 'msg' not in result and 'status_code' not in result


@pytest.mark.parametrize('state', ['SUCCEED', 'FAILED', 'SOMETHING_NEW'])
def test_ended_job_is_unchanged(http, state):
    api = FakeApi(http, jobs=[running(state=state)])
    result = run(dict(room_id=R, job_id=J))
    assert (result['failed'], result['changed'], result['outcome']) == (False, False, 'unchanged')
    assert (result['previous_state'], result['state']) == (state, state)
    assert result['request_id'] == 'rid-ShowSmartLive-%s' % J
    assert api.names() == ['ShowSmartLive']


def test_missing_job_fails_by_default(http):
    FakeApi(http)
    result = run(dict(room_id=R, job_id=J))
    assert result['failed'] is True
    assert (result['changed'], result['outcome']) == (False, 'missing')
    assert result['msg'].startswith('job %s of room %s was not found (ShowSmartLive failed with HTTP 400 MSS.00000003' % (J, R))
    assert (result['status_code'], result['error_code'], result['error_msg']) == (400, 'MSS.00000003', MSS_INVALID['error_msg'])
    assert result['request_id'] == 'rid-ShowSmartLive-%s' % J
    assert (result['previous_state'], result['state']) == (None, None)
    assert 'missing' not in result


def test_missing_job_only_warns_without_fail_on_missing(http):
    FakeApi(http)
    result = run(dict(room_id=R, job_id=J, fail_on_missing=False))
    assert (result['failed'], result['changed'], result['outcome']) == (False, False, 'missing')
    assert len(result['warnings']) == 1
    assert 'was not found' in result['warnings'][0]
    for key in ('msg', 'status_code', 'error_code', 'error_msg'):
        assert key not in result, key


@pytest.mark.parametrize('state, changed, after', [('PROCESSING', True, 'stopped'), ('WAITING', True, 'stopped'),
                                                   ('SUCCEED', False, 'SUCCEED')])
def test_check_mode_reads_only(http, state, changed, after):
    api = FakeApi(http, jobs=[running(state=state)])
    result = run(dict(room_id=R, job_id=J), check_mode=True, diff=True)
    assert (result['failed'], result['changed']) == (False, changed)
    assert result['outcome'] == ('stopped' if changed else 'unchanged')
    assert result['diff'] == dict(before=dict(state=state), after=dict(state=after))
    assert api.names() == ['ShowSmartLive']


def test_diff_shows_the_state_read_after_the_stop(http):
    FakeApi(http, jobs=[running()])
    result = run(dict(room_id=R, job_id=J), diff=True)
    assert result['diff'] == dict(before=dict(state='PROCESSING'), after=dict(state='CANCELED'))


def test_refused_credentials_fail_with_the_api_error(http):
    api = FakeApi(http, jobs=[running()], faults={('ShowSmartLive', J): (
        401, dict(error_code='APIG.0301', error_msg='Incorrect IAM authentication information'))})
    result = run(dict(room_id=R, job_id=J))
    assert result['failed'] is True
    assert result['msg'] == 'ShowSmartLive failed with HTTP 401 APIG.0301: Incorrect IAM authentication information'
    assert (result['status_code'], result['error_code']) == (401, 'APIG.0301')
    assert result['request_id'] == 'rid-ShowSmartLive-%s' % J
    assert result['request_ids'] == ['rid-ShowSmartLive-%s' % J]
    assert api.names() == ['ShowSmartLive']
    assert TOKEN not in json.dumps(result)


def test_lost_stop_of_a_job_still_running_fails_changed_with_the_stop_error(http):
    FakeApi(http, jobs=[running()], faults={('StopSmartLive', J): (503, dict(error_code='MSS.00000004', error_msg='busy'))})
    result = run(dict(room_id=R, job_id=J))
    assert result['failed'] is True
    assert result['changed'] is True
    assert result['outcome'] == 'failed'
    assert result['status_code'] == 503
    assert result['request_id'] == 'rid-StopSmartLive-%s' % J
    assert result['msg'].startswith('StopSmartLive failed with HTTP 503 MSS.00000004: busy')


def test_redirected_stop_is_not_reported_stopped(http):
    api = FakeApi(http, jobs=[running()], faults={('StopSmartLive', J): (302, None)})
    result = run(dict(room_id=R, job_id=J, wait=False))
    assert api.jobs[(R, J)]['state'] == 'PROCESSING'
    assert result['failed'] is True
    assert result['outcome'] != 'stopped'


# -- many jobs --------------------------------------------------------------------------------------

def test_bulk_result_lists_each_outcome(http):
    jobs = [running(J), running(J2, state='SUCCEED'), running(J4, R2)]
    api = FakeApi(http, jobs=jobs, faults={('StopSmartLive', J4): (403, dict(error_code='APIG.0302', error_msg='denied'))})
    targets = [dict(room_id=R, job_id=job_id, state='ignored') for job_id in (J, J2, J3)] + [dict(room_id=R2, job_id=J4)]
    result = run(dict(jobs=targets))
    assert result['failed'] is True
    assert result['changed'] is True
    assert (result['stopped'], result['unchanged'], result['missing'], result['failed_jobs']) == ([J], [J2], [J3], [J4])
    assert [entry['outcome'] for entry in result['results']] == ['stopped', 'unchanged', 'missing', 'failed']
    assert [entry['job_id'] for entry in result['results']] == [J, J2, J3, J4]
    for entry in result['results']:
        assert set(entry) == set(BULK_RESULT_KEYS)
    failed = result['results'][3]
    assert (failed['status_code'], failed['error_code'], failed['request_id']) == (403, 'APIG.0302', 'rid-StopSmartLive-%s' % J4)
    assert result['msg'].startswith('1 stopped, 1 already ended, 1 not found; 1 of 4 jobs could not be confirmed stopped: %s (' % J4)
    assert '1 jobs were not found' in result['msg'] and 'set fail_on_missing=false to accept them' in result['msg']
    assert ('StopSmartLive', R, J2) not in api.calls
    assert len(result['request_ids']) == len(api.calls)


def test_bulk_missing_jobs_only_warn_without_fail_on_missing(http):
    FakeApi(http, jobs=[running(J)])
    result = run(dict(jobs=[dict(room_id=R, job_id=J), dict(room_id=R, job_id=J3)], fail_on_missing=False))
    assert result['failed'] is False
    assert (result['stopped'], result['missing'], result['failed_jobs']) == ([J], [J3], [])
    assert result['msg'] == '1 stopped, 0 already ended, 1 not found'
    assert len(result['warnings']) == 1 and J3 in result['warnings'][0]


def test_bulk_check_mode_says_would_be_stopped(http):
    api = FakeApi(http, jobs=[running(J), running(J2, state='WAITING'), running(J3, state='FAILED')])
    result = run(dict(room_id=R), check_mode=True, diff=True)
    assert (result['failed'], result['changed']) == (False, True)
    assert result['msg'] == '2 would be stopped, 0 already ended'
    assert sorted(result['stopped']) == sorted([J, J2])
    assert 'StopSmartLive' not in api.names()
    assert result['diff']['after'] == {'%s/%s' % (R, J): 'stopped', '%s/%s' % (R, J2): 'stopped'}


def test_bulk_of_a_room_stops_its_running_jobs(http):
    api = FakeApi(http, jobs=[running(J), running(J2, state='SUCCEED'), running(J3, R2)])
    result = run(dict(room_id=R), diff=True)
    assert (result['failed'], result['changed']) == (False, True)
    assert (result['stopped'], result['unchanged']) == ([J], [])
    assert result['msg'] == '1 stopped, 0 already ended'
    assert api.names()[0] == 'ListSmartLive'
    assert ('StopSmartLive', R2, J3) not in api.calls
    assert result['diff'] == dict(before={'%s/%s' % (R, J): 'PROCESSING'}, after={'%s/%s' % (R, J): 'CANCELED'})


def test_empty_jobs_list_changes_nothing(http):
    result = run(dict(jobs=[]))
    assert (result['failed'], result['changed']) == (False, False)
    assert result['results'] == [] and result['stopped'] == []
    assert result['msg'] == '0 stopped, 0 already ended'
    assert len(http.calls) == 0


def test_all_rooms(http):
    api = FakeApi(http, jobs=[running(J), running(J3, R2, state='WAITING'), running(J2, state='SUCCEED')])
    result = run(dict(all_rooms=True))
    assert (result['failed'], result['changed']) == (False, True)
    assert sorted(result['stopped']) == sorted([J, J3])
    assert api.names().count('ListSmartLiveJobs') == 1
    assert 'idle_rooms' not in result and 'unknown_rooms' not in result


ROOMS = [dict(room_id=R, room_name='Room 26f0'), dict(room_id=R2, room_name='Quiet room')]


def test_rooms_split_into_idle_and_unknown_and_unknown_fail(http):
    FakeApi(http, jobs=[running(J)], rooms=ROOMS)
    result = run(dict(rooms=['Room 26f0', 'Quiet room', 'Qiuet room']))
    assert result['failed'] is True
    assert result['stopped'] == [J]
    assert (result['idle_rooms'], result['unknown_rooms']) == (['Quiet room'], ['Qiuet room'])
    assert "no room has the id or name 'Qiuet room'" in result['msg']
    assert 'set fail_on_unknown_rooms=false to only warn' in result['msg']
    assert result['warnings'] == []


def test_unknown_rooms_only_warn_without_fail_on_unknown_rooms(http):
    FakeApi(http, jobs=[running(J)], rooms=ROOMS)
    result = run(dict(rooms=[R, 'Qiuet room'], fail_on_unknown_rooms=False))
    assert result['failed'] is False
    assert (result['idle_rooms'], result['unknown_rooms']) == ([], ['Qiuet room'])
    assert result['msg'] == '1 stopped, 0 already ended'
    assert len(result['warnings']) == 1 and 'Qiuet room' in result['warnings'][0]


def test_rooms_that_cannot_be_listed_fail_with_the_api_error(http):
    FakeApi(http, jobs=[running(J)], faults={('ListSmartLiveRooms', None): (500, dict(error_code='MSS.00000004'))})
    result = run(dict(rooms=['Quiet room']))
    assert result['failed'] is True
    assert (result['idle_rooms'], result['unknown_rooms']) == ([], [])
    assert result['status_code'] == 500
    assert 'the rooms could not be listed' in result['msg']
    assert result['request_id'] == 'rid-ListSmartLiveRooms-project'


def test_rooms_all_matched_are_not_listed(http):
    api = FakeApi(http, jobs=[running(J)], rooms=ROOMS)
    result = run(dict(rooms=['Room 26f0']))
    assert result['failed'] is False
    assert (result['idle_rooms'], result['unknown_rooms']) == ([], [])
    assert 'ListSmartLiveRooms' not in api.names()
