# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""No operation that may not be resent is ever sent twice.

Every operation of the OPERATIONS table meets every fault kind, so an operation added to the table is
covered without a new test. A fault after which the request may have reached the service (a 5xx, an
HTML error page, a connection reset or closed after the request went out, a read timeout, a body cut
short) ends a non-resendable call at once, with an error saying it may have been applied; a fault that
proves the request never reached the service (connection refused, DNS failure, connect timeout, 429 from
the gateway) is retried for every operation. Resendable operations are retried after any of them.

The faults are raised as requests raises them (urllib3's exceptions wrapped the same way), and the
main ones once more from real sockets on the loopback interface.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re
import socket
import ssl
import struct
import threading
from http.client import IncompleteRead, RemoteDisconnected

import pytest
import requests
import responses
from urllib3 import HTTPSConnectionPool
from urllib3.connection import HTTPSConnection
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

from ansible_collections.metastudio.cloud.plugins.module_utils._errors import MetaStudioError
from ansible_collections.metastudio.cloud.plugins.module_utils._operations import OPERATIONS
from ansible_collections.metastudio.cloud.tests.unit.fakes import BASE, HOST, J, P, R, FakeTime, make_transport

NEVER_TWICE = ('StartSmartLive', 'CreateSmartLiveRoom', 'ExecuteSmartLiveCommand')
RETRIED_AS_BEFORE = ('StopSmartLive', 'ShowSmartLive', 'UpdateSmartLiveRoom', 'DeleteSmartLiveRoom')
RETRIES = 3
SUCCESS_REQUEST_ID = 'rid-success'
_CONNECTION = HTTPSConnection(HOST, 443)
_POOL = HTTPSConnectionPool(HOST, 443)


def _refused():
    return requests.exceptions.ConnectionError(MaxRetryError(_POOL, '/', NewConnectionError(
        _CONNECTION, 'Failed to establish a new connection: [Errno 111] Connection refused')))


def _dns_failure():
    return requests.exceptions.ConnectionError(MaxRetryError(_POOL, '/', NameResolutionError(
        HOST, _CONNECTION, socket.gaierror(-2, 'Name or service not known'))))


def _connect_timeout():
    return requests.exceptions.ConnectTimeout(MaxRetryError(_POOL, '/', ConnectTimeoutError(
        _CONNECTION, 'Connection to %s timed out. (connect timeout=30)' % HOST)))


def _reset_after_send():
    return requests.exceptions.ConnectionError(ProtocolError(
        'Connection aborted.', ConnectionResetError(104, 'Connection reset by peer')))


def _closed_without_answer():
    return requests.exceptions.ConnectionError(ProtocolError(
        'Connection aborted.', RemoteDisconnected('Remote end closed connection without response')))


def _read_timeout():
    return requests.exceptions.ReadTimeout(ReadTimeoutError(_POOL, '/', 'Read timed out. (read timeout=30)'))


def _body_cut_short():
    return requests.exceptions.ChunkedEncodingError(ProtocolError(
        'Connection broken: IncompleteRead(10 bytes read, 90 more expected)', IncompleteRead(b'x' * 10, 90)))


BAD_GATEWAY_PAGE = '<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>'
# Each fault: how responses answers the request.
MAYBE_REACHED = {
    '500': dict(status=500, json={'error_code': 'MSS.00000004', 'error_msg': 'Internal Error'},
                headers={'X-Request-Id': 'rid-fault'}),
    '502': dict(status=502, json={'error_code': 'APIG.0201', 'error_msg': 'Backend unavailable'},
                headers={'X-Request-Id': 'rid-fault'}),
    '502-html-page': dict(status=502, body=BAD_GATEWAY_PAGE, content_type='text/html'),
    '503': dict(status=503, headers={'X-Request-Id': 'rid-fault'}),
    '504': dict(status=504, body='Gateway Timeout', content_type='text/plain'),
    'connection-reset-after-send': dict(body=_reset_after_send()),
    'closed-without-answer': dict(body=_closed_without_answer()),
    'read-timeout': dict(body=_read_timeout()),
    'body-cut-short': dict(body=_body_cut_short()),
}
NEVER_REACHED = {
    'connection-refused': dict(body=_refused()),
    'dns-failure': dict(body=_dns_failure()),
    'connect-timeout': dict(body=_connect_timeout()),
    '429-from-gateway': dict(status=429, json={'error_code': 'APIG.0308', 'error_msg': 'The request is throttled.'},
                             headers={'Retry-After': '1'}),
}
IDS = dict(room_id=R, job_id=J)


def operations(resendable):
    return [pytest.param(operation, id=operation.name) for operation in OPERATIONS.values()
            if operation.resendable is resendable]


def faults(table):
    return [pytest.param(answer, id=name) for name, answer in table.items()]


def url_of(operation):
    return BASE + operation.url_path(project_id=P, **IDS)


def send(operation, answers, timer=None):
    """Call ``operation`` with each of ``answers`` given in turn (the last repeats); return
    (transport, the requests that went out, the response or the error raised)."""
    transport = make_transport(timer or FakeTime(), retries=RETRIES)
    url = re.compile('^' + re.escape(url_of(operation)) + r'(\?.*)?$')
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for answer in answers:
            mock.add(operation.method, url, **answer)
        try:
            outcome = transport.call(operation.name, body={} if operation.method in ('POST', 'PUT') else None,
                                     authenticate=operation.service == 'metastudio', **IDS)
        except MetaStudioError as error:
            outcome = error
        sent = list(mock.calls)
    transport.close()
    return transport, sent, outcome


SUCCESS = dict(status=200, json={}, headers={'X-Request-Id': SUCCESS_REQUEST_ID})


def success_for(operation):
    return dict(SUCCESS, status=operation.success[0])


def test_the_table_says_which_operations_may_be_resent():
    assert set(NEVER_TWICE) <= set(operation.name for operation in OPERATIONS.values() if not operation.resendable)
    assert set(RETRIED_AS_BEFORE) <= set(operation.name for operation in OPERATIONS.values() if operation.resendable)


@pytest.mark.parametrize('answer', faults(MAYBE_REACHED))
@pytest.mark.parametrize('operation', operations(resendable=False))
def test_non_resendable_operation_is_sent_once_when_it_may_have_reached_the_service(operation, answer):
    timer = FakeTime()
    transport, sent, error = send(operation, [answer, success_for(operation)], timer)
    assert len(sent) == 1
    assert isinstance(error, MetaStudioError)
    assert error.maybe_applied is True
    assert error.operation == operation.name
    assert 'may have been applied' in error.msg
    assert '%s cannot be repeated safely' % operation.name in error.msg
    assert 'gave up' not in error.msg
    assert transport.retried == 0
    assert timer.sleeps == []
    # The request id is that of the failed call: none when no answer came.
    assert error.request_id == (answer.get('headers') or {}).get('X-Request-Id')


@pytest.mark.parametrize('later', faults(MAYBE_REACHED))
@pytest.mark.parametrize('first', faults(NEVER_REACHED))
@pytest.mark.parametrize('operation', operations(resendable=False))
def test_non_resendable_operation_is_resent_only_while_it_never_reached_the_service(operation, first, later):
    transport, sent, error = send(operation, [first, later, success_for(operation)])
    assert len(sent) == 2
    assert isinstance(error, MetaStudioError)
    assert error.maybe_applied is True
    assert 'may have been applied' in error.msg


@pytest.mark.parametrize('answer', faults(NEVER_REACHED))
@pytest.mark.parametrize('operation', operations(resendable=False))
def test_non_resendable_operation_that_never_got_through_gives_up_without_maybe(operation, answer):
    transport, sent, error = send(operation, [answer])
    assert len(sent) == RETRIES + 1
    assert isinstance(error, MetaStudioError)
    assert error.maybe_applied is False
    assert 'may have been applied' not in error.msg
    assert 'gave up after %d retries' % RETRIES in error.msg


def retried_pairs():
    """Every operation with each fault it is retried after: a fault that never reached the service for all,
    any fault for those that may be resent."""
    return [pytest.param(operation, answer, id='%s-%s' % (operation.name, fault))
            for operation in OPERATIONS.values()
            for fault, answer in sorted(dict(NEVER_REACHED, **(MAYBE_REACHED if operation.resendable else {})).items())]


@pytest.mark.parametrize('operation, answer', retried_pairs())
def test_operation_is_retried_after_a_fault_its_declaration_allows(operation, answer):
    transport, sent, response = send(operation, [answer, answer, success_for(operation)])
    assert len(sent) == 3
    assert not isinstance(response, MetaStudioError), response
    assert response.request_id == SUCCESS_REQUEST_ID
    assert transport.retried == 2


@pytest.mark.parametrize('answer', faults(MAYBE_REACHED))
@pytest.mark.parametrize('operation', operations(resendable=True))
def test_resendable_operation_gives_up_after_the_retries(operation, answer):
    transport, sent, error = send(operation, [answer])
    assert len(sent) == RETRIES + 1
    assert error.maybe_applied is True
    assert 'gave up after %d retries' % RETRIES in error.msg
    assert 'may have been applied' not in error.msg


@pytest.mark.parametrize('status', [400, 401, 403, 404, 409])
@pytest.mark.parametrize('operation', operations(resendable=False))
def test_non_resendable_operation_refused_by_the_api_is_not_sent_again(operation, status):
    answer = dict(status=status, json={'error_code': 'MSS.00000003', 'error_msg': 'no'}, headers={'X-Request-Id': 'rid-no'})
    transport, sent, error = send(operation, [answer, success_for(operation)])
    assert len(sent) == 1
    assert error.maybe_applied is False
    assert error.request_id == 'rid-no'
    assert 'may have been applied' not in error.msg


@pytest.mark.parametrize('operation', operations(resendable=False))
def test_tls_failure_after_the_request_went_out_may_have_been_applied(operation):
    # A corrupted TLS record while the answer is read: the handshake was done and the request sent.
    bad_record = requests.exceptions.SSLError(MaxRetryError(_POOL, '/', SSLError(ssl.SSLError(
        1, '[SSL: DECRYPTION_FAILED_OR_BAD_RECORD_MAC] decryption failed or bad record mac (_ssl.c:2580)'))))
    transport, sent, error = send(operation, [dict(body=bad_record), success_for(operation)])
    assert len(sent) == 1
    assert error.maybe_applied is True
    assert 'may have been applied' in error.msg


# -- the same faults from real sockets on the loopback interface --------------------------------------

class MisbehavingServer(object):
    """Listens on 127.0.0.1, reads each request whole, then resets the connection, closes it without an
    answer, or never answers; counts the requests it read."""

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.requests = 0
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(('127.0.0.1', 0))
        self.listener.listen(8)
        self.url = 'http://127.0.0.1:%d' % self.listener.getsockname()[1]
        self.held = []
        self.thread = threading.Thread(target=self._serve)
        self.thread.daemon = True

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.listener.close()
        for connection in self.held:
            connection.close()

    def _serve(self):
        while True:
            try:
                connection, dummy = self.listener.accept()
            except OSError:
                return
            _read_request(connection)
            self.requests += 1
            if self.behaviour == 'reset':
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
                connection.close()
            elif self.behaviour == 'close':
                connection.close()
            else:
                self.held.append(connection)


def _read_request(connection):
    data = b''
    while b'\r\n\r\n' not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return
        data += chunk
    head, body = data.split(b'\r\n\r\n', 1)
    length = re.search(br'(?im)^content-length:\s*(\d+)', head)
    while length and len(body) < int(length.group(1)):
        body += connection.recv(65536)


def closed_port():
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(('127.0.0.1', 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def loopback_call(name, endpoint, timeout=5):
    operation = OPERATIONS[name]
    transport = make_transport(endpoint=endpoint, retries=2, timeout=timeout)
    try:
        transport.call(name, body={} if operation.method in ('POST', 'PUT') else None, **IDS)
    except MetaStudioError as error:
        return transport, error
    finally:
        transport.close()
    raise AssertionError('%s did not fail' % name)


@pytest.mark.parametrize('behaviour, timeout', [('reset', 5), ('close', 5), ('silent', 0.3)])
@pytest.mark.parametrize('name, sends', [(name, 1) for name in NEVER_TWICE] + [('ShowSmartLive', 3), ('StopSmartLive', 3)])
def test_loopback_faults_after_the_request_went_out(name, sends, behaviour, timeout):
    with MisbehavingServer(behaviour) as server:
        dummy, error = loopback_call(name, server.url, timeout)
    assert server.requests == sends
    assert error.maybe_applied is True
    assert ('may have been applied' in error.msg) is (sends == 1)


@pytest.mark.parametrize('name', NEVER_TWICE + ('ShowSmartLive',))
def test_loopback_connection_refused_is_retried(name):
    transport, error = loopback_call(name, 'http://127.0.0.1:%d' % closed_port())
    assert transport.calls == 3
    assert error.maybe_applied is False
    assert 'Connection refused' in error.msg
    assert 'gave up after 2 retries' in error.msg


@pytest.mark.parametrize('name', NEVER_TWICE + ('ShowSmartLive',))
def test_dns_failure_from_the_resolver_is_retried(monkeypatch, name):
    def no_such_host(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, 'Name or service not known')

    monkeypatch.setattr(socket, 'getaddrinfo', no_such_host)
    transport, error = loopback_call(name, 'http://metastudio.invalid')
    assert transport.calls == 3
    assert error.maybe_applied is False
    assert 'may have been applied' not in error.msg
