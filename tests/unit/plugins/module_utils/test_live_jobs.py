# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of _live_jobs, the idempotent stop of one job, over a scripted fake transport (no HTTP)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible_collections.metastudio.cloud.plugins.module_utils._errors import InvalidInputError, MetaStudioError
from ansible_collections.metastudio.cloud.plugins.module_utils._live_jobs import (
    classify_idle_rooms,
    diff_for,
    fail_result,
    job_result,
    mark_timed_out,
    normalize_targets,
    outcome,
    read_job,
    refresh,
    state_after,
    stop_read_job,
)
from ansible_collections.metastudio.cloud.plugins.module_utils._transport import ApiResponse
from ansible_collections.metastudio.cloud.tests.unit.fakes import (
    MSS_INVALID,
    MSS_STATE,
    J,
    J2,
    R,
    R2,
    FakeTransport,
    api_error,
    job,
    ok,
    page,
    stopped,
)

SHOW, STOP = 'ShowSmartLive', 'StopSmartLive'
TERMINAL_OR_UNKNOWN = ['SUCCEED', 'FAILED', 'BLOCKED', 'CANCELED', 'SOMETHING_NEW', None]


def stop_one(transport, room_id, job_id, check_mode=False):
    """Read one job and stop it unless it has ended, as FleetStop does for a job it did not list."""
    return stop_read_job(transport, read_job(transport, room_id, job_id), check_mode)


def state_error(request_id='rid-refused'):
    return api_error(STOP, 400, MSS_STATE, request_id)


def not_found(request_id='rid-400', operation=SHOW):
    return api_error(operation, 400, MSS_INVALID, request_id)


def running_result(job_id=J, room_id=R, state='PROCESSING'):
    return dict(job_result(room_id, job_id, job(state, job_id), 'rid-show'), changed=True, request_id='rid-stop')


# -- read_job and stop_read_job ---------------------------------------------------------------------

@pytest.mark.parametrize('state', ['PROCESSING', 'WAITING'])
def test_running_job_is_stopped(state):
    fake = FakeTransport(shows={J: [ok(state, 'rid-show')]}, stops={J: [stopped('rid-stop')]})
    result = stop_one(fake, R, J)
    assert fake.calls == [(SHOW, R, J), (STOP, R, J)]
    assert result['changed'] is True
    assert result['failed'] is False
    assert result['missing'] is False
    assert result['request_id'] == 'rid-stop'
    assert result['previous_state'] == state
    assert result['room_id'] == R
    assert result['job_id'] == J
    assert result['job'] == job(state)
    assert outcome(result) == 'stopped'


@pytest.mark.parametrize('state', TERMINAL_OR_UNKNOWN)
def test_ended_or_unknown_job_is_left_alone(state):
    fake = FakeTransport(shows={J: [ok(state, 'rid-show')]}, stops={J: [stopped()]})
    result = stop_one(fake, R, J)
    assert fake.names() == [SHOW]
    assert result['changed'] is False
    assert result['previous_state'] == state
    assert result['state'] == state
    assert result['request_id'] == 'rid-show'
    assert outcome(result) == 'unchanged'


def test_job_read_with_empty_body_is_left_alone():
    fake = FakeTransport(shows={J: [ApiResponse(200, None, 'rid-show')]}, stops={J: [stopped()]})
    result = stop_one(fake, R, J)
    assert fake.names() == [SHOW]
    assert result['changed'] is False
    assert result['state'] is None
    assert result['job'] == {}


def test_room_name_is_taken_from_the_job():
    fake = FakeTransport(shows={J: [ApiResponse(200, job('SUCCEED', room_name='Spring sale'), 'r')]})
    assert read_job(fake, R, J)['room_name'] == 'Spring sale'


@pytest.mark.parametrize('state, changed', [('PROCESSING', True), ('WAITING', True), ('SUCCEED', False), (None, False)])
def test_check_mode_never_stops(state, changed):
    fake = FakeTransport(shows={J: [ok(state, 'rid-show')]}, stops={J: [stopped()]})
    result = stop_one(fake, R, J, check_mode=True)
    assert fake.names() == [SHOW]
    assert result['changed'] is changed
    assert result['state'] == state


def test_refused_stop_of_a_job_that_ended_meanwhile_is_unchanged():
    fake = FakeTransport(shows={J: [ok('PROCESSING', 'rid-show'), ok('SUCCEED', 'rid-reread')]},
                         stops={J: [state_error('rid-refused')]})
    result = stop_one(fake, R, J)
    assert fake.calls == [(SHOW, R, J), (STOP, R, J), (SHOW, R, J)]
    assert result['changed'] is False
    assert result['failed'] is False
    assert result['request_id'] == 'rid-reread'
    assert result['previous_state'] == 'PROCESSING'
    assert result['state'] == 'SUCCEED'
    assert result['job'] == job('SUCCEED')


def test_refused_stop_of_a_job_still_running_raises_with_the_result():
    error = state_error()
    fake = FakeTransport(shows={J: [ok('PROCESSING', 'rid-show'), ok('PROCESSING', 'rid-reread')]}, stops={J: [error]})
    with pytest.raises(MetaStudioError) as info:
        stop_one(fake, R, J)
    raised = info.value
    assert fake.names() == [SHOW, STOP, SHOW]
    # A new error carries the result; the one raised by the transport is left as it was.
    assert raised is not error and error.result == {}
    assert (raised.msg, raised.status_code, raised.error_code, raised.request_id) == (
        error.msg, 400, 'MSS.20020001', 'rid-refused')
    assert raised.result['changed'] is False
    assert raised.result['state'] == 'PROCESSING'
    assert raised.result['previous_state'] == 'PROCESSING'
    assert raised.result['room_id'] == R
    assert raised.result['job_id'] == J


@pytest.mark.parametrize('request_id, expected', [('rid-503', 'rid-503'), (None, 'rid-reread')])
def test_stop_that_may_have_been_applied_and_job_ended_is_changed(request_id, expected):
    error = api_error(STOP, 503, request_id=request_id, maybe_applied=True)
    fake = FakeTransport(shows={J: [ok('PROCESSING', 'rid-show'), ok('CANCELED', 'rid-reread')]}, stops={J: [error]})
    result = stop_one(fake, R, J)
    assert fake.names() == [SHOW, STOP, SHOW]
    assert result['changed'] is True
    assert result['state'] == 'CANCELED'
    assert result['request_id'] == expected
    assert outcome(result) == 'stopped'


def test_stop_that_may_have_been_applied_and_job_still_running_raises_changed():
    error = MetaStudioError('StopSmartLive: no answer', operation=STOP, maybe_applied=True)
    fake = FakeTransport(shows={J: [ok('PROCESSING', 'rid-show'), ok('PROCESSING', 'rid-reread')]}, stops={J: [error]})
    with pytest.raises(MetaStudioError) as info:
        stop_one(fake, R, J)
    assert info.value.msg == error.msg
    assert info.value.result['changed'] is True
    assert info.value.request_id is None


@pytest.mark.parametrize('status', [401, 403])
def test_refused_credentials_are_raised_without_reading_again(status):
    error = api_error(STOP, status, {'error_code': 'APIG.0301'})
    fake = FakeTransport(shows={J: [ok('PROCESSING', 'rid-show'), ok('SUCCEED', 'rid-reread')]}, stops={J: [error]})
    with pytest.raises(MetaStudioError) as info:
        stop_one(fake, R, J)
    assert info.value is error
    assert fake.names() == [SHOW, STOP]
    assert error.result == {}


@pytest.mark.parametrize('maybe_applied', [False, True])
def test_failed_re_read_raises_the_stop_error_with_both_messages(maybe_applied):
    error = state_error() if not maybe_applied else api_error(STOP, 502, request_id='rid-502', maybe_applied=True)
    read_error = api_error(SHOW, 500, request_id='rid-500')
    fake = FakeTransport(shows={J: [ok('PROCESSING', 'rid-show'), read_error]}, stops={J: [error]})
    with pytest.raises(MetaStudioError) as info:
        stop_one(fake, R, J)
    raised = info.value
    assert fake.names() == [SHOW, STOP, SHOW]
    assert raised.msg == '%s; reading the job afterwards failed too: %s' % (error.msg, read_error.msg)
    # The failure reported is the stop's: its status and request id.
    assert (raised.status_code, raised.request_id) == (error.status_code, error.request_id)
    assert raised.result['changed'] is maybe_applied
    assert error.result == {}


@pytest.mark.parametrize('maybe_applied', [False, True])
def test_job_gone_after_a_refused_or_lost_stop(maybe_applied):
    # The job ended and its TEMP room was removed: by our stop only if it may have been applied.
    error = state_error() if not maybe_applied else api_error(STOP, 504, maybe_applied=True)
    fake = FakeTransport(shows={J: [ok('PROCESSING', 'rid-show'), not_found('rid-gone')]}, stops={J: [error]})
    result = stop_one(fake, R, J)
    assert result['failed'] is False
    assert result['state'] is None
    assert result['previous_state'] == 'PROCESSING'
    assert result['changed'] is maybe_applied
    assert result['request_id'] == 'rid-gone'
    assert outcome(result) == ('stopped' if maybe_applied else 'unchanged')


def test_failed_first_read_is_raised_before_any_stop():
    read_error = api_error(SHOW, 500, {'error_code': 'MSS.00000004'})
    fake = FakeTransport(shows={J: [read_error]}, stops={J: [stopped()]})
    with pytest.raises(MetaStudioError) as info:
        stop_one(fake, R, J)
    assert info.value is read_error
    assert fake.names() == [SHOW]


@pytest.mark.parametrize('read_error', [not_found('rid-400'), api_error(SHOW, 404, request_id='rid-400')])
def test_job_the_api_does_not_know_is_missing_not_failed(read_error):
    fake = FakeTransport(shows={J: [read_error]}, stops={J: [stopped()]})
    result = stop_one(fake, R, J)
    assert fake.names() == [SHOW]
    assert result['missing'] is True
    assert result['failed'] is False
    assert result['changed'] is False
    assert (result['previous_state'], result['state'], result['job']) == (None, None, {})
    assert (result['status_code'], result['error_code'], result['request_id']) == (
        read_error.status_code, read_error.error_code, 'rid-400')
    assert result['msg'].startswith('job %s of room %s was not found (%s)' % (J, R, read_error.msg))
    assert 'TEMP room' in result['msg']
    assert outcome(result) == 'missing'


def test_wrong_url_is_not_taken_for_a_missing_job():
    read_error = api_error(SHOW, 404, {'error_code': 'APIG.0101'})
    fake = FakeTransport(shows={J: [read_error]})
    with pytest.raises(MetaStudioError) as info:
        stop_one(fake, R, J)
    assert info.value is read_error


# -- outcome, refresh and mark_timed_out ------------------------------------------------------------

@pytest.mark.parametrize('facts, expected', [
    (dict(failed=True, missing=True, changed=True), 'failed'),
    (dict(failed=True, missing=False, changed=False), 'failed'),
    (dict(failed=False, missing=True, changed=False), 'missing'),
    (dict(failed=False, missing=False, changed=True), 'stopped'),
    (dict(failed=False, missing=False, changed=False), 'unchanged'),
])
def test_outcome(facts, expected):
    assert outcome(dict(running_result(), **facts)) == expected


def test_refresh_reads_the_job_again():
    fake = FakeTransport(shows={J: [ok('SUCCEED', 'rid-again')]})
    result = refresh(fake, running_result())
    assert (result['state'], result['job'], result['previous_state']) == ('SUCCEED', job('SUCCEED'), 'PROCESSING')
    assert result['failed'] is False
    assert result['request_id'] == 'rid-stop'


def test_refresh_of_a_job_this_run_stopped_that_is_gone_is_ended():
    fake = FakeTransport(shows={J: [not_found()]})
    result = refresh(fake, running_result())
    assert result['state'] is None
    assert result['failed'] is False
    assert outcome(result) == 'stopped'


def test_refresh_marks_a_job_that_cannot_be_read_as_failed():
    read_error = api_error(SHOW, 500, {'error_code': 'MSS.00000004', 'error_msg': 'Internal Error'}, 'rid-500')
    result = refresh(FakeTransport(shows={J: [read_error]}), running_result())
    assert result['failed'] is True
    assert result['changed'] is True
    assert result['status_code'] == 500
    assert result['error_code'] == 'MSS.00000004'
    assert result['error_msg'] == 'Internal Error'
    assert result['request_id'] == 'rid-500'
    assert result['msg'] == 'stop was sent, but the job could not be read afterwards: ' + read_error.msg
    assert outcome(result) == 'failed'


def test_refresh_of_a_job_not_stopped_by_this_run_that_is_gone_fails():
    result = refresh(FakeTransport(shows={J: [not_found()]}), dict(running_result(), changed=False))
    assert result['failed'] is True
    assert result['status_code'] == 400


def test_fail_result_takes_the_error_facts():
    error = api_error(STOP, 403, {'error_code': 'APIG.0302', 'error_msg': 'denied'}, 'rid-403')
    result = fail_result(running_result(), error)
    assert result['failed'] is True
    assert (result['msg'], result['status_code'], result['error_code'], result['error_msg'], result['request_id']) == (
        error.msg, 403, 'APIG.0302', 'denied', 'rid-403')


def test_mark_timed_out():
    results = [running_result()]
    mark_timed_out(results, 42)
    assert results[0]['failed'] is True
    assert 'still PROCESSING after 42 seconds' in results[0]['msg']
    assert J in results[0]['msg'] and R in results[0]['msg']


# -- normalize_targets ------------------------------------------------------------------------------

def test_normalize_targets_dedupes_in_order():
    jobs = [dict(room_id=R, job_id=J), dict(room_id=R2, job_id=J2), dict(room_id=R, job_id=J, extra=1)]
    assert normalize_targets(jobs) == [(R, J), (R2, J2)]
    assert normalize_targets([]) == []


@pytest.mark.parametrize('bad, where', [
    ([dict(room_id=R)], 'jobs[0]'),
    ([dict(room_id=R, job_id=J), dict(job_id=J)], 'jobs[1]'),
    (['%s/%s' % (R, J)], 'jobs[0]'),
    ([dict(room_id=R, job_id='../x')], 'jobs[0].job_id'),
    ([dict(room_id='a/b', job_id=J)], 'jobs[0].room_id'),
])
def test_normalize_targets_refuses(bad, where):
    with pytest.raises(InvalidInputError) as info:
        normalize_targets(bad)
    assert where in info.value.msg


# -- classify_idle_rooms ----------------------------------------------------------------------------

def rooms_listing(*pages):
    return [page(rooms, 'rid-rooms-%d' % number, count=sum(len(p) for p in pages), key='smart_live_rooms')
            for number, rooms in enumerate(pages)]


def test_rooms_that_matched_a_job_are_not_listed():
    fake = FakeTransport()
    results = [dict(running_result(), room_name='Spring sale')]
    assert classify_idle_rooms(fake, [R, 'Spring sale'], results) == ([], [])
    assert fake.calls == []


def test_rooms_without_jobs_are_split_into_idle_and_unknown():
    listing = rooms_listing([dict(room_id=R, room_name='Spring sale')], [dict(room_id=R2, room_name='Autumn')])
    fake = FakeTransport(rooms=listing)
    results = [dict(running_result(), room_name='Spring sale')]
    idle, unknown = classify_idle_rooms(fake, ['Spring sale', R2, 'Autumn', 'Sprng sale', 'Autumn', 'f' * 32], results)
    assert idle == [R2, 'Autumn']
    assert unknown == ['Sprng sale', 'f' * 32]
    assert fake.names() == ['ListSmartLiveRooms', 'ListSmartLiveRooms']
    assert [query['offset'] for query in fake.queries] == [0, 1]


# -- state_after and diff_for -----------------------------------------------------------------------

@pytest.mark.parametrize('changed, state, check_mode, expected', [
    (True, 'PROCESSING', False, 'stopped'),
    (True, 'WAITING', False, 'stopped'),
    (True, 'PROCESSING', True, 'stopped'),
    (True, 'SUCCEED', False, 'SUCCEED'),
    (True, 'CANCELED', True, 'stopped'),
    (True, None, False, 'stopped'),
    (False, 'PROCESSING', False, 'PROCESSING'),
    (False, 'SUCCEED', True, 'SUCCEED'),
    (False, None, False, None),
])
def test_state_after(changed, state, check_mode, expected):
    result = dict(running_result(), changed=changed, state=state)
    assert state_after(result, check_mode) == expected


def test_diff_for():
    results = [dict(running_result(), changed=True, previous_state='PROCESSING', state='PROCESSING'),
               dict(running_result(J2, R2), changed=False, previous_state='SUCCEED', state='SUCCEED')]
    assert diff_for(results) == dict(
        before={'%s/%s' % (R, J): 'PROCESSING', '%s/%s' % (R2, J2): 'SUCCEED'},
        after={'%s/%s' % (R, J): 'stopped', '%s/%s' % (R2, J2): 'SUCCEED'})
    assert diff_for([]) == dict(before={}, after={})
