# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of MetaStudioClient: a real requests.Session over a transport mocked by responses."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import hashlib
import hmac
import json
import os
import re
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from urllib.parse import unquote, urlsplit

import pytest
import requests
import responses
from hypothesis import given, settings, strategies as st

from ansible_collections.metastudio.cloud.plugins.module_utils import client, signer

AK = 'HPUAEXAMPLEAK0000001'
SK = 'ExampleSecretKey0000000000000000000000001'
P = '0123456789abcdef0123456789abcdef'
R = '26f065244f754b3aa853b649a21aaf66'
J = 'e87104f76d7546ce8a46ac6b04c49c3c'
HOST = 'metastudio.cn-north-4.myhuaweicloud.com'
BASE = 'https://' + HOST
# A readable file standing in for a CA bundle: the client checks that ca_path exists before any request.
CA_PATH = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'private-ca.pem')
JOB_URL = BASE + '/v1/%s/smart-live-rooms/%s/smart-live-jobs/%s' % (P, R, J)
STOP_URL = JOB_URL + '/stop'
LIST_URL = BASE + '/v1/%s/smart-live-jobs' % P
ROOM_JOBS_URL = BASE + '/v1/%s/smart-live-rooms/%s/smart-live-jobs' % (P, R)

AUTHORIZATION = re.compile(r'^SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$')
ENCODED_SEGMENT = re.compile(r'^(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})+$')
BASE_SIGNED = ['content-type', 'host', 'user-agent', 'x-project-id', 'x-sdk-date']
MSS_STATE = {'error_code': 'MSS.20020001', 'error_msg': 'the task state does not allow the current operation'}
GALAXY = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'galaxy.yml')

# No example database (nothing written into the work tree) and no timing deadline (slow CI machines).
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, database=None)


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


class FakeTime(object):
    """A monotonic clock that only moves when slept on; records every sleep."""

    def __init__(self, now=1000.0):
        self.now = now
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


def make_client(timer=None, **kwargs):
    """A client that never really sleeps: ``timer`` (a FakeTime) records the delays."""
    kwargs.setdefault('auth', client.AkSkAuth(AK, SK))
    timer = timer or FakeTime()
    return client.MetaStudioClient(kwargs.pop('project_id', P), sleep=timer.sleep, clock=timer.clock, **kwargs)


def header(request, name):
    return request.headers.get(name)


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


# -- endpoint ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('region, expected', [
    (None, BASE),
    ('', BASE),
    ('cn-north-4', BASE),
    ('cn-east-3', 'https://metastudio.cn-east-3.myhuaweicloud.com'),
    ('ap-southeast-1', 'https://metastudio.ap-southeast-1.myhuaweicloud.com'),
    ('eu-west-101', 'https://metastudio.eu-west-101.myhuaweicloud.eu'),
    ('eu-west-0', 'https://metastudio.eu-west-0.myhuaweicloud.com'),
])
def test_build_endpoint_from_region(region, expected):
    assert client.build_endpoint(region=region) == expected


def test_default_region_is_cn_north_4(rsps):
    rsps.add(responses.GET, LIST_URL, json={'smart_live_jobs': []})
    api = make_client()
    assert api.base_url == BASE
    assert api.host == HOST
    api.list_project_jobs()
    assert rsps.calls[0].request.url == LIST_URL
    assert header(rsps.calls[0].request, 'Host') == HOST


def test_eu_region_is_reached_on_the_eu_domain(rsps):
    url = 'https://metastudio.eu-west-101.myhuaweicloud.eu/v1/%s/smart-live-jobs' % P
    rsps.add(responses.GET, url, json={})
    api = make_client(region='eu-west-101')
    api.list_project_jobs()
    assert header(rsps.calls[0].request, 'Host') == 'metastudio.eu-west-101.myhuaweicloud.eu'


@pytest.mark.parametrize('region', ['CN-NORTH-4', 'cn_north_4', 'cn', 'cn-north-4.evil.test', 'cn-north-4/../x',
                                    'cn-north-4 ', ' cn-north-4', 'cn-north-4:8443', u'cn-n\u00f6rth-4'])
def test_invalid_region_refused_before_any_call(rsps, region):
    with pytest.raises(client.InvalidInputError, match='region'):
        make_client(region=region)
    assert len(rsps.calls) == 0


def test_region_with_trailing_newline_refused():
    with pytest.raises(client.InvalidInputError):
        client.build_endpoint(region='cn-north-4\n')


@pytest.mark.parametrize('endpoint, base, host', [
    ('https://metastudio.example.test', 'https://metastudio.example.test', 'metastudio.example.test'),
    ('https://metastudio.example.test/', 'https://metastudio.example.test', 'metastudio.example.test'),
    ('http://127.0.0.1:8080', 'http://127.0.0.1:8080', '127.0.0.1:8080'),
    ('https://metastudio.example.test:8443/', 'https://metastudio.example.test:8443', 'metastudio.example.test:8443'),
    ('https://metastudio.example.test:443', 'https://metastudio.example.test:443', 'metastudio.example.test'),
    ('https://[::1]:8443', 'https://[::1]:8443', '[::1]:8443'),
])
def test_endpoint_override(rsps, endpoint, base, host):
    rsps.add(responses.GET, base + '/v1/%s/smart-live-jobs' % P, json={})
    api = make_client(endpoint=endpoint, region='eu-west-101')
    assert api.base_url == base
    api.list_project_jobs()
    request = rsps.calls[0].request
    assert request.url == base + '/v1/%s/smart-live-jobs' % P
    assert header(request, 'Host') == host
    assert verify_signature(request)[2].split('\n')[4] == 'host:' + host


@pytest.mark.parametrize('endpoint, reason', [
    ('metastudio.example.test', 'http:// or https://'),
    ('metastudio.example.test:8443', 'http:// or https://'),
    ('ftp://metastudio.example.test', 'http:// or https://'),
    ('https://', 'http:// or https://'),
    ('https://metastudio.example.test/v1', 'only a scheme'),
    ('https://metastudio.example.test/a/', 'only a scheme'),
    ('https://metastudio.example.test?x=1', 'only a scheme'),
    ('https://metastudio.example.test/?x=1', 'only a scheme'),
    ('https://metastudio.example.test#frag', 'only a scheme'),
    ('https://user@metastudio.example.test', 'only a scheme'),
    ('https://user:secret@metastudio.example.test', 'only a scheme'),
    ('https://metastudio.example.test:99999', 'invalid port'),
    ('https://metastudio.example.test:port', 'invalid port'),
    ('https://metastudio.example.test:-1', 'invalid port'),
])
def test_endpoint_refused_before_any_call(rsps, endpoint, reason):
    with pytest.raises(client.InvalidInputError) as info:
        make_client(endpoint=endpoint)
    assert reason in str(info.value)
    assert len(rsps.calls) == 0


@pytest.mark.parametrize('endpoint', ['https://@metastudio.example.test', 'https://:@metastudio.example.test'])
def test_endpoint_with_empty_userinfo_refused(endpoint):
    with pytest.raises(client.InvalidInputError):
        client.build_endpoint(endpoint=endpoint)


# -- ids --------------------------------------------------------------------------------------------

BAD_IDS = ['../x', '..', 'a?b', 'a/b', 'a#b', '%2e%2e', 'a%2Fb', 'a b', ' a', 'a\tb', 'a\x00b', '\x7f', 'a\rb', '\na',
           u'caf\u00e9', u'\u4efb\u52a1', '', 'a' * 129, 'a.b', 'a;b', None, 123]


@pytest.mark.parametrize('bad', BAD_IDS, ids=[repr(bad) for bad in BAD_IDS])
def test_validate_id_refuses(bad):
    with pytest.raises(client.InvalidInputError, match='job_id'):
        client.validate_id('job_id', bad)


@pytest.mark.parametrize('good', [J, 'a', 'A-b_9', 'a' * 128])
def test_validate_id_accepts(good):
    assert client.validate_id('job_id', good) == good


@pytest.mark.parametrize('bad', ['../x', 'a/b', 'a?b', '%2e%2e', 'a\x00', ''])
def test_bad_ids_refused_before_any_call(rsps, bad):
    api = make_client()
    for call in (lambda: api.show_job(R, bad), lambda: api.stop_job(R, bad),
                 lambda: api.show_job(bad, J), lambda: api.list_room_jobs(bad)):
        with pytest.raises(client.InvalidInputError):
            call()
    with pytest.raises(client.InvalidInputError, match='project_id'):
        make_client(project_id=bad)
    assert len(rsps.calls) == 0


@pytest.mark.parametrize('bad', ['abc\n', J + '\n'])
def test_validate_id_refuses_trailing_newline(bad):
    with pytest.raises(client.InvalidInputError):
        client.validate_id('job_id', bad)


@PROPERTY_SETTINGS
@given(any_id=st.one_of(st.from_regex(client.ID_PATTERN), st.text(max_size=130),
                        st.text(alphabet='abc-_/?#%.\n\x00 ', max_size=8)))
def test_accepted_id_is_exactly_one_encoded_path_segment(any_id):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.GET, re.compile(re.escape(BASE) + '/.*'), json={'state': 'SUCCEED'})
        api = make_client(auth=client.TokenAuth('token'))
        try:
            client.validate_id('id', any_id)
        except client.InvalidInputError:
            with pytest.raises(client.InvalidInputError):
                api.show_job(any_id, any_id)
            assert len(mock.calls) == 0
            return
        api.show_job(any_id, any_id)
        segments = urlsplit(mock.calls[0].request.url).path.split('/')
    assert len(segments) == 7
    assert segments[:4] == ['', 'v1', P, 'smart-live-rooms']
    assert segments[5] == 'smart-live-jobs'
    for segment in (segments[4], segments[6]):
        assert ENCODED_SEGMENT.match(segment), segment
        assert unquote(segment) == any_id


# -- authentication headers -------------------------------------------------------------------------

@pytest.mark.parametrize('security_token, app_user_id, extra', [
    (None, None, []),
    ('EXAMPLE-SECURITY-TOKEN', None, ['x-security-token']),
    (None, 'user-01', ['x-app-userid']),
    ('EXAMPLE-SECURITY-TOKEN', 'user-01', ['x-app-userid', 'x-security-token']),
])
def test_aksk_request_is_signed(rsps, security_token, app_user_id, extra):
    rsps.add(responses.POST, STOP_URL, body='', headers={'X-Request-Id': 'rid-stop'})
    api = make_client(auth=client.AkSkAuth(AK, SK, security_token), app_user_id=app_user_id)
    answer = api.stop_job(R, J)
    assert answer.request_id == 'rid-stop'
    request = rsps.calls[0].request
    assert request.method == 'POST'
    assert request.url == STOP_URL
    assert header(request, 'Host') == HOST
    assert header(request, 'X-Project-Id') == P
    assert header(request, 'Content-Type') == 'application/json'
    assert re.match(r'^\d{8}T\d{6}Z$', header(request, 'X-Sdk-Date'))
    sent_at = datetime.strptime(header(request, 'X-Sdk-Date'), '%Y%m%dT%H%M%SZ').replace(tzinfo=timezone.utc)
    assert abs((datetime.now(timezone.utc) - sent_at).total_seconds()) < 120
    assert header(request, 'X-Security-Token') == security_token
    assert header(request, 'X-App-UserId') == app_user_id
    assert header(request, 'X-Auth-Token') is None
    access, names, canonical = verify_signature(request)
    assert access == AK
    assert names == sorted(BASE_SIGNED + extra)
    # Signed with the trailing slash the algorithm adds, sent without it.
    assert canonical.split('\n')[1] == urlsplit(STOP_URL).path + '/'
    assert canonical.endswith('\n' + signer.EMPTY_BODY_SHA256)


def test_signed_query_is_the_query_sent(rsps):
    rsps.add(responses.GET, LIST_URL, json={'count': 0, 'smart_live_jobs': []})
    query = [('state', 'WAITING,PROCESSING'), ('offset', 0), ('limit', 10), ('room_name', u'room A/\u6d4b\u8bd5')]
    answer = make_client().list_project_jobs(query=query)
    assert answer.body == {'count': 0, 'smart_live_jobs': []}
    request = rsps.calls[0].request
    sent_query = urlsplit(request.url).query
    assert sent_query == 'limit=10&offset=0&room_name=room%20A%2F%E6%B5%8B%E8%AF%95&state=WAITING%2CPROCESSING'
    assert verify_signature(request)[2].split('\n')[2] == sent_query


def test_room_jobs_path_and_query(rsps):
    rsps.add(responses.GET, ROOM_JOBS_URL, json={'smart_live_jobs': []})
    make_client().list_room_jobs(R, query={'offset': 0, 'limit': 10})
    request = rsps.calls[0].request
    assert request.url == ROOM_JOBS_URL + '?limit=10&offset=0'
    verify_signature(request)


def test_every_attempt_is_signed_anew(rsps):
    rsps.add(responses.GET, JOB_URL, status=503)
    rsps.add(responses.GET, JOB_URL, json={'state': 'PROCESSING'})
    make_client(FakeTime()).show_job(R, J)
    assert len(rsps.calls) == 2
    for call in rsps.calls:
        assert verify_signature(call.request)[1] == BASE_SIGNED


def test_wrong_secret_does_not_verify(rsps):
    rsps.add(responses.GET, JOB_URL, json={'state': 'PROCESSING'})
    make_client().show_job(R, J)
    with pytest.raises(AssertionError):
        verify_signature(rsps.calls[0].request, secret_key='another-secret')


def test_token_auth_sends_x_auth_token_and_no_signature(rsps):
    rsps.add(responses.GET, JOB_URL, json={'state': 'PROCESSING'})
    make_client(auth=client.TokenAuth('MIIexampletoken')).show_job(R, J)
    request = rsps.calls[0].request
    assert header(request, 'X-Auth-Token') == 'MIIexampletoken'
    assert 'Authorization' not in request.headers
    assert 'X-Sdk-Date' not in request.headers
    assert header(request, 'Host') == HOST


def test_user_agent_names_the_collection_and_its_version(rsps):
    rsps.add(responses.GET, JOB_URL, json={'state': 'PROCESSING'})
    make_client().show_job(R, J)
    user_agent = header(rsps.calls[0].request, 'User-Agent')
    assert user_agent == client.USER_AGENT
    assert 'metastudio.cloud' in user_agent
    assert user_agent.endswith('/' + client.COLLECTION_VERSION)
    if not os.path.exists(GALAXY):
        pytest.skip('galaxy.yml is not beside the tests')
    with open(GALAXY) as galaxy:
        version = re.search(r'^version:\s*(\S+)\s*$', galaxy.read(), re.MULTILINE).group(1)
    assert client.COLLECTION_VERSION == version


# -- error parsing ----------------------------------------------------------------------------------

@pytest.mark.parametrize('headers, text, expected', [
    ({'X-Request-Id': 'rid-1'}, json.dumps(MSS_STATE), ('MSS.20020001', MSS_STATE['error_msg'], 'rid-1')),
    ({}, json.dumps({'error_code': 'APIG.0301', 'error_msg': 'Incorrect IAM authentication information: verify aksk signature fail',
                     'request_id': 'body-rid'}),
     ('APIG.0301', 'Incorrect IAM authentication information: verify aksk signature fail', 'body-rid')),
    ({'X-Request-Id': 'header-rid'}, json.dumps({'error_code': 'APIG.0308', 'error_msg': 'throttled', 'request_id': 'body-rid'}),
     ('APIG.0308', 'throttled', 'header-rid')),
    ({'x-request-id': 'lower-rid'}, json.dumps({'errorCode': 'E1', 'errorMsg': 'camel'}), ('E1', 'camel', 'lower-rid')),
    ({}, json.dumps({'code': 'C1', 'message': 'plain'}), ('C1', 'plain', None)),
    ({}, json.dumps({'code': 404, 'message': 'number'}), ('404', 'number', None)),
    ({}, json.dumps({'error': {'code': 401, 'message': 'The token must be updated'}}), ('401', 'The token must be updated', None)),
    ({}, json.dumps({'error': {'error_code': 'IAM.0001', 'error_msg': 'nested mss'}}), ('IAM.0001', 'nested mss', None)),
    ({'X-IAM-Trace-Id': 'trace-1'}, json.dumps({'error': {'code': 401, 'message': 'm'}}), ('401', 'm', 'trace-1')),
    ({'X-Request-Id': 'rid-e'}, '', (None, None, 'rid-e')),
    ({}, '', (None, None, None)),
])
def test_parse_error_bodies(headers, text, expected):
    assert client.parse_error(400, requests.structures.CaseInsensitiveDict(headers), text) == expected
    assert client.parse_error(400, dict(headers), text) == expected


def test_parse_error_html_page_keeps_the_title():
    page = '<html><head>\n<TITLE>502  Bad\n Gateway</TITLE></head><body><center>nginx secret detail</center></body></html>'
    error_code, error_msg, request_id = client.parse_error(502, {}, page)
    assert error_code is None
    assert error_msg == 'non-JSON response: 502 Bad Gateway'
    assert request_id is None


@pytest.mark.parametrize('text', ['{"error_code":', 'Service Unavailable', '<html><body>Bad Gateway</body></html>'])
def test_parse_error_non_json_text(text):
    error_code, error_msg, request_id = client.parse_error(503, {'X-Request-Id': 'r'}, text)
    assert error_code is None
    assert error_msg == 'non-JSON response: ' + text
    assert request_id == 'r'


def test_parse_error_snippet_is_short_and_on_one_line():
    error_msg = client.parse_error(500, {}, 'word\n\t' * 200)[1]
    assert error_msg.startswith('non-JSON response: word word')
    assert '\n' not in error_msg
    assert len(error_msg) == len('non-JSON response: ') + 200


def test_parse_error_json_without_message_is_not_called_non_json():
    error_msg = client.parse_error(404, {}, json.dumps({'error_code': 'APIG.0101'}))[1]
    assert 'non-JSON' not in (error_msg or '')


def test_error_response_becomes_metastudio_error(rsps):
    rsps.add(responses.POST, STOP_URL, status=400, json=MSS_STATE, headers={'X-Request-Id': 'rid-400'})
    with pytest.raises(client.MetaStudioError) as info:
        make_client().stop_job(R, J)
    error = info.value
    assert error.status_code == 400
    assert error.error_code == 'MSS.20020001'
    assert error.error_msg == MSS_STATE['error_msg']
    assert error.request_id == 'rid-400'
    assert error.operation == 'StopSmartLive'
    assert error.maybe_applied is False
    assert str(error) == error.msg
    assert 'StopSmartLive failed with HTTP 400 MSS.20020001' in error.msg
    assert error.to_result() == dict(msg=error.msg, status_code=400, error_code='MSS.20020001',
                                     error_msg=MSS_STATE['error_msg'], request_id='rid-400')


def test_error_message_without_body_does_not_say_none(rsps):
    rsps.add(responses.GET, JOB_URL, status=404, body='')
    with pytest.raises(client.MetaStudioError) as info:
        make_client().show_job(R, J)
    assert not info.value.msg.endswith('None')


# -- retries ----------------------------------------------------------------------------------------

def backoff_bounds(attempt):
    ceiling = min(30.0, 0.5 * 2 ** attempt)
    return ceiling / 2, ceiling


@pytest.mark.parametrize('status', [429, 500, 502, 503, 504])
def test_retryable_status_then_success(rsps, status):
    rsps.add(responses.GET, JOB_URL, status=status, json={'error_code': 'E', 'error_msg': 'm'}, headers={'X-Request-Id': 'r1'})
    rsps.add(responses.GET, JOB_URL, json={'state': 'PROCESSING'}, headers={'X-Request-Id': 'r2'})
    timer = FakeTime()
    api = make_client(timer)
    answer = api.show_job(R, J)
    assert answer.status_code == 200
    assert answer.body == {'state': 'PROCESSING'}
    assert answer.request_id == 'r2'
    assert len(rsps.calls) == 2
    assert len(timer.sleeps) == 1
    low, high = backoff_bounds(0)
    assert low <= timer.sleeps[0] <= high
    assert api.retried == 1
    assert api.calls == 2
    assert answer.maybe_applied_before is (status >= 500)


def test_backoff_grows_between_attempts(rsps):
    for status in (503, 502, 500, 504):
        rsps.add(responses.GET, JOB_URL, status=status)
    rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'})
    timer = FakeTime()
    make_client(timer).show_job(R, J)
    assert len(timer.sleeps) == 4
    for attempt, delay in enumerate(timer.sleeps):
        low, high = backoff_bounds(attempt)
        assert low <= delay <= high, (attempt, delay)


@pytest.mark.parametrize('status', [429, 503])
@pytest.mark.parametrize('value, expected', [('7', 7.0), ('2.5', 2.5), ('120', 30.0)])
def test_retry_after_seconds_honoured(rsps, status, value, expected):
    rsps.add(responses.GET, JOB_URL, status=status, headers={'Retry-After': value})
    rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'})
    timer = FakeTime()
    make_client(timer).show_job(R, J)
    assert timer.sleeps == [expected]
    assert len(rsps.calls) == 2


@pytest.mark.parametrize('status', [429, 503])
def test_retry_after_zero_retries_at_once(rsps, status):
    rsps.add(responses.GET, JOB_URL, status=status, headers={'Retry-After': '0'})
    rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'})
    timer = FakeTime()
    make_client(timer).show_job(R, J)
    assert sum(timer.sleeps) == 0.0
    assert len(rsps.calls) == 2


def test_throttled_answer_pauses_the_whole_api(rsps):
    rsps.add(responses.GET, JOB_URL, status=429, headers={'Retry-After': '4'})
    rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'})
    rsps.add(responses.POST, STOP_URL, body='')
    timer = FakeTime()
    api = make_client(timer)
    api.show_job(R, J)
    assert timer.sleeps == [4.0]
    # Another API is not paused by the throttling of the first.
    api.stop_job(R, J)
    assert timer.sleeps == [4.0]


def test_retry_after_http_date_honoured(rsps):
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=20), usegmt=True)
    rsps.add(responses.GET, JOB_URL, status=503, headers={'Retry-After': when})
    rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'})
    timer = FakeTime()
    make_client(timer).show_job(R, J)
    assert len(timer.sleeps) == 1
    assert 15.0 <= timer.sleeps[0] <= 20.5


@pytest.mark.parametrize('status', [429, 503])
def test_retry_after_http_date_honoured_for_both_statuses(rsps, status):
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=10), usegmt=True)
    rsps.add(responses.GET, JOB_URL, status=status, headers={'Retry-After': when})
    rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'})
    timer = FakeTime()
    make_client(timer).show_job(R, J)
    assert len(timer.sleeps) == 1
    assert 7.0 <= timer.sleeps[0] <= 10.5


def test_unreadable_retry_after_falls_back_to_backoff(rsps):
    rsps.add(responses.GET, JOB_URL, status=503, headers={'Retry-After': 'soon'})
    rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'})
    timer = FakeTime()
    make_client(timer).show_job(R, J)
    low, high = backoff_bounds(0)
    assert low <= timer.sleeps[0] <= high


def test_retries_exhausted(rsps):
    for number in range(3):
        rsps.add(responses.POST, STOP_URL, status=503, json={'error_code': 'MSS.00000004', 'error_msg': 'Internal Error'},
                 headers={'X-Request-Id': 'rid-%d' % number})
    timer = FakeTime()
    api = make_client(timer, retries=2)
    with pytest.raises(client.MetaStudioError) as info:
        api.stop_job(R, J)
    error = info.value
    assert len(rsps.calls) == 3
    assert len(timer.sleeps) == 2
    assert error.status_code == 503
    assert error.error_code == 'MSS.00000004'
    assert error.error_msg == 'Internal Error'
    assert error.request_id == 'rid-2'
    assert error.maybe_applied is True
    assert 'gave up after 2 retries' in str(error)
    assert 'gave up after 2 retries' in error.msg
    assert api.request_ids == ['rid-0', 'rid-1', 'rid-2']


def test_no_retries_means_one_attempt_and_no_give_up_note(rsps):
    rsps.add(responses.GET, JOB_URL, status=503)
    timer = FakeTime()
    with pytest.raises(client.MetaStudioError) as info:
        make_client(timer, retries=0).show_job(R, J)
    assert len(rsps.calls) == 1
    assert timer.sleeps == []
    assert 'gave up' not in str(info.value)


@pytest.mark.parametrize('status', [400, 401, 403, 404, 409])
def test_client_errors_are_not_retried(rsps, status):
    rsps.add(responses.GET, JOB_URL, status=status, json={'error_code': 'X.%d' % status, 'error_msg': 'no'},
             headers={'X-Request-Id': 'rid'})
    timer = FakeTime()
    api = make_client(timer)
    with pytest.raises(client.MetaStudioError) as info:
        api.show_job(R, J)
    assert len(rsps.calls) == 1
    assert timer.sleeps == []
    assert api.retried == 0
    assert info.value.status_code == status
    assert info.value.error_code == 'X.%d' % status
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
    api = make_client(timer)
    answer = api.show_job(R, J)
    assert answer.body == {'state': 'SUCCEED'}
    assert len(rsps.calls) == 2
    assert len(timer.sleeps) == 1
    assert api.request_ids == ['ok']


@pytest.mark.parametrize('first, maybe_applied', [
    (requests.exceptions.ConnectTimeout('Connect timed out'), False),
    (requests.exceptions.ConnectionError('Failed to establish a new connection: [Errno 111] Connection refused'), False),
    (requests.exceptions.ReadTimeout('Read timed out.'), True),
    (requests.exceptions.ConnectionError('Connection reset by peer'), True),
])
def test_maybe_applied_after_transport_errors(rsps, first, maybe_applied):
    rsps.add(responses.POST, STOP_URL, body=first)
    timer = FakeTime()
    with pytest.raises(client.MetaStudioError) as info:
        make_client(timer, retries=1).stop_job(R, J)
    error = info.value
    assert len(rsps.calls) == 2
    assert error.maybe_applied is maybe_applied
    assert error.status_code is None
    assert error.operation == 'StopSmartLive'
    assert 'gave up after 1 retries' in str(error)


def test_timeout_message(rsps):
    rsps.add(responses.GET, JOB_URL, body=requests.exceptions.ReadTimeout('Read timed out.'))
    with pytest.raises(client.MetaStudioError) as info:
        make_client(FakeTime(), retries=0, timeout=12).show_job(R, J)
    assert 'no answer from %s within the timeout of 12s' % BASE in str(info.value)


@pytest.mark.parametrize('status, maybe_applied', [(503, True), (500, True), (429, False)])
def test_maybe_applied_after_error_statuses(rsps, status, maybe_applied):
    rsps.add(responses.POST, STOP_URL, status=status)
    with pytest.raises(client.MetaStudioError) as info:
        make_client(FakeTime(), retries=2).stop_job(R, J)
    assert len(rsps.calls) == 3
    assert info.value.maybe_applied is maybe_applied


def test_maybe_applied_is_kept_from_an_earlier_attempt(rsps):
    rsps.add(responses.POST, STOP_URL, body=requests.exceptions.ReadTimeout('Read timed out.'))
    rsps.add(responses.POST, STOP_URL, status=429)
    with pytest.raises(client.MetaStudioError) as info:
        make_client(FakeTime(), retries=1).stop_job(R, J)
    assert info.value.status_code == 429
    assert info.value.maybe_applied is True


def test_tls_error_is_not_retried(rsps):
    rsps.add(responses.GET, JOB_URL, body=requests.exceptions.SSLError('CERTIFICATE_VERIFY_FAILED'))
    timer = FakeTime()
    with pytest.raises(client.MetaStudioError) as info:
        make_client(timer).show_job(R, J)
    assert len(rsps.calls) == 1
    assert timer.sleeps == []
    assert 'ca_path' in str(info.value)
    assert info.value.maybe_applied is False


@pytest.mark.parametrize('first, expected', [
    (requests.exceptions.ReadTimeout('Read timed out.'), True),
    (503, True),
    (requests.exceptions.ConnectTimeout('Connect timed out'), False),
    (429, False),
    (None, False),
])
def test_maybe_applied_before_on_success(rsps, first, expected):
    if isinstance(first, int):
        rsps.add(responses.POST, STOP_URL, status=first)
    elif first is not None:
        rsps.add(responses.POST, STOP_URL, body=first)
    rsps.add(responses.POST, STOP_URL, body='', headers={'X-Request-Id': 'rid-ok'})
    answer = make_client(FakeTime()).stop_job(R, J)
    assert answer.status_code == 200
    assert answer.request_id == 'rid-ok'
    assert answer.maybe_applied_before is expected


def test_request_ids_record_every_attempt_in_order(rsps):
    rsps.add(responses.GET, JOB_URL, status=503, headers={'X-Request-Id': 'rid-1'})
    rsps.add(responses.GET, JOB_URL, status=502, json={'error_code': 'APIG.0201', 'error_msg': 'x', 'request_id': 'rid-2'})
    rsps.add(responses.GET, JOB_URL, body=requests.exceptions.ReadTimeout('Read timed out.'))
    rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'}, headers={'X-Request-Id': 'rid-4'})
    rsps.add(responses.POST, STOP_URL, body='', headers={'X-Request-Id': 'rid-5'})
    api = make_client(FakeTime())
    api.show_job(R, J)
    api.stop_job(R, J)
    assert api.request_ids == ['rid-1', 'rid-2', 'rid-4', 'rid-5']
    assert api.calls == 5
    assert api.retried == 3


# -- success bodies ---------------------------------------------------------------------------------

def test_success_with_non_json_body_on_get(rsps):
    rsps.add(responses.GET, JOB_URL, body='<html>\n  hello   proxy</html>', headers={'X-Request-Id': 'rid-html'})
    timer = FakeTime()
    with pytest.raises(client.MetaStudioError) as info:
        make_client(timer).show_job(R, J)
    error = info.value
    assert str(error) == 'ShowSmartLive answered HTTP 200 with a body that is not JSON: <html> hello proxy</html>'
    assert error.status_code == 200
    assert error.request_id == 'rid-html'
    assert len(rsps.calls) == 1
    assert timer.sleeps == []


def test_success_with_non_json_body_on_stop_is_a_success(rsps):
    # The stop was carried out; its body, undocumented, is not used.
    rsps.add(responses.POST, STOP_URL, body='OK', headers={'X-Request-Id': 'rid-ok'})
    answer = make_client(FakeTime()).stop_job(R, J)
    assert answer.status_code == 200
    assert answer.body is None
    assert answer.request_id == 'rid-ok'


def test_success_with_empty_body(rsps):
    rsps.add(responses.POST, STOP_URL, body='', headers={'X-Request-Id': 'rid-stop'})
    answer = make_client().stop_job(R, J)
    assert answer.status_code == 200
    assert answer.body is None
    assert answer.request_id == 'rid-stop'
    assert answer.maybe_applied_before is False


def test_success_with_json_body(rsps):
    job = {'job_id': J, 'state': 'PROCESSING', 'room_id': R}
    rsps.add(responses.GET, JOB_URL, json=job, status=200)
    answer = make_client().show_job(R, J)
    assert answer.body == job
    assert answer.request_id is None


# -- backoff_delay and retry_after_seconds ----------------------------------------------------------

@pytest.mark.parametrize('attempt', [0, 1, 2, 5, 6, 7, 20, 99])
def test_backoff_delay_bounds(attempt):
    low, high = backoff_bounds(attempt)
    assert client.backoff_delay(attempt, rand=lambda: 0.0) == low
    assert client.backoff_delay(attempt, rand=lambda: 1.0) == high
    assert low <= client.backoff_delay(attempt) <= high


def test_backoff_delay_is_capped():
    assert client.backoff_delay(10, rand=lambda: 1.0) == 30.0
    assert client.backoff_delay(10, rand=lambda: 0.0) == 15.0
    assert client.backoff_delay(3, base=1.0, cap=5.0, rand=lambda: 1.0) == 5.0


@pytest.mark.parametrize('retry_after, expected', [(7.0, 7.0), (0.0, 0.0), (120.0, 30.0)])
def test_backoff_delay_prefers_retry_after(retry_after, expected):
    assert client.backoff_delay(4, retry_after=retry_after, rand=lambda: 0.5) == expected


@PROPERTY_SETTINGS
@given(attempt=st.integers(min_value=0, max_value=100), draw=st.floats(min_value=0.0, max_value=1.0, exclude_max=True))
def test_backoff_delay_equal_jitter_property(attempt, draw):
    delay = client.backoff_delay(attempt, rand=lambda: draw)
    ceiling = min(30.0, 0.5 * 2 ** attempt)
    assert ceiling / 2 <= delay <= ceiling <= 30.0


@pytest.mark.parametrize('value, expected', [
    (None, None), ('', None), ('soon', None), ('5', 5.0), ('0', 0.0), ('-3', 0.0), ('1.5', 1.5),
    ('Wed, 21 Oct 2015 07:28:00 GMT', 0.0),
])
def test_retry_after_seconds(value, expected):
    assert client.retry_after_seconds(value) == expected


def test_retry_after_seconds_future_date():
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=60), usegmt=True)
    assert 55.0 <= client.retry_after_seconds(when) <= 60.5


# -- constructor bounds and TLS ---------------------------------------------------------------------

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
    (dict(app_user_id='user\x00'), 'app_user_id'),
    (dict(app_user_id='user\n01'), 'app_user_id'),
    (dict(app_user_id=u'us\u00e9r'), 'app_user_id'),
])
def test_bad_settings_refused_before_any_call(rsps, kwargs, name):
    with pytest.raises(client.InvalidInputError, match=name):
        make_client(**kwargs)
    assert len(rsps.calls) == 0


@pytest.mark.parametrize('kwargs', [dict(timeout=0.1), dict(timeout=3600), dict(retries=0), dict(retries=100)])
def test_bounds_accepted(kwargs):
    api = make_client(**kwargs)
    for key, value in kwargs.items():
        assert getattr(api, key) == value


def test_timeout_is_passed_to_requests(rsps):
    rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'})
    make_client(timeout=7.5).show_job(R, J)
    assert rsps.calls[0].request.req_kwargs['timeout'] == 7.5


def test_app_user_id_with_leading_space_refused_before_any_call(rsps):
    timer = FakeTime()
    with pytest.raises(client.InvalidInputError):
        make_client(timer, app_user_id=' user-01').show_job(R, J)
    assert timer.sleeps == []
    assert len(rsps.calls) == 0


@pytest.mark.parametrize('kwargs, verify', [
    (dict(), True),
    (dict(validate_certs=True), True),
    (dict(validate_certs=False), False),
    (dict(ca_path=CA_PATH), CA_PATH),
    (dict(validate_certs=True, ca_path=CA_PATH), CA_PATH),
    (dict(validate_certs=False, ca_path=CA_PATH), False),
])
def test_tls_verification_setting(kwargs, verify):
    assert make_client(**kwargs).session.verify == verify


CA_BUNDLE_VARIABLES = ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE')


@pytest.mark.parametrize('kwargs, verify', [
    (dict(ca_path=CA_PATH), CA_PATH),
    (dict(validate_certs=False), False),
    (dict(), True),
])
def test_verify_setting_reaches_the_transport(rsps, monkeypatch, kwargs, verify):
    for name in CA_BUNDLE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'})
    make_client(**kwargs).show_job(R, J)
    assert rsps.calls[0].request.req_kwargs['verify'] == verify


@pytest.mark.parametrize('variable', CA_BUNDLE_VARIABLES)
@pytest.mark.parametrize('kwargs, verify', [
    (dict(ca_path=CA_PATH), CA_PATH),
    (dict(validate_certs=False), False),
])
def test_verify_setting_wins_over_ca_bundle_environment(rsps, monkeypatch, variable, kwargs, verify):
    for name in CA_BUNDLE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, '/etc/ssl/environment-bundle.pem')
    rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'})
    make_client(**kwargs).show_job(R, J)
    assert rsps.calls[0].request.req_kwargs['verify'] == verify


# -- rate limiter -----------------------------------------------------------------------------------

def test_rate_limiter_without_rate_never_waits():
    timer = FakeTime()
    limiter = client.RateLimiter(None, clock=timer.clock, sleep=timer.sleep)
    for dummy in range(1000):
        assert limiter.acquire('ShowSmartLive') == 0.0
    assert timer.sleeps == []


def test_rate_limiter_paces_calls():
    timer = FakeTime()
    limiter = client.RateLimiter(10, clock=timer.clock, sleep=timer.sleep)
    start = timer.now
    for dummy in range(100):
        limiter.acquire('ShowSmartLive')
    elapsed = timer.now - start
    # 100 calls at 10 per second, with at most half a second of burst.
    assert 9.0 <= elapsed <= 10.0
    assert max(timer.sleeps) <= 0.1 + 1e-9


def test_rate_limiter_apis_are_paced_apart():
    timer = FakeTime()
    limiter = client.RateLimiter(1, clock=timer.clock, sleep=timer.sleep)
    for dummy in range(3):
        limiter.acquire('ShowSmartLive')
    slept = sum(timer.sleeps)
    limiter.acquire('StopSmartLive')
    assert sum(timer.sleeps) == slept


def test_rate_limiter_throttled_pauses_and_halves_the_rate():
    timer = FakeTime()
    limiter = client.RateLimiter(8, clock=timer.clock, sleep=timer.sleep)
    limiter.acquire('op')
    limiter.throttled('op', 5.0)
    assert limiter.acquire('op') == 5.0
    # Halved to 4 per second: calls now come at least 0.25 s apart once the burst is spent.
    start = timer.now
    for dummy in range(20):
        limiter.acquire('op')
    assert timer.now - start >= (20 - 5) / 4.0
    # Successes raise the rate back step by step, never above the maximum.
    for dummy in range(10):
        limiter.succeeded('op')
    before = timer.now
    for dummy in range(80):
        limiter.acquire('op')
    # Back at 8 per second (4 per second would take 20 s); the first call may wait for the last slow slot.
    assert timer.now - before <= 80 / 8.0 + 0.25 + 1e-6


def test_rate_limit_setting_reaches_the_limiter(rsps):
    for dummy in range(4):
        rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'})
    timer = FakeTime()
    api = make_client(timer, rate_limit=1)
    for dummy in range(4):
        api.show_job(R, J)
    assert sum(timer.sleeps) >= 2.0


@pytest.mark.parametrize('rate_limit', [-1, 10001])
def test_rate_limit_bounds(rsps, rate_limit):
    with pytest.raises(client.InvalidInputError, match='rate_limit'):
        make_client(rate_limit=rate_limit)
    assert len(rsps.calls) == 0


def test_rate_limit_zero_means_no_limit(rsps):
    for dummy in range(50):
        rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'})
    timer = FakeTime()
    api = make_client(timer, rate_limit=0)
    for dummy in range(50):
        api.show_job(R, J)
    assert timer.sleeps == []


def test_is_running():
    assert client.is_running('WAITING')
    assert client.is_running('PROCESSING')
    for state in ('SUCCEED', 'FAILED', 'BLOCKED', 'CANCELED', 'SOMETHING_NEW', None, ''):
        assert not client.is_running(state)


# -- IAM password authentication --------------------------------------------------------------------

IAM = 'https://iam.example.com'
IAM_TOKENS = IAM + '/v3/auth/tokens'


def iam_client(timer=None, **kwargs):
    return make_client(timer, auth=client.IamPasswordAuth('ops', 'pw-never-logged', 'acme', IAM + '/v3'), **kwargs)


def test_iam_token_is_fetched_once_and_sent_on_every_call(rsps):
    rsps.add(responses.POST, IAM_TOKENS, status=201, json={'token': {}}, headers={'X-Subject-Token': 'TOKEN-1'})
    rsps.add(responses.GET, JOB_URL, json={'state': 'PROCESSING'})
    rsps.add(responses.POST, STOP_URL, body='')
    api = iam_client()
    api.show_job(R, J)
    api.stop_job(R, J)
    assert [call.request.url for call in rsps.calls] == [IAM_TOKENS, JOB_URL, STOP_URL]
    body = json.loads(rsps.calls[0].request.body)
    assert body['auth']['identity']['methods'] == ['password']
    assert body['auth']['identity']['password']['user'] == {'name': 'ops', 'password': 'pw-never-logged', 'domain': {'name': 'acme'}}
    assert body['auth']['scope'] == {'project': {'id': P}}
    assert rsps.calls[0].request.headers['Host'] == 'iam.example.com'
    assert 'X-Auth-Token' not in rsps.calls[0].request.headers
    for call in rsps.calls[1:]:
        assert call.request.headers['X-Auth-Token'] == 'TOKEN-1'
        assert 'Authorization' not in call.request.headers


@pytest.mark.parametrize('error_code, error_msg', [
    ('APIG.0301', 'Incorrect IAM authentication information: token expires, expires_at: 2026-11-23T10:00:00Z'),
    ('APIG.0307', 'The token must be updated.'),
])
def test_expired_iam_token_is_refreshed_once(rsps, error_code, error_msg):
    rsps.add(responses.POST, IAM_TOKENS, status=201, json={'token': {}}, headers={'X-Subject-Token': 'TOKEN-1'})
    rsps.add(responses.GET, JOB_URL, status=401, json={'error_code': error_code, 'error_msg': error_msg, 'request_id': 'rid-401'})
    rsps.add(responses.POST, IAM_TOKENS, status=201, json={'token': {}}, headers={'X-Subject-Token': 'TOKEN-2'})
    rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'}, headers={'X-Request-Id': 'rid-ok'})
    timer = FakeTime()
    answer = iam_client(timer).show_job(R, J)
    assert answer.body == {'state': 'SUCCEED'}
    assert [call.request.headers.get('X-Auth-Token') for call in rsps.calls] == [None, 'TOKEN-1', None, 'TOKEN-2']
    assert timer.sleeps == []


def test_expired_iam_token_is_refreshed_only_once_per_call(rsps):
    expired = {'error_code': 'APIG.0307', 'error_msg': 'The token must be updated.'}
    rsps.add(responses.POST, IAM_TOKENS, status=201, json={'token': {}}, headers={'X-Subject-Token': 'TOKEN-1'})
    rsps.add(responses.GET, JOB_URL, status=401, json=expired)
    rsps.add(responses.POST, IAM_TOKENS, status=201, json={'token': {}}, headers={'X-Subject-Token': 'TOKEN-2'})
    rsps.add(responses.GET, JOB_URL, status=401, json=expired)
    with pytest.raises(client.MetaStudioError) as info:
        iam_client().show_job(R, J)
    assert info.value.status_code == 401
    assert info.value.error_code == 'APIG.0307'
    assert len(rsps.calls) == 4


def test_other_401_does_not_refresh_the_iam_token(rsps):
    rsps.add(responses.POST, IAM_TOKENS, status=201, json={'token': {}}, headers={'X-Subject-Token': 'TOKEN-1'})
    rsps.add(responses.GET, JOB_URL, status=401,
             json={'error_code': 'APIG.0301', 'error_msg': 'Incorrect IAM authentication information: decrypt token fail'})
    with pytest.raises(client.MetaStudioError):
        iam_client().show_job(R, J)
    assert len(rsps.calls) == 2


def test_iam_password_refused(rsps):
    rsps.add(responses.POST, IAM_TOKENS, status=401, headers={'X-IAM-Trace-Id': 'trace-1'},
             json={'error': {'code': 401, 'title': 'Unauthorized', 'message': 'The username or password is wrong.'}})
    with pytest.raises(client.MetaStudioError) as info:
        iam_client().show_job(R, J)
    error = info.value
    assert error.status_code == 401
    assert error.error_msg == 'The username or password is wrong.'
    assert error.request_id == 'trace-1'
    assert error.operation == 'KeystoneCreateUserTokenByPassword'
    assert 'pw-never-logged' not in error.msg
    assert len(rsps.calls) == 1


def test_iam_answer_without_token_header(rsps):
    rsps.add(responses.POST, IAM_TOKENS, status=201, json={'token': {}})
    with pytest.raises(client.MetaStudioError) as info:
        iam_client().show_job(R, J)
    assert 'X-Subject-Token' in info.value.msg


# -- secrets returned with a job ---------------------------------------------------------------------

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
    redacted = client.redact_job(job)
    text = json.dumps(redacted)
    assert 'rtc-signature-1' not in text and 'callback-key-1' not in text
    assert redacted['rtc_room_info']['users'][0]['signature'] == '********'
    assert redacted['rtc_room_info']['users'][0]['user_id'] == 'u1'
    assert redacted['rtc_room_info']['users'][1]['signature'] == ''
    assert redacted['live_event_callback_config']['key'] == '********'
    assert redacted['live_event_callback_config']['auth_type'] == 'MSS_A'
    assert (redacted['job_id'], redacted['state']) == (J, 'PROCESSING')
    assert json.dumps(job, sort_keys=True) == original


@pytest.mark.parametrize('job', [{}, {'rtc_room_info': None}, {'rtc_room_info': {'users': None}},
                                 {'live_event_callback_config': None}, {'live_event_callback_config': {'key': None}}])
def test_redact_job_leaves_jobs_without_secrets_alone(job):
    assert client.redact_job(job) == job


def test_missing_ca_path_is_refused_before_any_call(rsps, tmp_path):
    with pytest.raises(client.InvalidInputError) as info:
        make_client(ca_path=str(tmp_path / 'no-such-ca.pem'))
    assert 'ca_path' in info.value.msg
    assert len(rsps.calls) == 0


@pytest.mark.parametrize('rate_limit', [1e-12, 0.05, -1, 10000.5])
def test_rate_limit_out_of_range_is_refused(rate_limit):
    with pytest.raises(client.InvalidInputError) as info:
        make_client(rate_limit=rate_limit)
    assert 'rate_limit' in info.value.msg


@pytest.mark.parametrize('endpoint', ['http://[::1', 'http://[127.0.0.1]:80', 'https://127.0.0.1]:443'])
def test_malformed_endpoint_is_refused(endpoint):
    with pytest.raises(client.InvalidInputError) as info:
        make_client(endpoint=endpoint)
    assert 'endpoint' in info.value.msg


def test_get_answered_with_json_that_is_not_an_object(rsps):
    rsps.add(responses.GET, JOB_URL, json=['not', 'a', 'job'], headers={'X-Request-Id': 'rid-list'})
    with pytest.raises(client.MetaStudioError) as info:
        make_client().show_job(R, J)
    assert 'not an object' in info.value.msg
    assert info.value.request_id == 'rid-list'
