# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of _errors: MetaStudioError, how error bodies are read and how failures are described."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json

import pytest
import requests

from ansible_collections.metastudio.cloud.plugins.module_utils._errors import (
    InvalidInputError,
    MetaStudioError,
    describe_failure,
    parse_error,
)
from ansible_collections.metastudio.cloud.tests.unit.fakes import MSS_STATE

APIG_SIGNATURE = 'Incorrect IAM authentication information: verify aksk signature fail'


# -- parse_error ------------------------------------------------------------------------------------

@pytest.mark.parametrize('headers, text, expected', [
    ({'X-Request-Id': 'rid-1'}, json.dumps(MSS_STATE), ('MSS.20020001', MSS_STATE['error_msg'], 'rid-1')),
    ({}, json.dumps({'error_code': 'APIG.0301', 'error_msg': APIG_SIGNATURE, 'request_id': 'body-rid'}),
     ('APIG.0301', APIG_SIGNATURE, 'body-rid')),
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
    # Headers as requests gives them (case-insensitive), and as a plain dict, whose names must match exactly.
    if 'x-request-id' not in headers:
        assert parse_error(dict(headers), text) == expected
    assert parse_error(requests.structures.CaseInsensitiveDict(headers), text) == expected


def test_parse_error_html_page_keeps_the_title():
    page = '<html><head>\n<TITLE>502  Bad\n Gateway</TITLE></head><body><center>nginx secret detail</center></body></html>'
    error_code, error_msg, request_id = parse_error({}, page)
    assert error_code is None
    assert error_msg == 'non-JSON response: 502 Bad Gateway'
    assert request_id is None


@pytest.mark.parametrize('text', ['{"error_code":', 'Service Unavailable', '<html><body>Bad Gateway</body></html>'])
def test_parse_error_non_json_text(text):
    error_code, error_msg, request_id = parse_error({'X-Request-Id': 'r'}, text)
    assert error_code is None
    assert error_msg == 'non-JSON response: ' + text
    assert request_id == 'r'


def test_parse_error_snippet_is_short_and_on_one_line():
    error_msg = parse_error({}, 'word\n\t' * 200)[1]
    assert error_msg.startswith('non-JSON response: word word')
    assert '\n' not in error_msg
    assert len(error_msg) == len('non-JSON response: ') + 200


def test_parse_error_json_without_message_is_not_called_non_json():
    error_msg = parse_error({}, json.dumps({'error_code': 'APIG.0101'}))[1]
    assert 'non-JSON' not in (error_msg or '')


# -- describe_failure -------------------------------------------------------------------------------

@pytest.mark.parametrize('status, code, message, expected', [
    (400, 'MSS.20020001', 'no', 'StopSmartLive failed with HTTP 400 MSS.20020001: no'),
    # A code that only repeats the status (IAM's {"error": {"code": 401}}) is not said twice.
    (401, '401', 'The username or password is wrong.', 'StopSmartLive failed with HTTP 401: The username or password is wrong.'),
    (404, None, None, 'StopSmartLive failed with HTTP 404'),
    (503, None, 'non-JSON response: Service Unavailable', 'StopSmartLive failed with HTTP 503: non-JSON response: Service Unavailable'),
    (500, '500', None, 'StopSmartLive failed with HTTP 500'),
])
def test_describe_failure(status, code, message, expected):
    text = describe_failure('StopSmartLive', status, code, message)
    assert text == expected
    assert not text.endswith('None')
    assert 'HTTP %s %s' % (status, status) not in text


# -- MetaStudioError --------------------------------------------------------------------------------

def full_error(**extra):
    return MetaStudioError('StopSmartLive failed with HTTP 503', status_code=503, error_code='MSS.00000004',
                           error_msg='Internal Error', request_id='rid-503', operation='StopSmartLive',
                           maybe_applied=True, **extra)


def test_error_carries_its_result_from_construction():
    error = full_error(result=dict(changed=True, job_id='j'))
    assert str(error) == error.msg
    assert error.result == dict(changed=True, job_id='j')
    assert full_error().result == {}


def test_to_result_puts_the_failure_over_the_facts():
    error = full_error(result=dict(changed=True, msg='old', request_id='rid-stop'))
    assert error.to_result() == dict(changed=True, msg=error.msg, status_code=503, error_code='MSS.00000004',
                                     error_msg='Internal Error', request_id='rid-503')


def test_given_result_is_copied():
    facts = dict(changed=True)
    error = full_error(result=facts)
    facts['changed'] = False
    assert error.result == dict(changed=True)


@pytest.mark.parametrize('cls', [MetaStudioError, InvalidInputError])
def test_derive_makes_a_new_error_and_leaves_the_first_alone(cls):
    error = cls('first', status_code=400, error_code='E', error_msg='m', request_id='rid', operation='ShowSmartLive',
                maybe_applied=True, result=dict(a=1))
    derived = error.derive(msg='second', result=dict(b=2))
    assert derived is not error
    assert derived.__class__ is cls
    assert (derived.msg, derived.result) == ('second', dict(b=2))
    assert (derived.status_code, derived.error_code, derived.error_msg, derived.request_id, derived.operation,
            derived.maybe_applied) == (400, 'E', 'm', 'rid', 'ShowSmartLive', True)
    assert (error.msg, error.result) == ('first', dict(a=1))
    assert error.derive().msg == 'first'
    assert error.derive().result == dict(a=1)
    assert error.derive(msg='x').result == dict(a=1)


def test_invalid_input_is_a_metastudio_error():
    error = InvalidInputError('bad')
    assert isinstance(error, MetaStudioError)
    assert error.to_result() == dict(msg='bad', status_code=None, error_code=None, error_msg=None, request_id=None)


@pytest.mark.parametrize('status, code, not_found', [
    (400, 'MSS.00000003', True),
    (404, None, True),
    (404, 'MSS.00000003', True),
    (404, 'APIG.0101', False),
    (404, 'APIGW.0101', False),
    (400, 'MSS.20020001', False),
    (400, None, False),
    (500, 'MSS.00000003', False),
    (None, None, False),
])
def test_not_found(status, code, not_found):
    assert MetaStudioError('m', status_code=status, error_code=code).not_found is not_found
