# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of _auth: the IAM password login, its token refresh, and the other methods' settings.

How access keys sign and how a token is sent are checked on the wire in test_transport.py.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json

import pytest
import responses

from ansible_collections.metastudio.cloud.plugins.module_utils._auth import (
    AkSkAuth,
    IamPasswordAuth,
    TokenAuth,
    token_expired,
)
from ansible_collections.metastudio.cloud.plugins.module_utils._errors import InvalidInputError, MetaStudioError
from ansible_collections.metastudio.cloud.plugins.module_utils._live_api import show_job, stop_job
from ansible_collections.metastudio.cloud.tests.unit.fakes import J, JOB_URL, P, R, STOP_URL, FakeTime, make_transport

IAM = 'https://iam.example.com'
IAM_TOKENS = IAM + '/v3/auth/tokens'
EXPIRED = {'error_code': 'APIG.0307', 'error_msg': 'The token must be updated.'}


def iam_transport(timer=None, **kwargs):
    return make_transport(timer, auth=IamPasswordAuth('ops', 'pw-never-logged', 'acme', IAM + '/v3'), **kwargs)


def add_token(rsps, token):
    rsps.add(responses.POST, IAM_TOKENS, status=201, json={'token': {}}, headers={'X-Subject-Token': token})


def test_iam_token_is_fetched_once_and_sent_on_every_call(rsps):
    add_token(rsps, 'TOKEN-1')
    rsps.add(responses.GET, JOB_URL, json={'state': 'PROCESSING'})
    rsps.add(responses.POST, STOP_URL, body='')
    transport = iam_transport()
    show_job(transport, R, J)
    stop_job(transport, R, J)
    assert [call.request.url for call in rsps.calls] == [IAM_TOKENS, JOB_URL, STOP_URL]
    body = json.loads(rsps.calls[0].request.body)
    assert body['auth']['identity']['methods'] == ['password']
    assert body['auth']['identity']['password']['user'] == {'name': 'ops', 'password': 'pw-never-logged', 'domain': {'name': 'acme'}}
    assert body['auth']['scope'] == {'project': {'id': P}}
    assert rsps.calls[0].request.headers['Host'] == 'iam.example.com'
    assert 'X-Auth-Token' not in rsps.calls[0].request.headers
    assert 'Authorization' not in rsps.calls[0].request.headers
    for call in rsps.calls[1:]:
        assert call.request.headers['X-Auth-Token'] == 'TOKEN-1'
        assert 'Authorization' not in call.request.headers


@pytest.mark.parametrize('error_code, error_msg', [
    ('APIG.0301', 'Incorrect IAM authentication information: token expires, expires_at: 2026-11-23T10:00:00Z'),
    ('APIG.0307', 'The token must be updated.'),
])
def test_expired_iam_token_is_refreshed_once(rsps, error_code, error_msg):
    add_token(rsps, 'TOKEN-1')
    rsps.add(responses.GET, JOB_URL, status=401, json={'error_code': error_code, 'error_msg': error_msg, 'request_id': 'rid-401'})
    add_token(rsps, 'TOKEN-2')
    rsps.add(responses.GET, JOB_URL, json={'state': 'SUCCEED'}, headers={'X-Request-Id': 'rid-ok'})
    rsps.add(responses.POST, STOP_URL, body='')
    timer = FakeTime()
    transport = iam_transport(timer)
    answer = show_job(transport, R, J)
    assert answer.body == {'state': 'SUCCEED'}
    assert answer.request_id == 'rid-ok'
    # The new token serves the following calls too.
    stop_job(transport, R, J)
    assert [call.request.headers.get('X-Auth-Token') for call in rsps.calls] == [None, 'TOKEN-1', None, 'TOKEN-2', 'TOKEN-2']
    assert timer.sleeps == []


def test_expired_iam_token_is_refreshed_only_once_per_call(rsps):
    add_token(rsps, 'TOKEN-1')
    rsps.add(responses.GET, JOB_URL, status=401, json=EXPIRED)
    add_token(rsps, 'TOKEN-2')
    rsps.add(responses.GET, JOB_URL, status=401, json=EXPIRED, headers={'X-Request-Id': 'rid-second-401'})
    with pytest.raises(MetaStudioError) as info:
        show_job(iam_transport(), R, J)
    assert info.value.status_code == 401
    assert info.value.error_code == 'APIG.0307'
    assert info.value.request_id == 'rid-second-401'
    assert len(rsps.calls) == 4


def test_other_401_does_not_refresh_the_iam_token(rsps):
    add_token(rsps, 'TOKEN-1')
    rsps.add(responses.GET, JOB_URL, status=401,
             json={'error_code': 'APIG.0301', 'error_msg': 'Incorrect IAM authentication information: decrypt token fail'})
    with pytest.raises(MetaStudioError):
        show_job(iam_transport(), R, J)
    assert len(rsps.calls) == 2


@pytest.mark.parametrize('auth', [AkSkAuth('AK', 'SK'), TokenAuth('TOKEN')])
def test_other_methods_never_refresh(rsps, auth):
    rsps.add(responses.GET, JOB_URL, status=401, json=EXPIRED)
    with pytest.raises(MetaStudioError):
        show_job(make_transport(auth=auth), R, J)
    assert len(rsps.calls) == 1
    assert auth.refreshable(MetaStudioError('m', status_code=401, **dict(EXPIRED))) is False


def test_iam_password_refused(rsps):
    rsps.add(responses.POST, IAM_TOKENS, status=401, headers={'X-IAM-Trace-Id': 'trace-1'},
             json={'error': {'code': 401, 'title': 'Unauthorized', 'message': 'The username or password is wrong.'}})
    with pytest.raises(MetaStudioError) as info:
        show_job(iam_transport(), R, J)
    error = info.value
    assert error.status_code == 401
    assert error.error_msg == 'The username or password is wrong.'
    assert error.request_id == 'trace-1'
    assert error.operation == 'KeystoneCreateUserTokenByPassword'
    assert error.msg == 'KeystoneCreateUserTokenByPassword failed with HTTP 401: The username or password is wrong.'
    assert 'pw-never-logged' not in error.msg
    assert len(rsps.calls) == 1


def test_iam_answer_without_token_header(rsps):
    rsps.add(responses.POST, IAM_TOKENS, status=201, json={'token': {}}, headers={'X-Request-Id': 'rid-iam'})
    with pytest.raises(MetaStudioError) as info:
        show_job(iam_transport(), R, J)
    assert 'X-Subject-Token' in info.value.msg
    assert info.value.request_id == 'rid-iam'
    assert len(rsps.calls) == 1


@pytest.mark.parametrize('endpoint, url', [
    (None, 'https://iam.myhuaweicloud.com'),
    ('https://iam.cn-north-4.myhuaweicloud.com/v3', 'https://iam.cn-north-4.myhuaweicloud.com'),
    ('https://iam.example.com/v3/', 'https://iam.example.com'),
    ('https://iam.example.com/', 'https://iam.example.com'),
])
def test_iam_endpoint(endpoint, url):
    auth = IamPasswordAuth('ops', 'pw', 'acme', endpoint)
    assert auth.kind == 'iam'
    assert auth.iam_url == url
    assert (auth.username, auth.password, auth.domain_name, auth.token) == ('ops', 'pw', 'acme', None)


@pytest.mark.parametrize('endpoint', ['iam.myhuaweicloud.com', 'https://iam.example.com/v2', 'https://user@iam.example.com'])
def test_iam_endpoint_refused(endpoint):
    with pytest.raises(InvalidInputError) as info:
        IamPasswordAuth('ops', 'pw', 'acme', endpoint)
    assert 'iam_endpoint' in info.value.msg


@pytest.mark.parametrize('error_code, error_msg, expired', [
    ('APIG.0307', None, True),
    ('APIGW.0307', 'x', True),
    ('APIG.0301', 'Incorrect IAM authentication information: token expires, expires_at: x', True),
    (None, 'The Token Must Be Updated.', True),
    ('APIG.0301', 'Incorrect IAM authentication information: decrypt token fail', False),
    ('APIG.0301', None, False),
    (None, None, False),
])
def test_token_expired(error_code, error_msg, expired):
    assert token_expired(error_code, error_msg) is expired
