# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of starting a livestream at most once (_live_start), over a scripted fake transport (no HTTP)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible_collections.metastudio.cloud.plugins.module_utils._errors import InvalidInputError, MetaStudioError
from ansible_collections.metastudio.cloud.plugins.module_utils._live_start import (
    SINCE_MARGIN,
    LiveStart,
    build_start_body,
    check_start_body,
    rfc3339,
)
from ansible_collections.metastudio.cloud.plugins.module_utils._transport import ApiResponse

ROOM = 'room-unit-1'
DATE = 'Mon, 30 Nov 2026 18:00:00 GMT'
DATE_SECONDS = 1796061600
SINCE = rfc3339(DATE_SECONDS - SINCE_MARGIN)


def lost(status=503):
    return MetaStudioError('StartSmartLive failed with HTTP %d' % status, status_code=status, error_code='APIG.0204',
                           request_id='req-lost', operation='StartSmartLive', maybe_applied=True)


def refused(status=400, code='MSS.20020001'):
    return MetaStudioError('StartSmartLive failed with HTTP %d %s' % (status, code), status_code=status, error_code=code,
                           request_id='req-refused', operation='StartSmartLive')


def job(job_id, state='PROCESSING', create_time='2026-11-30T18:00:01Z', **extra):
    return dict(job_id=job_id, room_id=ROOM, state=state, create_time=create_time, **extra)


class FakeTransport(object):
    """Answers each operation from a script: a list of answers (ApiResponse, an exception, or a callable
    taking the query), the last one repeated. ListSmartLive is answered by the ``listing`` callable."""

    def __init__(self, starts=(), shows=(), listing=None, date=DATE):
        self.scripts = {'StartSmartLive': list(starts), 'ShowSmartLive': list(shows)}
        self.listing = listing or (lambda query, calls: [])
        self.date = date
        self.calls = []

    def call(self, name, query=None, body=None, **ids):
        query = dict(query or [])
        self.calls.append((name, query, body, ids))
        if name == 'ListSmartLive':
            jobs = self.listing(query, self.names())
            headers = {'Date': self.date} if self.date else {}
            return ApiResponse(200, dict(count=len(jobs), smart_live_jobs=jobs), 'req-list-%d' % len(self.calls), headers)
        script = self.scripts[name]
        item = script.pop(0) if len(script) > 1 else script[0]
        if isinstance(item, Exception):
            raise item
        return item(query) if callable(item) else item

    def names(self):
        return [call[0] for call in self.calls]

    def starts(self):
        return [call for call in self.calls if call[0] == 'StartSmartLive']


def accepted(job_id='job-new'):
    return ApiResponse(202, dict(job_id=job_id, live_event_report_url='https://report', limit_duration=0), 'req-start')


def shown(job_id='job-new', state='PROCESSING', **extra):
    return ApiResponse(200, job(job_id, state, **extra), 'req-show')


def listing_of(before, after=None, running_after=None):
    """Jobs listed before any start, then (after a start was sent) ``after`` for create_since listings
    and ``running_after`` for the running ones."""
    def answer(query, names):
        sent = 'StartSmartLive' in names
        if 'state' in query:
            jobs = (running_after if sent and running_after is not None else
                    [item for item in (after if sent and after is not None else before) if item['state'] in ('WAITING', 'PROCESSING')])
            return jobs
        return after if sent and after is not None else before
    return answer


def run(transport, body=None, **options):
    options.setdefault('wait_sleep', 1)
    clock = FakeClock()
    start = LiveStart(transport, ROOM, body or build_start_body({}), clock=clock.clock, sleep=clock.sleep,
                      wall_clock=lambda: 0.0, **options)
    return start.run()


class FakeClock(object):
    def __init__(self):
        self.now = 100.0

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


# --- the start body -----------------------------------------------------------------------------------

def test_single_job_in_room_is_true_unless_given():
    assert build_start_body({}) == dict(job_run_config=dict(single_job_in_room=True))
    body = build_start_body(dict(job_run_config=dict(single_job_in_room=False, allow_resource_type=None),
                                 live_event_callback_config=dict(key='k', auth_type=None), view_mode=None))
    assert body == dict(job_run_config=dict(single_job_in_room=False), live_event_callback_config=dict(key='k'))


@pytest.mark.parametrize('body, words', [
    (dict(video_config=dict(width=1280, height=720, bitrate=4000)), '1920 x 1080'),
    (dict(video_config=dict(width=1080, height=1920, bitrate=999)), 'bitrate'),
    (dict(video_config=dict(width=1080, height=1920, bitrate=True)), 'bitrate'),
    (dict(output_urls=['rtmp://a', 'rtmp://b']), 'one RTMP URL'),
    (dict(stream_keys=['k']), 'stream_keys needs output_urls'),
    (dict(play_policy=dict(live_exit_config=dict(max_live_duration=-1))), 'max_live_duration'),
    (dict(live_event_callback_config=dict(key='k' * 33)), 'at most 32'),
])
def test_bad_bodies_are_refused(body, words):
    with pytest.raises(InvalidInputError) as info:
        check_start_body(body)
    assert words in info.value.msg


def test_good_body_passes():
    check_start_body(dict(video_config=dict(width=1920, height=1080, bitrate=8000), output_urls=['rtmp://a'],
                          stream_keys=['k'], play_policy=dict(live_exit_config=dict(max_live_duration=168))))


# --- idempotence and check mode -------------------------------------------------------------------------

def test_running_job_is_returned_and_nothing_is_sent():
    transport = FakeTransport(listing=listing_of([job('job-old', create_time='2026-11-30T10:00:00Z'),
                                                  job('job-newer', 'WAITING', create_time='2026-11-30T11:00:00Z')]),
                              shows=[shown('job-newer', 'PROCESSING')])
    result = run(transport)
    assert (result['changed'], result['job_id'], result['previous_state'], result['state']) == (
        False, 'job-newer', 'WAITING', 'PROCESSING')
    assert transport.starts() == []
    assert 'has 2 running jobs' in result['warnings'][0]


def test_check_mode_predicts_a_start_and_sends_none():
    transport = FakeTransport(listing=listing_of([job('job-ended', 'SUCCEED')]))
    result = run(transport, check_mode=True)
    assert result['changed'] is True and result['job_id'] is None and result['outcome'] == 'started'
    assert transport.names() == ['ListSmartLive']


# --- starting ------------------------------------------------------------------------------------------

def test_start_sends_one_call_with_single_job_in_room_and_reads_the_job():
    transport = FakeTransport(starts=[accepted()], shows=[shown(state='WAITING'), shown()], listing=listing_of([]))
    result = run(transport)
    assert result['changed'] is True and result['state'] == 'PROCESSING' and result['request_id'] == 'req-start'
    assert result['job']['live_event_report_url'] == 'https://report'
    assert transport.starts()[0][2] == dict(job_run_config=dict(single_job_in_room=True))
    assert transport.starts()[0][3] == dict(room_id=ROOM)


def test_the_window_starts_an_hour_before_the_server_time():
    transport = FakeTransport(starts=[accepted()], shows=[shown()], listing=listing_of([]))
    run(transport)
    since = [call[1].get('create_since') for call in transport.calls if call[0] == 'ListSmartLive']
    assert since == [None, SINCE]


def test_without_a_date_header_the_local_clock_is_used():
    transport = FakeTransport(starts=[accepted()], shows=[shown()], listing=listing_of([]), date=None)
    run(transport)
    assert transport.calls[1][1]['create_since'] == rfc3339(0 - SINCE_MARGIN)


@pytest.mark.parametrize('state, field, value', [('FAILED', 'error_info', dict(error_code='MSS.1', error_msg='no avatar')),
                                                 ('BLOCKED', 'block_reason', 'content review')])
def test_a_job_that_ends_while_starting_fails_with_its_reason(state, field, value):
    transport = FakeTransport(starts=[accepted()], shows=[shown(state=state, **{field: value})], listing=listing_of([]))
    with pytest.raises(MetaStudioError) as info:
        run(transport)
    assert 'ended %s instead of going live' % state in info.value.msg
    assert ('no avatar' if state == 'FAILED' else 'content review') in info.value.msg
    assert info.value.result['changed'] is True and info.value.result['job_id'] == 'job-new'
    if state == 'FAILED':
        assert info.value.error_code == 'MSS.1'


def test_waiting_past_the_timeout_fails():
    transport = FakeTransport(starts=[accepted()], shows=[shown(state='WAITING')], listing=listing_of([]))
    with pytest.raises(MetaStudioError) as info:
        run(transport, wait_timeout=5)
    assert 'still WAITING after 5 seconds' in info.value.msg and info.value.result['changed'] is True


def test_without_wait_the_job_is_read_once():
    transport = FakeTransport(starts=[accepted()], shows=[shown(state='WAITING')], listing=listing_of([]))
    result = run(transport, wait=False)
    assert result['state'] == 'WAITING' and transport.names().count('ShowSmartLive') == 1


# --- lost answers --------------------------------------------------------------------------------------

def test_lost_answer_adopts_the_one_new_job():
    old = job('job-earlier', 'FAILED')
    transport = FakeTransport(starts=[lost()], shows=[shown('job-made')],
                              listing=listing_of([old], after=[old, job('job-made', 'WAITING')]))
    result = run(transport)
    assert result['changed'] is True and result['job_id'] == 'job-made'
    assert len(transport.starts()) == 1
    assert 'taken as the one it started' in result['warnings'][0]


def test_lost_answer_found_only_among_running_jobs_is_adopted():
    """A server clock far off the Date header hides the job from the create_since listing."""
    transport = FakeTransport(starts=[lost()], shows=[shown('job-made')],
                              listing=listing_of([], after=[], running_after=[job('job-made')]))
    result = run(transport, body=build_start_body(dict(job_run_config=dict(single_job_in_room=False))))
    assert result['job_id'] == 'job-made' and len(transport.starts()) == 1


def test_lost_answer_with_nothing_new_is_sent_once_more_with_single_job_in_room():
    transport = FakeTransport(starts=[lost(), accepted('job-second')], shows=[shown('job-second')], listing=listing_of([]))
    result = run(transport)
    assert result['job_id'] == 'job-second' and len(transport.starts()) == 2
    assert 'sent once more' in result['warnings'][0]


def test_lost_answer_with_nothing_new_fails_without_single_job_in_room():
    transport = FakeTransport(starts=[lost()], listing=listing_of([]))
    with pytest.raises(MetaStudioError) as info:
        run(transport, body=build_start_body(dict(job_run_config=dict(single_job_in_room=False))))
    assert 'may have been started' in info.value.msg and 'single_job_in_room false' in info.value.msg
    assert info.value.maybe_applied and info.value.status_code == 503
    assert info.value.result['changed'] is True and info.value.result['outcome'] == 'unknown'
    assert len(transport.starts()) == 1


def test_two_lost_answers_fail():
    transport = FakeTransport(starts=[lost(), lost(504)], listing=listing_of([]))
    with pytest.raises(MetaStudioError) as info:
        run(transport)
    assert 'both answers were lost' in info.value.msg and len(transport.starts()) == 2


def test_resend_refused_because_the_first_start_ran_late_adopts_that_job():
    def listing(query, names):
        # Nothing until the second start was refused; then the late first start's job runs.
        return [job('job-late')] if names.count('StartSmartLive') == 2 else []
    transport = FakeTransport(starts=[lost(), refused()], shows=[shown('job-late')], listing=listing)
    result = run(transport)
    assert result['changed'] is True and result['job_id'] == 'job-late'
    assert 'earlier start' in result['warnings'][-1]


def test_several_new_jobs_fail_naming_them():
    transport = FakeTransport(starts=[lost()], listing=listing_of([], after=[job('job-a'), job('job-b')]))
    with pytest.raises(MetaStudioError) as info:
        run(transport, body=build_start_body(dict(job_run_config=dict(single_job_in_room=False))))
    assert 'job-a' in info.value.msg and 'job-b' in info.value.msg and 'cannot tell' in info.value.msg
    assert info.value.result['new_job_ids'] == ['job-a', 'job-b']


def test_a_running_new_job_wins_over_an_ended_one():
    transport = FakeTransport(starts=[lost()], shows=[shown('job-live')],
                              listing=listing_of([], after=[job('job-dead', 'FAILED'), job('job-live')]))
    assert run(transport)['job_id'] == 'job-live'


def test_accepted_without_a_job_id_is_reconciled_like_a_lost_answer():
    transport = FakeTransport(starts=[ApiResponse(202, None, 'req-start')], shows=[shown('job-made')],
                              listing=listing_of([], after=[job('job-made')]))
    result = run(transport)
    assert result['job_id'] == 'job-made' and len(transport.starts()) == 1


# --- refusals ------------------------------------------------------------------------------------------

def test_refused_start_in_a_room_another_run_started_returns_that_job_unchanged():
    transport = FakeTransport(starts=[refused()], shows=[shown('job-other')],
                              listing=listing_of([], running_after=[job('job-other')]))
    result = run(transport)
    assert result['changed'] is False and result['outcome'] == 'unchanged' and result['job_id'] == 'job-other'
    assert 'by another client meanwhile' in result['warnings'][0]


def test_refused_start_with_no_running_job_fails_with_the_refusal():
    transport = FakeTransport(starts=[refused(400, 'MSS.10000003')], listing=listing_of([]))
    with pytest.raises(MetaStudioError) as info:
        run(transport)
    assert info.value.error_code == 'MSS.10000003' and len(transport.starts()) == 1


def test_refused_credentials_are_not_reconciled():
    transport = FakeTransport(starts=[refused(401, 'APIG.0301')], listing=listing_of([]))
    with pytest.raises(MetaStudioError) as info:
        run(transport)
    assert info.value.status_code == 401
    assert transport.names() == ['ListSmartLive', 'ListSmartLive', 'StartSmartLive']


def test_a_room_that_does_not_exist_is_named():
    def listing(query, names):
        raise MetaStudioError('ListSmartLive failed with HTTP 400 MSS.00000003', status_code=400, error_code='MSS.00000003')
    with pytest.raises(MetaStudioError) as info:
        run(FakeTransport(listing=listing))
    assert 'room room-unit-1 was not found' in info.value.msg
