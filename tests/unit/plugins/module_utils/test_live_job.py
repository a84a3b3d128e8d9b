# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the idempotent stop logic, over a scripted fake client (no HTTP)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import threading

import pytest

from ansible_collections.metastudio.cloud.plugins.module_utils import live_job
from ansible_collections.metastudio.cloud.plugins.module_utils.client import ApiResponse, InvalidInputError, MetaStudioError

R = '26f065244f754b3aa853b649a21aaf66'
J = 'e87104f76d7546ce8a46ac6b04c49c3c'
R2 = 'a' * 32
J2 = 'b' * 32
J3 = 'c' * 32
TERMINAL_OR_UNKNOWN = ['SUCCEED', 'FAILED', 'BLOCKED', 'CANCELED', 'SOMETHING_NEW', None]


def stop_job(client, room_id, job_id, check_mode=False):
    """Read one job and stop it unless it has ended, as FleetStop does for a job it did not list."""
    return live_job.stop_read_job(client, live_job.read_job(client, room_id, job_id), check_mode)


class FakeClient(object):
    """Answers show_job/stop_job/iter_pages from scripts keyed by job (or room), and records every call.

    Each script is a list of ApiResponse (returned) or MetaStudioError (raised); the last one repeats.
    """

    def __init__(self, shows=None, stops=None, pages=None, on_show=None):
        self.shows = dict(shows or {})
        self.stops = dict(stops or {})
        self.pages = dict(pages or {})
        self.on_show = on_show
        self.calls = []
        self._lock = threading.Lock()

    def _answer(self, scripts, name, room_id, job_id):
        with self._lock:
            self.calls.append((name, room_id, job_id))
            script = scripts[job_id]
            item = script.pop(0) if len(script) > 1 else script[0]
        if isinstance(item, Exception):
            raise item
        return item

    def show_job(self, room_id, job_id):
        if self.on_show:
            self.on_show()
        return self._answer(self.shows, 'show', room_id, job_id)

    def stop_job(self, room_id, job_id):
        return self._answer(self.stops, 'stop', room_id, job_id)

    def iter_pages(self, room_id=None, states=None):
        with self._lock:
            self.calls.append(('list', room_id, tuple(states or ())))
        for item in self.pages[room_id]:
            if isinstance(item, Exception):
                raise item
            yield item

    def names(self):
        return [call[0] for call in self.calls]


class FakeTime(object):
    """A clock that only moves when slept on (or when told); records every sleep with the time it began."""

    def __init__(self, now=500.0):
        self.now = now
        self.sleeps = []
        self.started = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        assert seconds >= 0
        self.started.append(self.now)
        self.sleeps.append(seconds)
        self.now += seconds


def job(state, job_id=J, **extra):
    body = dict(job_id=job_id, **extra)
    if state is not None:
        body['state'] = state
    return body


def ok(state, request_id, job_id=J):
    return ApiResponse(200, job(state, job_id), request_id)


def stopped(request_id='rid-stop'):
    return ApiResponse(200, None, request_id)


def state_error(request_id='rid-refused'):
    return MetaStudioError('StopSmartLive failed with HTTP 400 MSS.20020001: the task state does not allow the current operation',
                           status_code=400, error_code='MSS.20020001', error_msg='the task state does not allow the current operation',
                           request_id=request_id, operation='StopSmartLive')


def running_result(job_id=J, room_id=R, state='PROCESSING'):
    return dict(room_id=room_id, job_id=job_id, changed=True, failed=False, previous_state=state, state=state,
                job=job(state, job_id), request_id='rid-stop')


# -- stop_job ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('state', ['PROCESSING', 'WAITING'])
def test_running_job_is_stopped(state):
    fake = FakeClient(shows={J: [ok(state, 'rid-show')]}, stops={J: [stopped('rid-stop')]})
    result = stop_job(fake, R, J)
    assert fake.calls == [('show', R, J), ('stop', R, J)]
    assert result['changed'] is True
    assert result['failed'] is False
    assert result['request_id'] == 'rid-stop'
    assert result['previous_state'] == state
    assert result['room_id'] == R
    assert result['job_id'] == J
    assert result['job'] == job(state)


@pytest.mark.parametrize('state', TERMINAL_OR_UNKNOWN)
def test_ended_or_unknown_job_is_left_alone(state):
    fake = FakeClient(shows={J: [ok(state, 'rid-show')]}, stops={J: [stopped()]})
    result = stop_job(fake, R, J)
    assert fake.names() == ['show']
    assert result['changed'] is False
    assert result['previous_state'] == state
    assert result['state'] == state
    assert result['request_id'] == 'rid-show'


def test_job_read_with_empty_body_is_left_alone():
    fake = FakeClient(shows={J: [ApiResponse(200, None, 'rid-show')]}, stops={J: [stopped()]})
    result = stop_job(fake, R, J)
    assert fake.names() == ['show']
    assert result['changed'] is False
    assert result['state'] is None
    assert result['job'] == {}


@pytest.mark.parametrize('state, changed', [('PROCESSING', True), ('WAITING', True), ('SUCCEED', False), (None, False)])
def test_check_mode_never_stops(state, changed):
    fake = FakeClient(shows={J: [ok(state, 'rid-show')]}, stops={J: [stopped()]})
    result = stop_job(fake, R, J, check_mode=True)
    assert fake.names() == ['show']
    assert result['changed'] is changed
    assert result['state'] == state


def test_refused_stop_of_a_job_that_ended_meanwhile_is_unchanged():
    fake = FakeClient(shows={J: [ok('PROCESSING', 'rid-show'), ok('SUCCEED', 'rid-reread')]},
                      stops={J: [state_error('rid-refused')]})
    result = stop_job(fake, R, J)
    assert fake.calls == [('show', R, J), ('stop', R, J), ('show', R, J)]
    assert result['changed'] is False
    assert result['failed'] is False
    assert result['request_id'] == 'rid-reread'
    assert result['previous_state'] == 'PROCESSING'
    assert result['state'] == 'SUCCEED'
    assert result['job'] == job('SUCCEED')


def test_refused_stop_of_a_job_still_running_raises_with_the_result():
    error = state_error()
    fake = FakeClient(shows={J: [ok('PROCESSING', 'rid-show'), ok('PROCESSING', 'rid-reread')]}, stops={J: [error]})
    with pytest.raises(MetaStudioError) as info:
        stop_job(fake, R, J)
    assert info.value is error
    assert fake.names() == ['show', 'stop', 'show']
    assert error.result['changed'] is False
    assert error.result['state'] == 'PROCESSING'
    assert error.result['previous_state'] == 'PROCESSING'
    assert error.result['room_id'] == R
    assert error.result['job_id'] == J


@pytest.mark.parametrize('request_id, expected', [('rid-503', 'rid-503'), (None, 'rid-reread')])
def test_stop_that_may_have_been_applied_and_job_ended_is_changed(request_id, expected):
    error = MetaStudioError('StopSmartLive failed with HTTP 503 (gave up after 5 retries)', status_code=503,
                            request_id=request_id, operation='StopSmartLive', maybe_applied=True)
    fake = FakeClient(shows={J: [ok('PROCESSING', 'rid-show'), ok('CANCELED', 'rid-reread')]}, stops={J: [error]})
    result = stop_job(fake, R, J)
    assert fake.names() == ['show', 'stop', 'show']
    assert result['changed'] is True
    assert result['state'] == 'CANCELED'
    assert result['request_id'] == expected


def test_stop_that_may_have_been_applied_and_job_still_running_raises_changed():
    error = MetaStudioError('StopSmartLive: no answer', operation='StopSmartLive', maybe_applied=True)
    fake = FakeClient(shows={J: [ok('PROCESSING', 'rid-show'), ok('PROCESSING', 'rid-reread')]}, stops={J: [error]})
    with pytest.raises(MetaStudioError) as info:
        stop_job(fake, R, J)
    assert info.value is error
    assert error.result['changed'] is True


@pytest.mark.parametrize('status', [401, 403])
def test_refused_credentials_are_raised_without_reading_again(status):
    error = MetaStudioError('StopSmartLive failed with HTTP %d' % status, status_code=status, error_code='APIG.0301')
    fake = FakeClient(shows={J: [ok('PROCESSING', 'rid-show'), ok('SUCCEED', 'rid-reread')]}, stops={J: [error]})
    with pytest.raises(MetaStudioError) as info:
        stop_job(fake, R, J)
    assert info.value is error
    assert fake.names() == ['show', 'stop']
    assert error.result == {}


def test_failed_re_read_raises_the_stop_error():
    error = state_error()
    read_error = MetaStudioError('ShowSmartLive failed with HTTP 500', status_code=500)
    fake = FakeClient(shows={J: [ok('PROCESSING', 'rid-show'), read_error]}, stops={J: [error]})
    with pytest.raises(MetaStudioError) as info:
        stop_job(fake, R, J)
    assert info.value is error
    assert fake.names() == ['show', 'stop', 'show']


def test_failed_first_read_is_raised_before_any_stop():
    read_error = MetaStudioError('ShowSmartLive failed with HTTP 400 MSS.00000003', status_code=400)
    fake = FakeClient(shows={J: [read_error]}, stops={J: [stopped()]})
    with pytest.raises(MetaStudioError) as info:
        stop_job(fake, R, J)
    assert info.value is read_error
    assert fake.names() == ['show']


# -- wait_for_end -----------------------------------------------------------------------------------

def test_wait_returns_at_once_when_nothing_runs():
    results = [dict(running_result(), state='SUCCEED'), dict(running_result(J2), state=None),
               dict(running_result(J3), failed=True)]
    fake = FakeClient()
    timer = FakeTime()
    assert live_job.wait_for_end(fake, results, timer.now + 60, 3, clock=timer.clock, sleep=timer.sleep) == []
    assert fake.calls == []
    assert timer.sleeps == []


def test_wait_until_the_state_is_terminal():
    fake = FakeClient(shows={J: [ok('PROCESSING', 'r1'), ok('PROCESSING', 'r2'), ok('SUCCEED', 'r3')]})
    timer = FakeTime()
    results = [running_result()]
    pending = live_job.wait_for_end(fake, results, timer.now + 60, 3, clock=timer.clock, sleep=timer.sleep)
    assert pending == []
    assert fake.names() == ['show', 'show', 'show']
    assert timer.sleeps == [3, 3, 3]
    assert results[0]['state'] == 'SUCCEED'
    assert results[0]['job'] == job('SUCCEED')
    assert results[0]['failed'] is False
    assert results[0]['previous_state'] == 'PROCESSING'


def test_wait_gives_back_the_jobs_still_running_at_the_deadline():
    fake = FakeClient(shows={J: [ok('PROCESSING', 'r')], J2: [ok('WAITING', 'r2'), ok('FAILED', 'r2')]})
    timer = FakeTime()
    deadline = timer.now + 10
    results = [running_result(), running_result(J2, state='WAITING')]
    pending = live_job.wait_for_end(fake, results, deadline, 3, clock=timer.clock, sleep=timer.sleep)
    assert len(pending) == 1
    assert pending[0] is results[0]
    assert results[0]['state'] == 'PROCESSING'
    assert results[1]['state'] == 'FAILED'
    assert timer.sleeps == [3, 3, 3, 1]
    assert timer.now == deadline
    assert fake.calls.count(('show', R, J)) == 4


def test_wait_never_sleeps_past_the_deadline_even_when_reads_take_time():
    timer = FakeTime()

    def slow_read():
        timer.now += 1.7

    fake = FakeClient(shows={J: [ok('PROCESSING', 'r')]}, on_show=slow_read)
    deadline = timer.now + 20
    pending = live_job.wait_for_end(fake, [running_result()], deadline, 4, clock=timer.clock, sleep=timer.sleep)
    assert len(pending) == 1
    assert timer.sleeps
    for began, seconds in zip(timer.started, timer.sleeps):
        assert began + seconds <= deadline + 1e-9
        assert seconds <= 4


def test_wait_with_a_past_deadline_does_not_sleep():
    fake = FakeClient(shows={J: [ok('PROCESSING', 'r')]})
    timer = FakeTime()
    results = [running_result()]
    pending = live_job.wait_for_end(fake, results, timer.now - 1, 3, clock=timer.clock, sleep=timer.sleep)
    assert pending == results
    assert timer.sleeps == []


def test_wait_marks_a_job_that_cannot_be_read_as_failed():
    read_error = MetaStudioError('ShowSmartLive failed with HTTP 500 MSS.00000004: Internal Error', status_code=500,
                                 error_code='MSS.00000004', error_msg='Internal Error', request_id='rid-500')
    fake = FakeClient(shows={J: [read_error]})
    timer = FakeTime()
    results = [running_result()]
    pending = live_job.wait_for_end(fake, results, timer.now + 60, 3, clock=timer.clock, sleep=timer.sleep)
    assert pending == []
    assert results[0]['failed'] is True
    assert results[0]['changed'] is True
    assert results[0]['status_code'] == 500
    assert results[0]['error_code'] == 'MSS.00000004'
    assert results[0]['request_id'] == 'rid-500'
    assert 'could not be read afterwards' in results[0]['msg']


def test_wait_uses_the_given_map_function():
    mapped = []

    def recording_map(function, items):
        items = list(items)
        mapped.append(len(items))
        return [function(item) for item in items]

    fake = FakeClient(shows={J: [ok('SUCCEED', 'r')], J2: [ok('PROCESSING', 'r'), ok('SUCCEED', 'r')]})
    timer = FakeTime()
    results = [running_result(), running_result(J2)]
    assert live_job.wait_for_end(fake, results, timer.now + 60, 1, clock=timer.clock, sleep=timer.sleep,
                                 map_fn=recording_map) == []
    assert mapped == [2, 1]


def test_mark_timed_out():
    results = [running_result()]
    live_job.mark_timed_out(results, 42)
    assert results[0]['failed'] is True
    assert 'still PROCESSING after 42 seconds' in results[0]['msg']
    assert J in results[0]['msg']


# -- normalize_targets ------------------------------------------------------------------------------

def test_normalize_targets_dedupes_in_order():
    jobs = [dict(room_id=R, job_id=J), dict(room_id=R2, job_id=J2), dict(room_id=R, job_id=J, extra=1)]
    assert live_job.normalize_targets(jobs) == [(R, J), (R2, J2)]


@pytest.mark.parametrize('bad', [
    [dict(room_id=R)],
    [dict(job_id=J)],
    ['%s/%s' % (R, J)],
    [dict(room_id=R, job_id='../x')],
    [dict(room_id='a/b', job_id=J)],
])
def test_normalize_targets_refuses(bad):
    with pytest.raises(InvalidInputError):
        live_job.normalize_targets(bad)


# -- FleetStop --------------------------------------------------------------------------------------

def fleet(fake, timer, **kwargs):
    kwargs.setdefault('wait_sleep', 2)
    return live_job.FleetStop(fake, concurrency=4, clock=timer.clock, sleep=timer.sleep, **kwargs)


def test_fleet_stop_of_nothing():
    assert fleet(FakeClient(), FakeTime()).run([]) == []


def test_fleet_stop_stops_running_jobs_and_keeps_target_order():
    fake = FakeClient(
        shows={J: [ok('PROCESSING', 's1'), ok('SUCCEED', 's1b')], J2: [ok('FAILED', 's2', J2)]},
        stops={J: [stopped('stop1')], J2: [stopped('stop2')]})
    results = fleet(fake, FakeTime()).run([(R, J), (R2, J2)])
    assert [(result['room_id'], result['job_id']) for result in results] == [(R, J), (R2, J2)]
    assert results[0]['changed'] is True
    assert results[0]['request_id'] == 'stop1'
    assert results[0]['state'] == 'SUCCEED'
    assert results[1]['changed'] is False
    assert results[1]['state'] == 'FAILED'
    assert ('stop', R2, J2) not in fake.calls
    assert not any(result['failed'] for result in results)


def test_fleet_stop_in_check_mode_sends_no_stop():
    fake = FakeClient(shows={J: [ok('PROCESSING', 's1')]}, stops={J: [stopped()]})
    results = fleet(fake, FakeTime(), check_mode=True).run([(R, J)])
    assert results[0]['changed'] is True
    assert 'stop' not in fake.names()
    assert fake.names() == ['show']


def test_fleet_stop_reports_errors_per_job():
    error = MetaStudioError('StopSmartLive failed with HTTP 401 APIG.0301: bad signature', status_code=401,
                            error_code='APIG.0301', error_msg='bad signature', request_id='rid-401')
    fake = FakeClient(shows={J: [ok('PROCESSING', 's1')], J2: [ok('PROCESSING', 's2', J2), ok('SUCCEED', 's2b', J2)]},
                      stops={J: [error], J2: [stopped('stop2')]})
    results = fleet(fake, FakeTime()).run([(R, J), (R2, J2)])
    assert results[0]['failed'] is True
    assert results[0]['status_code'] == 401
    assert results[0]['error_code'] == 'APIG.0301'
    assert results[0]['request_id'] == 'rid-401'
    assert results[0]['changed'] is False
    assert results[1]['failed'] is False
    assert results[1]['changed'] is True
    assert results[1]['state'] == 'SUCCEED'


def test_fleet_stop_marks_jobs_still_running_after_wait_timeout():
    fake = FakeClient(shows={J: [ok('PROCESSING', 's1')]}, stops={J: [stopped('stop1')]})
    timer = FakeTime()
    results = fleet(fake, timer, wait_timeout=7).run([(R, J)])
    assert results[0]['failed'] is True
    assert results[0]['changed'] is True
    assert 'wait_timeout' in results[0]['msg']
    assert sum(timer.sleeps) == 7


def test_fleet_stop_without_wait_does_not_poll():
    fake = FakeClient(shows={J: [ok('PROCESSING', 's1')]}, stops={J: [stopped('stop1')]})
    timer = FakeTime()
    results = fleet(fake, timer, wait=False).run([(R, J)])
    assert fake.names() == ['show', 'stop']
    assert results[0]['changed'] is True
    assert results[0]['failed'] is False
    assert timer.sleeps == []


def test_fleet_stop_reads_rooms_with_several_jobs_with_one_listing():
    listing = [([dict(job_id=J, state='PROCESSING'), dict(job_id=J2, state='WAITING'), dict(job_id=J3, state='PROCESSING')], 'rid-list')]
    fake = FakeClient(pages={R: listing}, stops={J: [stopped('stop1')], J2: [stopped('stop2')]},
                      shows={J: [ok('SUCCEED', 's1')], J2: [ok('SUCCEED', 's2', J2)]})
    results = fleet(fake, FakeTime()).run([(R, J), (R, J2)])
    assert fake.calls.count(('list', R, ('WAITING', 'PROCESSING'))) == 1
    assert ('stop', R, J3) not in fake.calls
    assert [result['previous_state'] for result in results] == ['PROCESSING', 'WAITING']
    assert [result['state'] for result in results] == ['SUCCEED', 'SUCCEED']
    assert all(result['changed'] for result in results)


def test_fleet_stop_room():
    listing = [([dict(job_id=J, state='PROCESSING'), dict(job_id=J2, state='SUCCEED')], 'rid-list-1'),
               ([dict(job_id=J3, state='WAITING'), dict(job_id=J, state='PROCESSING')], 'rid-list-2')]
    fake = FakeClient(pages={R: listing}, stops={J: [stopped('stop1')], J3: [stopped('stop3')]},
                      shows={J: [ok('SUCCEED', 's1')], J3: [ok('CANCELED', 's3', J3)]})
    results = fleet(fake, FakeTime()).run_room(R)
    assert [result['job_id'] for result in results] == [J, J3]
    assert [result['state'] for result in results] == ['SUCCEED', 'CANCELED']
    assert 'stop' not in [name for name, dummy, job_id in fake.calls if job_id == J2]


# -- state_after and diff_for -----------------------------------------------------------------------

@pytest.mark.parametrize('changed, state, check_mode, expected', [
    (True, 'PROCESSING', False, 'stopped'),
    (True, 'WAITING', False, 'stopped'),
    (True, 'PROCESSING', True, 'stopped'),
    (True, 'SUCCEED', False, 'SUCCEED'),
    (True, 'CANCELED', True, 'stopped'),
    (False, 'PROCESSING', False, 'PROCESSING'),
    (False, 'SUCCEED', True, 'SUCCEED'),
    (False, None, False, None),
])
def test_state_after(changed, state, check_mode, expected):
    result = dict(running_result(), changed=changed, state=state)
    assert live_job.state_after(result, check_mode) == expected


def test_diff_for():
    results = [dict(running_result(), changed=True, previous_state='PROCESSING', state='PROCESSING'),
               dict(running_result(J2, R2), changed=False, previous_state='SUCCEED', state='SUCCEED')]
    assert live_job.diff_for(results) == dict(
        before={'%s/%s' % (R, J): 'PROCESSING', '%s/%s' % (R2, J2): 'SUCCEED'},
        after={'%s/%s' % (R, J): 'stopped', '%s/%s' % (R2, J2): 'SUCCEED'})
    assert live_job.diff_for([]) == dict(before={}, after={})
