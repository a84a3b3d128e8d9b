# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""HTTP transport of the MetaStudio client: one pooled session, signing, retries by each operation's
declaration, error parsing and the record of request ids.

Internal to the metastudio.cloud collection; may change in any release.
It imports nothing from Ansible so that modules, plugins and tests can all use it.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import threading
import time
import traceback

try:
    import requests
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.metastudio.cloud.plugins.module_utils import signer
from ansible_collections.metastudio.cloud.plugins.module_utils._endpoint import host_header, validate_id
from ansible_collections.metastudio.cloud.plugins.module_utils._errors import (
    InvalidInputError,
    MetaStudioError,
    describe_failure,
    parse_error,
)
from ansible_collections.metastudio.cloud.plugins.module_utils._operations import OPERATIONS
from ansible_collections.metastudio.cloud.plugins.module_utils._ratelimit import RateLimiter, backoff_delay, retry_after_seconds

COLLECTION_VERSION = "1.0.0"
USER_AGENT = "ansible-metastudio.cloud/%s" % COLLECTION_VERSION

DEFAULT_TIMEOUT = 30
DEFAULT_RETRIES = 5
# The gateway's documented default limit is 200 calls per second per API.
DEFAULT_RATE_LIMIT = 200
# Slower than one call every ten seconds is a mistake, not a pace.
MIN_RATE_LIMIT = 0.1
RETRYABLE_STATUSES = (429, 500, 502, 503, 504)
# TLS failures that can only happen while the connection is set up (the CA bundle, the handshake, the
# certificate), before the request is sent.
HANDSHAKE_FAILURES = ("CERTIFICATE", "certificate", "X509", "PEM", "hostname", "WRONG_VERSION_NUMBER", "HANDSHAKE",
                      "handshake", "TLSV1_ALERT", "UNSUPPORTED_PROTOCOL", "NO_PROTOCOLS_AVAILABLE")
NOT_RESENT = " (it may have been applied, so it was not sent again: %s cannot be repeated safely)"


class ApiResponse(object):
    def __init__(self, status_code, body, request_id, headers=None):
        self.status_code = status_code
        self.body = body
        self.request_id = request_id
        self.headers = headers or {}


class Attempt(object):
    """What one send of a call ended with, and whether sending it again is allowed."""

    def __init__(self, error, retryable, retry_after=None):
        self.error = error
        self.retryable = retryable
        self.retry_after = retry_after


def check_settings(timeout, retries, rate_limit, app_user_id):
    if app_user_id is not None and (not app_user_id.strip() or app_user_id != app_user_id.strip()
                                    or any(ord(ch) < 32 or ord(ch) > 126 for ch in app_user_id)):
        raise InvalidInputError("app_user_id must be printable ASCII, with no control characters and no leading or trailing spaces")
    if timeout is None or not 0 < timeout <= 3600:
        raise InvalidInputError("timeout must be more than 0 and at most 3600 seconds, got %r" % timeout)
    if retries is None or not 0 <= retries <= 100:
        raise InvalidInputError("retries must be between 0 and 100, got %r" % retries)
    if rate_limit is not None and not (rate_limit == 0 or MIN_RATE_LIMIT <= rate_limit <= 10000):
        raise InvalidInputError("rate_limit must be 0 (no limit) or between %s and 10000 calls per second, got %r" % (
            MIN_RATE_LIMIT, rate_limit))


class Transport(object):
    """One session per module or plugin run: keep-alive, signing, retries and error parsing."""

    def __init__(self, project_id, auth, base_url, app_user_id=None, validate_certs=True, ca_path=None,
                 timeout=DEFAULT_TIMEOUT, retries=DEFAULT_RETRIES, pool_size=10, rate_limit=None,
                 sleep=time.sleep, clock=time.monotonic):
        if not HAS_REQUESTS:
            raise MetaStudioError("the Python library requests is required")
        check_settings(timeout, retries, rate_limit, app_user_id)
        if validate_certs and ca_path and not os.access(ca_path, os.R_OK):
            raise InvalidInputError("ca_path %s does not exist or cannot be read" % ca_path)
        self.project_id = validate_id("project_id", project_id)
        self.auth = auth
        self.base_url = base_url
        self.app_user_id = app_user_id
        self.timeout = timeout
        self.retries = retries
        self.sleep = sleep
        self.limiter = RateLimiter(rate_limit or None, clock=clock, sleep=sleep)
        self.request_ids = []
        self.calls = 0
        self.retried = 0
        self._lock = threading.Lock()
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max(10, pool_size), max_retries=0)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)

    def close(self):
        self.session.close()

    def _record(self, request_id):
        with self._lock:
            self.calls += 1
            if request_id:
                self.request_ids.append(request_id)

    def call(self, name, query=None, body=None, base_url=None, authenticate=True, **ids):
        """Send the operation ``name`` with retries as its declaration allows; return an ApiResponse or
        raise MetaStudioError. ``ids`` fill the path template (project_id is the transport's own)."""
        operation = OPERATIONS[name]
        path = operation.url_path(project_id=self.project_id, **ids)
        base_url = base_url or self.base_url
        query_string = signer.canonical_query(query or [])
        url = base_url + path + ("?" + query_string if query_string else "")
        payload = json.dumps(body).encode("utf-8") if body is not None else None
        maybe_applied = token_refreshed = False
        attempt = 0
        while True:
            headers = self._headers(base_url, authenticate)
            self.limiter.acquire(name)
            if authenticate:
                self.auth.apply(self, operation.method, path, query_string, headers, payload)
            outcome = self._send(operation, url, headers, payload, maybe_applied)
            if isinstance(outcome, ApiResponse):
                return outcome
            maybe_applied = outcome.error.maybe_applied
            if outcome.error.status_code == 401 and authenticate and not token_refreshed and self.auth.refreshable(outcome.error):
                # The token was invalidated or outlived its 24 hours: fetch a new one, once per call.
                token_refreshed = True
                self.auth.expire(headers.get("X-Auth-Token"))
                continue
            if not outcome.retryable or attempt >= self.retries:
                raise self._final_error(outcome)
            self._back_off(name, attempt, outcome)
            attempt += 1

    def _headers(self, base_url, authenticate):
        headers = {"Host": host_header(base_url), "Content-Type": "application/json", "User-Agent": USER_AGENT}
        if self.app_user_id and authenticate:
            headers["X-App-UserId"] = self.app_user_id
        return headers

    def _send(self, operation, url, headers, payload, maybe_applied):
        """One attempt: an ApiResponse on success, else an Attempt saying whether to retry."""
        try:
            # verify is passed explicitly: requests would let REQUESTS_CA_BUNDLE override the session's.
            response = self.session.request(operation.method, url, headers=headers, data=payload, timeout=self.timeout,
                                            allow_redirects=False, verify=self.verify)
        except requests.exceptions.RequestException as exc:
            self._record(None)
            return self._transport_failure(operation, exc, maybe_applied)
        if 200 <= response.status_code < 300:
            self.limiter.succeeded(operation.name)
            request_id = response.headers.get("X-Request-Id")
            self._record(request_id)
            return ApiResponse(response.status_code, _parse_success(response, operation), request_id, response.headers)
        if response.status_code < 400:
            return self._redirected(operation, response)
        error_code, error_msg, request_id = parse_error(response.headers, response.text)
        self._record(request_id)
        # Gateway throttling (429) never reached the service; a 5xx may have come after the work was done.
        sent = response.status_code >= 500
        error = MetaStudioError(
            describe_failure(operation.name, response.status_code, error_code, error_msg),
            status_code=response.status_code, error_code=error_code, error_msg=error_msg, request_id=request_id,
            operation=operation.name, maybe_applied=maybe_applied or sent)
        retryable = response.status_code in RETRYABLE_STATUSES and (operation.resendable or not sent)
        return Attempt(error, retryable, retry_after_seconds(response.headers.get("Retry-After")))

    def _redirected(self, operation, response):
        """A redirect is never followed (it could carry signed requests elsewhere), nor taken for success."""
        request_id = response.headers.get("X-Request-Id")
        self._record(request_id)
        error = MetaStudioError(
            "%s was answered HTTP %s, a redirect to %s, which is not followed: set endpoint to the API's own URL" % (
                operation.name, response.status_code, response.headers.get("Location") or "nowhere"),
            status_code=response.status_code, request_id=request_id, operation=operation.name)
        return Attempt(error, False)

    def _transport_failure(self, operation, exc, maybe_applied):
        sent = not _never_sent(exc)
        if isinstance(exc, requests.exceptions.SSLError) and not sent:
            msg = "%s: TLS verification of %s failed (%s); set ca_path to the CA bundle that signed its certificate" % (
                operation.name, self.base_url, _describe_transport_error(exc))
        elif isinstance(exc, requests.exceptions.Timeout):
            msg = "%s: no answer from %s within the timeout of %ss" % (operation.name, self.base_url, self.timeout)
        else:
            msg = "%s: connection to %s failed: %s" % (operation.name, self.base_url, _describe_transport_error(exc))
        error = MetaStudioError(msg, operation=operation.name, maybe_applied=maybe_applied or sent)
        broken_setup = isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.InvalidHeader)) or (
            isinstance(exc, requests.exceptions.SSLError) and not sent)
        return Attempt(error, not broken_setup and (operation.resendable or not sent))

    def _final_error(self, outcome):
        error = outcome.error
        operation = OPERATIONS[error.operation]
        if error.maybe_applied and not operation.resendable:
            return error.derive(msg=error.msg + NOT_RESENT % operation.name)
        if outcome.retryable and self.retries:
            return error.derive(msg=error.msg + " (gave up after %d retries)" % self.retries)
        return error

    def _back_off(self, name, attempt, outcome):
        delay = backoff_delay(attempt, outcome.retry_after)
        if outcome.error.status_code == 429:
            # Back off together: every thread calling this API waits, not just this one.
            self.limiter.throttled(name, delay)
        else:
            self.sleep(delay)
        with self._lock:
            self.retried += 1


def _parse_success(response, operation):
    if not response.content:
        return None
    try:
        body = response.json()
    except ValueError:
        if operation.method != "GET":
            # The call was carried out; an answer that is not JSON is not used.
            return None
        raise MetaStudioError(
            "%s answered HTTP %s with a body that is not JSON: %s" % (
                operation.name, response.status_code, " ".join(response.text.split())[:200]),
            status_code=response.status_code, request_id=response.headers.get("X-Request-Id"), operation=operation.name)
    if operation.method == "GET" and not isinstance(body, dict):
        raise MetaStudioError("%s answered HTTP %s with JSON that is not an object: %s" % (
            operation.name, response.status_code, " ".join(response.text.split())[:200]),
            status_code=response.status_code, request_id=response.headers.get("X-Request-Id"), operation=operation.name)
    return body


def _never_sent(exc):
    """True when the connection never opened, so the request cannot have reached the service."""
    text = repr(exc)
    if isinstance(exc, requests.exceptions.SSLError):
        # A certificate refused in the handshake stops the request before it is sent; a TLS error later on
        # (a corrupted record while the answer is read) may come after the service took the request.
        return any(marker in text for marker in HANDSHAKE_FAILURES)
    if isinstance(exc, (requests.exceptions.ConnectTimeout, requests.exceptions.InvalidURL, requests.exceptions.InvalidHeader)):
        return True
    return isinstance(exc, requests.exceptions.ConnectionError) and (
        "NewConnectionError" in text or "Connection refused" in text or "NameResolutionError" in text)


def _describe_transport_error(exc):
    """A short reason for a transport failure, without the long urllib3 repr chain."""
    text = str(exc)
    for marker in ("Connection refused", "Connection reset by peer", "Remote end closed connection",
                   "IncompleteRead", "Read timed out", "CERTIFICATE_VERIFY_FAILED", "Name or service not known"):
        if marker in text:
            return marker
    return text[:200]
