# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of _live_fleet.FleetStop over a scripted fake transport and a fake clock."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.metastudio.cloud.plugins.module_utils._errors import MetaStudioError
from ansible_collections.metastudio.cloud.plugins.module_utils._live_fleet import FleetStop
from ansible_collections.metastudio.cloud.plugins.module_utils._live_jobs import outcome
from ansible_collections.metastudio.cloud.tests.unit.fakes import (
    MSS_INVALID,
    J,
    J2,
    J3,
    R,
    R2,
    FakeTime,
    FakeTransport,
    api_error,
    ok,
    page,
    stopped,
)

SHOW, STOP, LIST = 'ShowSmartLive', 'StopSmartLive', 'ListSmartLive'


def fleet(fake, timer=None, **kwargs):
    timer = timer or FakeTime()
    kwargs.setdefault('wait_sleep', 2)
    return FleetStop(fake, concurrency=4, clock=timer.clock, sleep=timer.sleep, **kwargs)


def listing(*pages):
    """The pages of a listing, each (jobs, request_id), with the total count the API announces."""
    total = sum(len(jobs) for jobs, dummy in pages)
    return [page(jobs, request_id, count=total) for jobs, request_id in pages]


def test_fleet_stop_of_nothing():
    fake = FakeTransport()
    assert fleet(fake).run([]) == []
    assert fake.calls == []


def test_fleet_stop_stops_running_jobs_and_keeps_target_order():
    fake = FakeTransport(
        shows={J: [ok('PROCESSING', 's1'), ok('SUCCEED', 's1b')], J2: [ok('FAILED', 's2', J2)]},
        stops={J: [stopped('stop1')], J2: [stopped('stop2')]})
    results = fleet(fake).run([(R, J), (R2, J2)])
    assert [(result['room_id'], result['job_id']) for result in results] == [(R, J), (R2, J2)]
    assert results[0]['changed'] is True
    assert results[0]['request_id'] == 'stop1'
    assert results[0]['state'] == 'SUCCEED'
    assert results[1]['changed'] is False
    assert results[1]['state'] == 'FAILED'
    assert (STOP, R2, J2) not in fake.calls
    assert not any(result['failed'] for result in results)
    assert [outcome(result) for result in results] == ['stopped', 'unchanged']


def test_fleet_stop_in_check_mode_sends_no_stop():
    fake = FakeTransport(shows={J: [ok('PROCESSING', 's1')]}, stops={J: [stopped()]})
    timer = FakeTime()
    results = fleet(fake, timer, check_mode=True).run([(R, J)])
    assert results[0]['changed'] is True
    assert fake.names() == [SHOW]
    assert timer.sleeps == []


def test_fleet_stop_reports_errors_per_job():
    error = api_error(STOP, 401, {'error_code': 'APIG.0301', 'error_msg': 'bad signature'}, 'rid-401')
    fake = FakeTransport(shows={J: [ok('PROCESSING', 's1')], J2: [ok('PROCESSING', 's2', J2), ok('SUCCEED', 's2b', J2)]},
                         stops={J: [error], J2: [stopped('stop2')]})
    results = fleet(fake).run([(R, J), (R2, J2)])
    assert results[0]['failed'] is True
    assert results[0]['status_code'] == 401
    assert results[0]['error_code'] == 'APIG.0301'
    assert results[0]['error_msg'] == 'bad signature'
    assert results[0]['request_id'] == 'rid-401'
    assert results[0]['msg'] == error.msg
    assert results[0]['changed'] is False
    assert results[1]['failed'] is False
    assert results[1]['changed'] is True
    assert results[1]['state'] == 'SUCCEED'


def test_fleet_stop_keeps_the_facts_of_a_stop_that_may_have_been_applied():
    lost = api_error(STOP, 503, request_id='rid-503', maybe_applied=True)
    fake = FakeTransport(shows={J: [ok('PROCESSING', 's1'), ok('PROCESSING', 's1b')]}, stops={J: [lost]})
    result = fleet(fake).run([(R, J)])[0]
    assert result['failed'] is True
    assert result['changed'] is True
    assert result['request_id'] == 'rid-503'
    assert outcome(result) == 'failed'


def test_fleet_stop_reports_a_first_read_that_failed_with_no_request_id():
    error = MetaStudioError('ShowSmartLive: connection to x failed: Connection refused', operation=SHOW)
    result = fleet(FakeTransport(shows={J: [error]})).run([(R, J)])[0]
    assert result['failed'] is True
    assert result['request_id'] is None
    assert (result['previous_state'], result['state']) == (None, None)


def test_fleet_stop_marks_unknown_jobs_missing_and_goes_on():
    fake = FakeTransport(shows={J: [api_error(SHOW, 400, MSS_INVALID, 'rid-400')],
                                J2: [ok('PROCESSING', 's2', J2), ok('SUCCEED', 's2b', J2)]},
                         stops={J2: [stopped('stop2')]})
    results = fleet(fake).run([(R, J), (R2, J2)])
    assert [outcome(result) for result in results] == ['missing', 'stopped']
    assert results[0]['failed'] is False
    assert results[0]['request_id'] == 'rid-400'
    assert (STOP, R, J) not in fake.calls


def test_fleet_stop_marks_jobs_still_running_after_wait_timeout():
    fake = FakeTransport(shows={J: [ok('PROCESSING', 's1')]}, stops={J: [stopped('stop1')]})
    timer = FakeTime()
    results = fleet(fake, timer, wait_timeout=7).run([(R, J)])
    assert results[0]['failed'] is True
    assert results[0]['changed'] is True
    assert 'wait_timeout' in results[0]['msg']
    assert sum(timer.sleeps) == 7
    assert outcome(results[0]) == 'failed'


def test_fleet_stop_waits_until_the_jobs_have_ended():
    fake = FakeTransport(shows={J: [ok('PROCESSING', 's1'), ok('PROCESSING', 's1b'), ok('PROCESSING', 's1c'),
                                    ok('SUCCEED', 's1d')]}, stops={J: [stopped('stop1')]})
    timer = FakeTime()
    result = fleet(fake, timer).run([(R, J)])[0]
    assert (result['failed'], result['changed'], result['state']) == (False, True, 'SUCCEED')
    assert timer.sleeps == [2, 2]
    assert result['request_id'] == 'stop1'


def test_fleet_stop_without_wait_does_not_poll():
    fake = FakeTransport(shows={J: [ok('PROCESSING', 's1')]}, stops={J: [stopped('stop1')]})
    timer = FakeTime()
    results = fleet(fake, timer, wait=False).run([(R, J)])
    assert fake.names() == [SHOW, STOP]
    assert results[0]['changed'] is True
    assert results[0]['failed'] is False
    assert timer.sleeps == []


def test_fleet_stop_reads_rooms_with_several_jobs_with_one_listing():
    jobs = [dict(job_id=J, state='PROCESSING'), dict(job_id=J2, state='WAITING'), dict(job_id=J3, state='PROCESSING')]
    fake = FakeTransport(pages={R: listing((jobs, 'rid-list'))}, stops={J: [stopped('stop1')], J2: [stopped('stop2')]},
                         shows={J: [ok('SUCCEED', 's1')], J2: [ok('SUCCEED', 's2', J2)]})
    results = fleet(fake).run([(R, J), (R, J2)])
    assert fake.calls.count((LIST, R, None)) == 1
    assert fake.queries[fake.calls.index((LIST, R, None))]['state'] == 'WAITING,PROCESSING'
    # The listing was the read before the stop: each job is read only once, after its stop.
    assert fake.calls.count((SHOW, R, J)) == 1
    assert (STOP, R, J3) not in fake.calls
    assert [result['previous_state'] for result in results] == ['PROCESSING', 'WAITING']
    assert [result['state'] for result in results] == ['SUCCEED', 'SUCCEED']
    assert all(result['changed'] for result in results)


def test_fleet_stop_reads_each_job_when_the_room_listing_fails():
    fake = FakeTransport(pages={R: [api_error(LIST, 500)]},
                         shows={J: [ok('SUCCEED', 's1')], J2: [ok('PROCESSING', 's2', J2), ok('CANCELED', 's2b', J2)]},
                         stops={J2: [stopped('stop2')]})
    results = fleet(fake).run([(R, J), (R, J2)])
    assert [outcome(result) for result in results] == ['unchanged', 'stopped']
    assert not any(result['failed'] for result in results)


def test_fleet_stop_room():
    pages = listing(([dict(job_id=J, state='PROCESSING'), dict(job_id=J2, state='SUCCEED')], 'rid-list-1'),
                    ([dict(job_id=J3, state='WAITING'), dict(job_id=J, state='PROCESSING')], 'rid-list-2'))
    fake = FakeTransport(pages={R: pages}, stops={J: [stopped('stop1')], J3: [stopped('stop3')]},
                         shows={J: [ok('SUCCEED', 's1')], J3: [ok('CANCELED', 's3', J3)]})
    results = fleet(fake).run_room(R)
    assert [result['job_id'] for result in results] == [J, J3]
    assert [result['room_id'] for result in results] == [R, R]
    assert [result['state'] for result in results] == ['SUCCEED', 'CANCELED']
    assert [result['previous_state'] for result in results] == ['PROCESSING', 'WAITING']
    assert (STOP, R, J2) not in fake.calls
    assert fake.names().count(LIST) == 2


def test_fleet_stop_project_only_in_the_rooms_asked_for():
    jobs = [dict(job_id=J, room_id=R, room_name='Spring sale', state='PROCESSING'),
            dict(job_id=J2, room_id=R2, room_name='Autumn', state='WAITING'),
            dict(job_id=J3, room_id=R2, room_name='Autumn', state='SUCCEED')]
    fake = FakeTransport(pages={None: listing((jobs, 'rid-all'))}, stops={J: [stopped('stop1')], J2: [stopped('stop2')]},
                         shows={J: [ok('SUCCEED', 's1')], J2: [ok('SUCCEED', 's2', J2)]})
    results = fleet(fake).run_project(rooms={'Spring sale'})
    assert [result['job_id'] for result in results] == [J]
    assert [result['room_name'] for result in results] == ['Spring sale']
    assert (STOP, R2, J2) not in fake.calls
    assert fake.queries[0]['state'] == 'WAITING,PROCESSING'
    everything = fleet(FakeTransport(pages={None: listing((jobs, 'rid-all'))}, stops={J: [stopped()], J2: [stopped()]},
                                     shows={J: [ok('SUCCEED', 's1')], J2: [ok('SUCCEED', 's2', J2)]})).run_project()
    assert [result['job_id'] for result in everything] == [J, J2]
