# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of _transport: a real requests.Session over HTTP mocked by responses.

The resend rules of operations that must not run twice are in test_transport_resend.py.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import hashlib
import hmac
import os
import re
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from urllib.parse import urlsplit

import pytest
import requests
import responses

from ansible_collections.metastudio.cloud.plugins.module_utils import signer
from ansible_collections.metastudio.cloud.plugins.module_utils._auth import AkSkAuth, TokenAuth
from ansible_collections.metastudio.cloud.plugins.module_utils._errors import InvalidInputError, MetaStudioError
from ansible_collections.metastudio.cloud.plugins.module_utils._live_api import show_job, stop_job
from ansible_collections.metastudio.cloud.plugins.module_utils._transport import COLLECTION_VERSION, USER_AGENT
from ansible_collections.metastudio.cloud.tests.unit.fakes import (
    AK,
    BASE,
    ENDPOINTS,
    HOST,
    J,
    JOB_URL,
    LIST_URL,
    MSS_STATE,
    P,
    R,
    ROOM_JOBS_URL,
    SK,
    STOP_URL,
    FakeTime,
    make_transport,
)

# A readable file standing in for a CA bundle: the transport checks that ca_path exists before any request.
CA_PATH = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'private-ca.pem')
GALAXY = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'galaxy.yml')
AUTHORIZATION = re.compile(r'^SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$')
BASE_SIGNED = ['content-type', 'host', 'user-agent', 'x-project-id', 'x-sdk-date']
CA_BUNDLE_VARIABLES = ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE')


def verify_signature(request, secret_key=SK):
    """Recompute the signature of a request as sent, from the headers it names; return (access, names, canonical)."""
    match = AUTHORIZATION.match(request.headers['Authorization'])
    assert match, request.headers['Authorization']
    names = match.group(2).split(';')
    signed = dict((name, request.headers[name]) for name in names)
    parts = urlsplit(request.url)
    canonical = signer.canonical_request(request.method, parts.path, parts.query, signed, request.body)
    to_sign = signer.string_to_sign(canonical, request.headers['X-Sdk-Date'])
    expected = hmac.new(secret_key.encode('utf-8'), to_sign.encode('utf-8'), hashlib.sha256).hexdigest()
    assert match.group(3) == expected
    return match.group(1), names, canonical


def backoff_bounds(attempt):
    ceiling = min(30.0, 0.5 * 2 ** attempt)
    return ceiling / 2, ceiling


# -- where requests go, and how they are signed -----------------------------------------------------

@pytest.mark.parametrize('endpoint, base, host', ENDPOINTS)
def test_endpoint_reaches_the_request_and_its_signature(rsps, endpoint, base, host):
    rsps.add(responses.GET, base + '/v1/%s/smart-live-jobs' % P, json={})
    transport = make_transport(endpoint=endpoint, region='eu-west-101')
    assert transport.base_url == base
    transport.call('ListSmartLiveJobs')
    request = rsps.calls[0].request
    assert request.url == base + '/v1/%s/smart-live-jobs' % P
    assert request.headers['Host'] == host
    assert verify_signature(request)[2].split('\n')[4] == 'host:' + host


@pytest.mark.parametrize('security_token, app_user_id, extra', [
    (None, None, []),
    ('EXAMPLE-SECURITY-TOKEN', None, ['x-security-token']),
    (None, 'user-01', ['x-app-userid']),
    ('EXAMPLE-SECURITY-TOKEN', 'user-01', ['x-app-userid', 'x-security-token']),
])
def test_aksk_request_is_signed(rsps, security_token, app_user_id, extra):
    rsps.add(responses.POST, STOP_URL, body='', headers={'X-Request-Id': 'rid-stop'})
    transport = make_transport(auth=AkSkAuth(AK, SK, security_token), app_user_id=app_user_id)
    answer = stop_job(transport, R, J)
    assert answer.request_id == 'rid-stop'
    request = rsps.calls[0].request
    assert request.method == 'POST'
    assert request.url == STOP_URL
    assert request.headers['Host'] == HOST
    assert request.headers['X-Project-Id'] == P
    assert request.headers['Content-Type'] == 'application/json'
    assert re.match(r'^\d{8}T\d{6}Z$', request.headers['X-Sdk-Date'])
    sent_at = datetime.strptime(request.headers['X-Sdk-Date'], '%Y%m%dT%H%M%SZ').replace(tzinfo=timezone.utc)
    assert abs((datetime.now(timezone.utc) - sent_at).total_seconds()) < 120
    assert request.headers.get('X-Security-Token') == security_token
    assert request.headers.get('X-App-UserId') == app_user_id
    assert request.headers.get('X-Auth-Token') is None
    access, names, canonical = verify_signature(request)
    assert access == AK
    assert names == sorted(BASE_SIGNED + extra)
    # Signed with the trailing slash the algorithm adds, sent without it.
    assert canonical.split('\n')[1] == urlsplit(STOP_URL).path + '/'
    assert canonical.endswith('\n' + signer.EMPTY_BODY_SHA256)


def test_signed_query_is_the_query_sent(rsps):
    rsps.add(responses.GET, LIST_URL, json={'count': 0, 'smart_live_jobs': []})
    query = [('state', 'WAITING,PROCESSING'), ('offset', 0), ('limit', 10), ('room_name', u'room A/\u6d4b\u8bd5')]
    answer = make_transport().call('ListSmartLiveJobs', query=query)
    assert answer.body == {'count': 0, 'smart_live_jobs': []}
    request = rsps.calls[0].request
    sent_query = urlsplit(request.url).query
    assert sent_query == 'limit=10&offset=0&room_name=room%20A%2F%E6%B5%8B%E8%AF%95&state=WAITING%2CPROCESSING'
    assert verify_signature(request)[2].split('\n')[2] == sent_query


def test_room_jobs_path_and_query(rsps):
    rsps.add(responses.GET, ROOM_JOBS_URL, json={'smart_live_jobs': []})
    make_transport().call('ListSmartLive', query={'offset': 0, 'limit': 10}, room_id=R)
    request = rsps.calls[0].request
    assert request.url == ROOM_JOBS_URL + '?limit=10&offset=0'
    verify_signature(request)


def test_body_is_sent_as_json_and_signed(rsps):
    rsps.add(responses.POST, ROOM_JOBS_URL, status=202, json={'job_id': J})
    make_transport().call('StartSmartLive', body={'b': [1, 'x'], 'a': None}, room_id=R)
    request = rsps.calls[0].request
    assert request.body == b'{"b": [1, "x"], "a": null}'
    canonical = verify_signature(request)[2]
    assert canonical.endswith('\n' + hashlib.sha256(request.body).hexdigest())


def test_every_attempt_is_signed_anew(rsps):
    rsps.add(responses.GET, JOB_URL, status=503)
    rsps.add(responses.GET, JOB_URL, json={'state': 'PROCESSING'})
    show_job(make_transport(FakeTime()), R, J)
    assert len(rsps.calls) == 2
    for call in rsps.calls:
        assert verify_signature(call.request)[1] == BASE_SIGNED


def test_wrong_secret_does_not_verify(rsps):
    rsps.add(responses.GET, JOB_URL, json={'state': 'PROCESSING'})
    show_job(make_transport(), R, J)
    with pytest.raises(AssertionError):
        verify_signature(rsps.calls[0].request, secret_key='another-secret')


def test_token_auth_sends_x_auth_token_and_no_signature(rsps):
    rsps.add(responses.GET, JOB_URL, json={'state': 'PROCESSING'})
    show_job(make_transport(auth=TokenAuth('MIIexampletoken')), R, J)
    request = rsps.calls[0].request
    assert request.headers['X-Auth-Token'] == 'MIIexampletoken'
    assert 'Authorization' not in request.headers
    assert 'X-Sdk-Date' not in request.headers
    assert request.headers['Host'] == HOST


def test_user_agent_names_the_collection_and_its_version(rsps):
    rsps.add(responses.GET, JOB_URL, json={'state': 'PROCESSING'})
    show_job(make_transport(), R, J)
    user_agent = rsps.calls[0].request.headers['User-Agent']
    assert user_agent == USER_AGENT
    assert 'metastudio.cloud' in user_agent
    assert user_agent.endswith('/' + COLLECTION_VERSION)
    with open(GALAXY) as galaxy:
        version = re.search(r'^version:\s*(\S+)\s*$', galaxy.read(), re.MULTILINE).group(1)
    assert COLLECTION_VERSION == version


# -- errors -----------------------------------------------------------------------------------------

def test_error_response_becomes_metastudio_error(rsps):
    rsps.add(responses.POST, STOP_URL, status=400, json=MSS_STATE, headers={'X-Request-Id': 'rid-400'})
    with pytest.raises(MetaStudioError) as info:
        stop_job(make_transport(), R, J)
    error = info.value
    assert error.status_code == 400
    assert error.error_code == 'MSS.20020001'
    assert error.error_msg == MSS_STATE['error_msg']
    assert error.request_id == 'rid-400'
    assert error.operation == 'StopSmartLive'
    assert error.maybe_applied is False
    assert str(error) == error.msg
    assert error.msg == 'StopSmartLive failed with HTTP 400 MSS.20020001: ' + MSS_STATE['error_msg']
    assert error.to_result() == dict(msg=error.msg, status_code=400, error_code='MSS.20020001',
                                     error_msg=MSS_STATE['error_msg'], request_id='rid-400')


def test_error_message_without_body_does_not_say_none(rsps):
    rsps.add(responses.GET, JOB_URL, status=404, body='')
    with pytest.raises(MetaStudioError) as info:
        show_job(make_transport(), R, J)
    assert info.value.msg == 'ShowSmartLive failed with HTTP 404'


def test_error_code_that_repeats_the_status_is_not_said_twice(rsps):
    rsps.add(responses.GET, JOB_URL, status=401, json={'error': {'code': 401, 'message': 'The token must be updated'}})
    with pytest.raises(MetaStudioError) as info:
        show_job(make_transport(auth=TokenAuth('t')), R, J)
    assert info.value.error_code == '401'
    assert info.value.msg == 'ShowSmartLive failed with HTTP 401: The token must be updated'
    assert 'HTTP 401 401' not in info.value.msg


# -- retries of resendable operations ---------------------------------------------------------------

@pytest.mark.parametrize('status', [429, 500, 502, 503, 504])
def test_retryable_status_then_success(rsps, status):
    rsps.add(responses.GET, JOB_URL, status=status, json={'error_code': 'E', 'error_msg': 'm'}, headers={'X-Request-Id': 'r1'})
    rsps.add(responses.GET, JOB_URL, json={'state': 'PROCESSING'}, headers={'X-Request-Id': 'r2'})
    timer = FakeTime()
    transport = make_transport(timer)
    answer = show_job(transport, R, J)
    assert answer.status_code == 200
    assert answer.body == {'state': 'PROCESSING'}
    assert answer.request_id == 'r2'
    assert len(rsps.calls) == 2
    assert len(timer.sleeps) == 1
    low, high = backoff_bounds(0)
    assert low <= timer.sleeps[0] <= high
    assert transport.retried == 1
    assert transport.calls == 2
    assert transport.request_ids == ['r1', 'r2']


def test_backoff_grows_between_attempts(rsps):
    for status in (503, 502, 500, 504):
        rsps.add(responses.GET, JOB_URL, status=status)
    rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'})
    timer = FakeTime()
    show_job(make_transport(timer), R, J)
    assert len(timer.sleeps) == 4
    for attempt, delay in enumerate(timer.sleeps):
        low, high = backoff_bounds(attempt)
        assert low <= delay <= high, (attempt, delay)


@pytest.mark.parametrize('status', [429, 503])
@pytest.mark.parametrize('value, expected', [('7', 7.0), ('2.5', 2.5), ('120', 30.0), ('0', 0.0)])
def test_retry_after_seconds_honoured(rsps, status, value, expected):
    rsps.add(responses.GET, JOB_URL, status=status, headers={'Retry-After': value})
    rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'})
    timer = FakeTime()
    show_job(make_transport(timer), R, J)
    assert sum(timer.sleeps) == expected
    assert len(rsps.calls) == 2


@pytest.mark.parametrize('status', [429, 503])
@pytest.mark.parametrize('seconds', [10, 20])
def test_retry_after_http_date_honoured(rsps, status, seconds):
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=seconds), usegmt=True)
    rsps.add(responses.GET, JOB_URL, status=status, headers={'Retry-After': when})
    rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'})
    timer = FakeTime()
    show_job(make_transport(timer), R, J)
    assert len(timer.sleeps) == 1
    assert seconds - 3.0 <= timer.sleeps[0] <= seconds + 0.5


def test_throttled_answer_pauses_the_whole_api(rsps):
    rsps.add(responses.GET, JOB_URL, status=429, headers={'Retry-After': '4'})
    rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'})
    rsps.add(responses.POST, STOP_URL, body='')
    timer = FakeTime()
    transport = make_transport(timer)
    show_job(transport, R, J)
    assert timer.sleeps == [4.0]
    # Another API is not paused by the throttling of the first.
    stop_job(transport, R, J)
    assert timer.sleeps == [4.0]


def test_unreadable_retry_after_falls_back_to_backoff(rsps):
    rsps.add(responses.GET, JOB_URL, status=503, headers={'Retry-After': 'soon'})
    rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'})
    timer = FakeTime()
    show_job(make_transport(timer), R, J)
    low, high = backoff_bounds(0)
    assert low <= timer.sleeps[0] <= high


def test_retries_exhausted(rsps):
    for number in range(3):
        rsps.add(responses.POST, STOP_URL, status=503, json={'error_code': 'MSS.00000004', 'error_msg': 'Internal Error'},
                 headers={'X-Request-Id': 'rid-%d' % number})
    timer = FakeTime()
    transport = make_transport(timer, retries=2)
    with pytest.raises(MetaStudioError) as info:
        stop_job(transport, R, J)
    error = info.value
    assert len(rsps.calls) == 3
    assert len(timer.sleeps) == 2
    assert error.status_code == 503
    assert error.error_code == 'MSS.00000004'
    assert error.error_msg == 'Internal Error'
    # The request id is that of the failed (last) call.
    assert error.request_id == 'rid-2'
    assert error.maybe_applied is True
    assert error.msg == 'StopSmartLive failed with HTTP 503 MSS.00000004: Internal Error (gave up after 2 retries)'
    assert str(error) == error.msg
    assert 'may have been applied' not in error.msg
    assert transport.request_ids == ['rid-0', 'rid-1', 'rid-2']


def test_no_retries_means_one_attempt_and_no_give_up_note(rsps):
    rsps.add(responses.GET, JOB_URL, status=503)
    timer = FakeTime()
    with pytest.raises(MetaStudioError) as info:
        show_job(make_transport(timer, retries=0), R, J)
    assert len(rsps.calls) == 1
    assert timer.sleeps == []
    assert 'gave up' not in str(info.value)


@pytest.mark.parametrize('status', [400, 401, 403, 404, 409])
def test_client_errors_are_not_retried(rsps, status):
    rsps.add(responses.GET, JOB_URL, status=status, json={'error_code': 'X.%d' % status, 'error_msg': 'no'},
             headers={'X-Request-Id': 'rid'})
    timer = FakeTime()
    transport = make_transport(timer)
    with pytest.raises(MetaStudioError) as info:
        show_job(transport, R, J)
    assert len(rsps.calls) == 1
    assert timer.sleeps == []
    assert transport.retried == 0
    assert info.value.status_code == status
    assert info.value.error_code == 'X.%d' % status
    assert info.value.request_id == 'rid'
    assert 'gave up' not in str(info.value)


@pytest.mark.parametrize('exc', [
    requests.exceptions.ConnectionError('Connection reset by peer'),
    requests.exceptions.ReadTimeout('Read timed out.'),
    requests.exceptions.ConnectTimeout('Connect timed out'),
])
def test_transport_errors_are_retried(rsps, exc):
    rsps.add(responses.GET, JOB_URL, body=exc)
    rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'}, headers={'X-Request-Id': 'ok'})
    timer = FakeTime()
    transport = make_transport(timer)
    answer = show_job(transport, R, J)
    assert answer.body == {'state': 'SUCCEED'}
    assert len(rsps.calls) == 2
    assert len(timer.sleeps) == 1
    assert transport.request_ids == ['ok']


@pytest.mark.parametrize('first, maybe_applied', [
    (requests.exceptions.ConnectTimeout('Connect timed out'), False),
    (requests.exceptions.ConnectionError('Failed to establish a new connection: [Errno 111] Connection refused'), False),
    (requests.exceptions.ReadTimeout('Read timed out.'), True),
    (requests.exceptions.ConnectionError('Connection reset by peer'), True),
])
def test_maybe_applied_after_transport_errors(rsps, first, maybe_applied):
    rsps.add(responses.POST, STOP_URL, body=first)
    with pytest.raises(MetaStudioError) as info:
        stop_job(make_transport(FakeTime(), retries=1), R, J)
    error = info.value
    assert len(rsps.calls) == 2
    assert error.maybe_applied is maybe_applied
    assert error.status_code is None
    # No answer came: there is no request id to give.
    assert error.request_id is None
    assert error.operation == 'StopSmartLive'
    assert 'gave up after 1 retries' in str(error)


def test_timeout_message(rsps):
    rsps.add(responses.GET, JOB_URL, body=requests.exceptions.ReadTimeout('Read timed out.'))
    with pytest.raises(MetaStudioError) as info:
        show_job(make_transport(FakeTime(), retries=0, timeout=12), R, J)
    assert str(info.value) == 'ShowSmartLive: no answer from %s within the timeout of 12s' % BASE


@pytest.mark.parametrize('status, maybe_applied', [(503, True), (500, True), (429, False)])
def test_maybe_applied_after_error_statuses(rsps, status, maybe_applied):
    rsps.add(responses.POST, STOP_URL, status=status)
    with pytest.raises(MetaStudioError) as info:
        stop_job(make_transport(FakeTime(), retries=2), R, J)
    assert len(rsps.calls) == 3
    assert info.value.maybe_applied is maybe_applied


def test_maybe_applied_is_kept_from_an_earlier_attempt(rsps):
    rsps.add(responses.POST, STOP_URL, body=requests.exceptions.ReadTimeout('Read timed out.'))
    rsps.add(responses.POST, STOP_URL, status=429, headers={'X-Request-Id': 'rid-429'})
    with pytest.raises(MetaStudioError) as info:
        stop_job(make_transport(FakeTime(), retries=1), R, J)
    assert info.value.status_code == 429
    assert info.value.request_id == 'rid-429'
    assert info.value.maybe_applied is True


def test_tls_error_is_not_retried(rsps):
    rsps.add(responses.GET, JOB_URL, body=requests.exceptions.SSLError('CERTIFICATE_VERIFY_FAILED'))
    timer = FakeTime()
    with pytest.raises(MetaStudioError) as info:
        show_job(make_transport(timer), R, J)
    assert len(rsps.calls) == 1
    assert timer.sleeps == []
    assert 'ca_path' in str(info.value)
    assert info.value.maybe_applied is False


@pytest.mark.parametrize('first', [requests.exceptions.ReadTimeout('Read timed out.'), 503,
                                   requests.exceptions.ConnectTimeout('Connect timed out'), 429, None])
def test_success_after_failed_attempts_is_the_last_answer(rsps, first):
    if isinstance(first, int):
        rsps.add(responses.POST, STOP_URL, status=first)
    elif first is not None:
        rsps.add(responses.POST, STOP_URL, body=first)
    rsps.add(responses.POST, STOP_URL, body='', headers={'X-Request-Id': 'rid-ok'})
    answer = stop_job(make_transport(FakeTime()), R, J)
    assert answer.status_code == 200
    assert answer.request_id == 'rid-ok'
    assert answer.body is None


def test_request_ids_record_every_attempt_in_order(rsps):
    rsps.add(responses.GET, JOB_URL, status=503, headers={'X-Request-Id': 'rid-1'})
    rsps.add(responses.GET, JOB_URL, status=502, json={'error_code': 'APIG.0201', 'error_msg': 'x', 'request_id': 'rid-2'})
    rsps.add(responses.GET, JOB_URL, body=requests.exceptions.ReadTimeout('Read timed out.'))
    rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'}, headers={'X-Request-Id': 'rid-4'})
    rsps.add(responses.POST, STOP_URL, body='', headers={'X-Request-Id': 'rid-5'})
    transport = make_transport(FakeTime())
    show_job(transport, R, J)
    stop_job(transport, R, J)
    assert transport.request_ids == ['rid-1', 'rid-2', 'rid-4', 'rid-5']
    assert transport.calls == 5
    assert transport.retried == 3


# -- success bodies ---------------------------------------------------------------------------------

def test_success_with_non_json_body_on_get(rsps):
    rsps.add(responses.GET, JOB_URL, body='<html>\n  hello   proxy</html>', headers={'X-Request-Id': 'rid-html'})
    timer = FakeTime()
    with pytest.raises(MetaStudioError) as info:
        show_job(make_transport(timer), R, J)
    error = info.value
    assert str(error) == 'ShowSmartLive answered HTTP 200 with a body that is not JSON: <html> hello proxy</html>'
    assert error.status_code == 200
    assert error.request_id == 'rid-html'
    assert len(rsps.calls) == 1
    assert timer.sleeps == []


def test_success_with_non_json_body_on_stop_is_a_success(rsps):
    # The stop was carried out; its body, undocumented, is not used.
    rsps.add(responses.POST, STOP_URL, body='OK', headers={'X-Request-Id': 'rid-ok'})
    answer = stop_job(make_transport(FakeTime()), R, J)
    assert answer.status_code == 200
    assert answer.body is None
    assert answer.request_id == 'rid-ok'


def test_success_with_empty_body(rsps):
    rsps.add(responses.POST, STOP_URL, body='', headers={'X-Request-Id': 'rid-stop'})
    answer = stop_job(make_transport(), R, J)
    assert answer.status_code == 200
    assert answer.body is None
    assert answer.request_id == 'rid-stop'


def test_success_with_json_body(rsps):
    job = {'job_id': J, 'state': 'PROCESSING', 'room_id': R}
    rsps.add(responses.GET, JOB_URL, json=job, status=200)
    answer = show_job(make_transport(), R, J)
    assert answer.body == job
    assert answer.request_id is None


@pytest.mark.parametrize('status', [301, 302, 307])
def test_redirect_is_not_taken_for_success(rsps, status):
    # An endpoint given as http:// behind a gateway that redirects to https:// answers every call so.
    rsps.add(responses.POST, STOP_URL, status=status, body='',
             headers={'Location': 'https://elsewhere.example.test/', 'X-Request-Id': 'rid-redirect'})
    with pytest.raises(MetaStudioError) as info:
        stop_job(make_transport(), R, J)
    assert info.value.status_code == status
    assert info.value.request_id == 'rid-redirect'


def test_get_answered_with_json_that_is_not_an_object(rsps):
    rsps.add(responses.GET, JOB_URL, json=['not', 'a', 'job'], headers={'X-Request-Id': 'rid-list'})
    with pytest.raises(MetaStudioError) as info:
        show_job(make_transport(), R, J)
    assert 'not an object' in info.value.msg
    assert info.value.request_id == 'rid-list'


# -- settings and TLS -------------------------------------------------------------------------------

@pytest.mark.parametrize('kwargs, name', [
    (dict(timeout=0), 'timeout'),
    (dict(timeout=-1), 'timeout'),
    (dict(timeout=3601), 'timeout'),
    (dict(timeout=None), 'timeout'),
    (dict(retries=-1), 'retries'),
    (dict(retries=101), 'retries'),
    (dict(retries=None), 'retries'),
    (dict(app_user_id=''), 'app_user_id'),
    (dict(app_user_id='   '), 'app_user_id'),
    (dict(app_user_id=' user-01'), 'app_user_id'),
    (dict(app_user_id='user\x00'), 'app_user_id'),
    (dict(app_user_id='user\n01'), 'app_user_id'),
    (dict(app_user_id=u'us\u00e9r'), 'app_user_id'),
    (dict(rate_limit=-1), 'rate_limit'),
    (dict(rate_limit=1e-12), 'rate_limit'),
    (dict(rate_limit=0.05), 'rate_limit'),
    (dict(rate_limit=10000.5), 'rate_limit'),
    (dict(rate_limit=10001), 'rate_limit'),
])
def test_bad_settings_refused_before_any_call(http, kwargs, name):
    timer = FakeTime()
    with pytest.raises(InvalidInputError, match=name) as info:
        make_transport(timer, **kwargs)
    assert name in info.value.msg
    assert timer.sleeps == []
    assert len(http.calls) == 0


@pytest.mark.parametrize('kwargs', [dict(timeout=0.1), dict(timeout=3600), dict(retries=0), dict(retries=100),
                                    dict(rate_limit=0.1), dict(rate_limit=10000)])
def test_bounds_accepted(kwargs):
    transport = make_transport(**kwargs)
    for key, value in kwargs.items():
        if key != 'rate_limit':
            assert getattr(transport, key) == value
    if 'rate_limit' in kwargs:
        assert transport.limiter.max_rate == kwargs['rate_limit']


def test_timeout_is_passed_to_requests(rsps):
    rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'})
    show_job(make_transport(timeout=7.5), R, J)
    assert rsps.calls[0].request.req_kwargs['timeout'] == 7.5


def test_missing_ca_path_is_refused_before_any_call(http, tmp_path):
    with pytest.raises(InvalidInputError) as info:
        make_transport(ca_path=str(tmp_path / 'no-such-ca.pem'))
    assert 'ca_path' in info.value.msg
    assert len(http.calls) == 0


@pytest.mark.parametrize('kwargs, verify', [
    (dict(), True),
    (dict(validate_certs=True), True),
    (dict(validate_certs=False), False),
    (dict(ca_path=CA_PATH), CA_PATH),
    (dict(validate_certs=True, ca_path=CA_PATH), CA_PATH),
    (dict(validate_certs=False, ca_path=CA_PATH), False),
])
def test_tls_verification_setting(kwargs, verify):
    assert make_transport(**kwargs).verify == verify


@pytest.mark.parametrize('variable, kwargs, verify', [
    (None, dict(ca_path=CA_PATH), CA_PATH),
    (None, dict(validate_certs=False), False),
    (None, dict(), True),
] + [(variable, kwargs, verify) for variable in CA_BUNDLE_VARIABLES
     for kwargs, verify in ((dict(ca_path=CA_PATH), CA_PATH), (dict(validate_certs=False), False))])
def test_verify_setting_reaches_requests_and_wins_over_the_environment(rsps, monkeypatch, variable, kwargs, verify):
    for name in CA_BUNDLE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    if variable:
        monkeypatch.setenv(variable, '/etc/ssl/environment-bundle.pem')
    rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'})
    show_job(make_transport(**kwargs), R, J)
    assert rsps.calls[0].request.req_kwargs['verify'] == verify


# -- pacing -----------------------------------------------------------------------------------------

@pytest.mark.parametrize('rate_limit, calls, paced', [
    (1, 4, lambda slept: slept >= 2.0),
    # 0 means no limit: fifty calls in a row never wait.
    (0, 50, lambda slept: slept == 0.0),
])
def test_rate_limit_setting_reaches_the_limiter(rsps, rate_limit, calls, paced):
    for dummy in range(calls):
        rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'})
    timer = FakeTime()
    transport = make_transport(timer, rate_limit=rate_limit)
    for dummy in range(calls):
        show_job(transport, R, J)
    assert paced(sum(timer.sleeps)), timer.sleeps
