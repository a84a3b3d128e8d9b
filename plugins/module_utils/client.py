# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""HTTP client for the MetaStudio smart-live API.

Internal to the metastudio.cloud collection; may change in any release.
It imports nothing from Ansible so that it can be unit-tested and reused on its own.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import random
import re
import threading
import time
import traceback
from email.utils import parsedate_to_datetime
from urllib.parse import quote, urlsplit

try:
    import requests
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.metastudio.cloud.plugins.module_utils import signer

COLLECTION_VERSION = "1.0.0"
USER_AGENT = "ansible-metastudio.cloud/%s" % COLLECTION_VERSION

DEFAULT_REGION = "cn-north-4"
DEFAULT_TIMEOUT = 30
DEFAULT_RETRIES = 5
# The gateway's documented default limit is 200 calls per second per API.
DEFAULT_RATE_LIMIT = 200
# Slower than one call every ten seconds is a mistake, not a pace.
MIN_RATE_LIMIT = 0.1

RUNNING_STATES = ("WAITING", "PROCESSING")
TERMINAL_STATES = ("SUCCEED", "FAILED", "BLOCKED", "CANCELED")
STATE_NOT_ALLOWED = "MSS.20020001"
RETRYABLE_STATUSES = (429, 500, 502, 503, 504)
# Answers from the gateway itself (throttling) never reached the service.
NOT_APPLIED_STATUSES = (429,)

ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
REGION_PATTERN = re.compile(r"^[a-z]{2,}(-[a-z0-9]+){1,4}$")
HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def is_running(state):
    """True when a job in ``state`` can still be stopped. Unknown values count as ended."""
    return state in RUNNING_STATES


class MetaStudioError(Exception):
    """Any failure of a MetaStudio call, with what the API said about it."""

    def __init__(self, msg, status_code=None, error_code=None, error_msg=None, request_id=None,
                 operation=None, maybe_applied=False):
        super(MetaStudioError, self).__init__(msg)
        self.msg = msg
        self.status_code = status_code
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id
        self.operation = operation
        # True when an attempt of this call may have reached the service and taken effect.
        self.maybe_applied = maybe_applied
        # Facts gathered before the failure (for example changed=True after a stop), for the module result.
        self.result = {}

    def to_result(self):
        return dict(msg=self.msg, status_code=self.status_code, error_code=self.error_code,
                    error_msg=self.error_msg, request_id=self.request_id)


class InvalidInputError(MetaStudioError):
    """Input refused before any request was sent."""


class ApiResponse(object):
    def __init__(self, status_code, body, request_id, maybe_applied_before=False, headers=None):
        self.status_code = status_code
        self.body = body
        self.request_id = request_id
        self.headers = headers or {}
        # An earlier, failed attempt of this same call may already have taken effect.
        self.maybe_applied_before = maybe_applied_before


REDACTED = "********"


def redact_job(job):
    """A copy of a job without the secrets the API returns with it, for module results.

    RTC user signatures let anyone join the job's RTC room, and the live-event callback key signs
    callbacks: neither belongs in logs or registered variables.
    """
    job = dict(job)
    rtc = job.get("rtc_room_info")
    if isinstance(rtc, dict) and isinstance(rtc.get("users"), list):
        users = [dict(user, signature=REDACTED) if isinstance(user, dict) and user.get("signature") else user
                 for user in rtc["users"]]
        job["rtc_room_info"] = dict(rtc, users=users)
    callback = job.get("live_event_callback_config")
    if isinstance(callback, dict) and callback.get("key"):
        job["live_event_callback_config"] = dict(callback, key=REDACTED)
    return job


def validate_id(name, value):
    """Refuse ids that could change the URL; real ids are 32 hex characters."""
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise InvalidInputError(
            "%s %r is not a valid MetaStudio id: use 1 to 128 letters, digits, '-' or '_'" % (name, value))
    return value


def _base_url(name, url, allowed_paths=("", "/")):
    """scheme://host[:port] of ``url``, refusing anything that could redirect or widen the calls."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        raise InvalidInputError("%s %r is not a valid URL" % (name, url))
    if parts.scheme not in ("http", "https") or not hostname:
        raise InvalidInputError("%s %r must be an http:// or https:// URL with a host name" % (name, url))
    if parts.path not in allowed_paths or parts.query or parts.fragment or "@" in parts.netloc:
        raise InvalidInputError("%s %r must hold only a scheme, a host and an optional port" % (name, url))
    try:
        parts.port
    except ValueError:
        raise InvalidInputError("%s %r has an invalid port" % (name, url))
    return "%s://%s" % (parts.scheme, parts.netloc)


def build_endpoint(region=None, endpoint=None):
    """The base URL: ``endpoint`` when given, else the public endpoint of ``region``."""
    if endpoint:
        return _base_url("endpoint", endpoint)
    region = region or DEFAULT_REGION
    if not isinstance(region, str) or not REGION_PATTERN.fullmatch(region):
        raise InvalidInputError("region %r is not a valid Huawei Cloud region name such as cn-north-4" % region)
    domain = "myhuaweicloud.eu" if region.startswith("eu-west-1") else "myhuaweicloud.com"
    return "https://metastudio.%s.%s" % (region, domain)


def parse_error(status_code, headers, text):
    """(error_code, error_msg, request_id) from an MSS, APIG, IAM or non-JSON error body."""
    request_id = headers.get("X-Request-Id") or headers.get("x-request-id")
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    error_code = error_msg = None
    if isinstance(body, dict):
        for code_key, msg_key in (("error_code", "error_msg"), ("errorCode", "errorMsg"), ("code", "message")):
            if code_key in body or msg_key in body:
                error_code, error_msg = body.get(code_key), body.get(msg_key)
                break
        else:
            nested = [value for value in body.values() if isinstance(value, dict)]
            if nested:
                inner = nested[0]
                error_code = inner.get("error_code", inner.get("code"))
                error_msg = inner.get("error_msg", inner.get("message"))
        request_id = request_id or body.get("request_id")
    if error_code is not None:
        error_code = str(error_code)
    if error_msg is None and text and not isinstance(body, dict):
        title = HTML_TITLE.search(text)
        snippet = title.group(1) if title else text
        error_msg = "non-JSON response: %s" % " ".join(snippet.split())[:200]
    return error_code, error_msg, request_id or headers.get("X-IAM-Trace-Id")


def retry_after_seconds(value):
    """Seconds from a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def backoff_delay(attempt, retry_after=None, base=0.5, cap=30.0, rand=random.random):
    """Exponential backoff with equal jitter; Retry-After wins when the server sent one."""
    if retry_after is not None:
        return min(retry_after, cap)
    ceiling = min(cap, base * (2 ** attempt))
    return ceiling / 2 + rand() * ceiling / 2


class RateLimiter(object):
    """Client-side pacing per API, shared by every thread of a module run.

    Each API (operation) gets a token bucket of ``rate`` calls per second. A 429 from the gateway pauses
    every caller of that API together and halves its rate; successes raise it back step by step, so a
    fleet of concurrent calls settles just under whatever limit the account really has.
    """

    def __init__(self, rate=None, clock=time.monotonic, sleep=time.sleep):
        self.max_rate = rate
        self.clock = clock
        self.sleep = sleep
        self._lock = threading.Lock()
        self._apis = {}

    def _api(self, operation):
        api = self._apis.get(operation)
        if api is None:
            api = self._apis[operation] = dict(rate=self.max_rate, next_slot=0.0, paused_until=0.0)
        return api

    def acquire(self, operation):
        """Block until ``operation`` may be called; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                api = self._api(operation)
                now = self.clock()
                start = max(now, api["paused_until"])
                if api["rate"]:
                    start = max(start, api["next_slot"])
                    if start <= now:
                        # At most half a second of burst, so the rest of the gateway's bucket absorbs jitter.
                        api["next_slot"] = max(api["next_slot"], now - 0.5) + 1.0 / api["rate"]
                        return waited
                elif start <= now:
                    return waited
            delay = start - now
            self.sleep(delay)
            waited += delay

    def throttled(self, operation, delay):
        """The gateway said 429: every caller of ``operation`` waits ``delay``, and the rate is halved."""
        with self._lock:
            api = self._api(operation)
            api["paused_until"] = max(api["paused_until"], self.clock() + delay)
            if api["rate"]:
                api["rate"] = max(1.0, api["rate"] / 2)

    def succeeded(self, operation):
        with self._lock:
            api = self._api(operation)
            if api["rate"] and self.max_rate and api["rate"] < self.max_rate:
                api["rate"] = min(self.max_rate, api["rate"] + 1.0)


def host_header(base_url):
    """The Host header for ``base_url``: its netloc, without a default port."""
    parts = urlsplit(base_url)
    default_port = {"https": 443, "http": 80}[parts.scheme]
    return parts.hostname if parts.port in (None, default_port) and ":" not in parts.hostname else parts.netloc


def token_expired(error_code, error_msg):
    """Whether a 401 says the token is no longer valid (expired or invalidated), so a new one may help."""
    text = (error_msg or "").lower()
    return error_code in ("APIG.0307", "APIGW.0307") or "token expires" in text or "token must be updated" in text


class AkSkAuth(object):
    """Permanent or temporary (with security_token) access keys: each request is signed."""

    kind = "aksk"

    def __init__(self, access_key, secret_key, security_token=None):
        self.access_key = access_key
        self.secret_key = secret_key
        self.security_token = security_token

    def apply(self, client, method, path, query_string, headers, body):
        headers["X-Project-Id"] = client.project_id
        if self.security_token:
            headers["X-Security-Token"] = self.security_token
        headers["X-Sdk-Date"] = signer.sdk_date()
        headers["Authorization"] = signer.sign(method, path, query_string, headers, body,
                                               self.access_key, self.secret_key)


class TokenAuth(object):
    """An IAM token given directly, sent as X-Auth-Token."""

    kind = "token"

    def __init__(self, token):
        self.token = token

    def apply(self, client, method, path, query_string, headers, body):
        headers["X-Auth-Token"] = self.token


class IamPasswordAuth(object):
    """An IAM user's password exchanged once per run for a token scoped to the project.

    The token is shared by every request and thread; a 401 saying it expired makes the client fetch a
    fresh one, once per call.
    """

    kind = "iam"
    DEFAULT_ENDPOINT = "https://iam.myhuaweicloud.com"

    def __init__(self, username, password, domain_name, iam_endpoint=None):
        # Terraform-style auth URLs end in /v3; the token path is added here.
        self.iam_url = _base_url("iam_endpoint", iam_endpoint or self.DEFAULT_ENDPOINT, ("", "/", "/v3", "/v3/"))
        self.username = username
        self.password = password
        self.domain_name = domain_name
        self.token = None
        self._lock = threading.Lock()

    def apply(self, client, method, path, query_string, headers, body):
        headers["X-Auth-Token"] = self.current_token(client)

    def current_token(self, client):
        with self._lock:
            if self.token is None:
                self.token = self._fetch(client)
            return self.token

    def expire(self, stale_token):
        with self._lock:
            if self.token == stale_token:
                self.token = None

    def _fetch(self, client):
        body = {"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": self.username, "password": self.password, "domain": {"name": self.domain_name}}}},
            "scope": {"project": {"id": client.project_id}},
        }}
        response = client.request("POST", "/v3/auth/tokens", body=body, operation="KeystoneCreateUserTokenByPassword",
                                  base_url=self.iam_url, authenticate=False)
        token = response.headers.get("X-Subject-Token")
        if not token:
            raise MetaStudioError("IAM answered HTTP %s without an X-Subject-Token header" % response.status_code,
                                  status_code=response.status_code, request_id=response.request_id,
                                  operation="KeystoneCreateUserTokenByPassword")
        return token


class MetaStudioClient(object):
    """One session per module run: keep-alive, signing, retries and error parsing."""

    def __init__(self, project_id, auth, region=None, endpoint=None, app_user_id=None, validate_certs=True,
                 ca_path=None, timeout=DEFAULT_TIMEOUT, retries=DEFAULT_RETRIES, pool_size=10, rate_limit=None,
                 sleep=time.sleep, clock=time.monotonic):
        if not HAS_REQUESTS:
            raise MetaStudioError("the Python library requests is required")
        self.project_id = validate_id("project_id", project_id)
        self.auth = auth
        self.base_url = build_endpoint(region, endpoint)
        self.host = host_header(self.base_url)
        if app_user_id is not None and (not app_user_id.strip() or app_user_id != app_user_id.strip() or any(
                ord(ch) < 32 or ord(ch) > 126 for ch in app_user_id)):
            raise InvalidInputError("app_user_id must be printable ASCII, with no control characters and no leading or trailing spaces")
        self.app_user_id = app_user_id
        if timeout is None or not 0 < timeout <= 3600:
            raise InvalidInputError("timeout must be more than 0 and at most 3600 seconds, got %r" % timeout)
        if retries is None or not 0 <= retries <= 100:
            raise InvalidInputError("retries must be between 0 and 100, got %r" % retries)
        if rate_limit is not None and not (rate_limit == 0 or MIN_RATE_LIMIT <= rate_limit <= 10000):
            raise InvalidInputError("rate_limit must be 0 (no limit) or between %s and 10000 calls per second, got %r" % (
                MIN_RATE_LIMIT, rate_limit))
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
        if validate_certs and ca_path and not os.access(ca_path, os.R_OK):
            raise InvalidInputError("ca_path %s does not exist or cannot be read" % ca_path)
        self.session.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)

    def close(self):
        self.session.close()

    # -- operations ---------------------------------------------------------------------------------

    def _job_path(self, room_id, job_id=None):
        path = "/v1/%s/smart-live-rooms/%s/smart-live-jobs" % (
            quote(self.project_id, safe=""), quote(validate_id("room_id", room_id), safe=""))
        if job_id is not None:
            path += "/" + quote(validate_id("job_id", job_id), safe="")
        return path

    def show_job(self, room_id, job_id):
        """ShowSmartLive: the job as the service sees it."""
        return self.request("GET", self._job_path(room_id, job_id), operation="ShowSmartLive")

    def stop_job(self, room_id, job_id):
        """StopSmartLive. Retrying is safe: a stop of an ended job is answered, not applied."""
        return self.request("POST", self._job_path(room_id, job_id) + "/stop", operation="StopSmartLive")

    def list_room_jobs(self, room_id, query=None):
        """ListSmartLive: one page of the jobs of one room."""
        return self.request("GET", self._job_path(room_id), query=query, operation="ListSmartLive")

    def list_project_jobs(self, query=None):
        """ListSmartLiveJobs: one page of the jobs of the whole project."""
        path = "/v1/%s/smart-live-jobs" % quote(self.project_id, safe="")
        return self.request("GET", path, query=query, operation="ListSmartLiveJobs")

    def iter_pages(self, room_id=None, states=None, room_name=None, page_size=100, extra_query=None):
        """Pages of jobs of a room (ListSmartLive) or of the project (ListSmartLiveJobs), as
        (jobs, request_id) pairs, following offset and limit to the end.

        ``states`` is sent as the API's comma-separated filter and also applied here, so a service that
        ignored the filter would still give the right jobs.
        """
        query = dict(extra_query or {})
        if states:
            query["state"] = ",".join(states)
        if room_name and room_id is None:
            query["room_name"] = room_name
        offset = 0
        while True:
            query.update(offset=offset, limit=page_size)
            if room_id is None:
                response = self.list_project_jobs(query=sorted(query.items()))
            else:
                response = self.list_room_jobs(room_id, query=sorted(query.items()))
            page = response.body or {}
            jobs = page.get("smart_live_jobs") or []
            yield [job for job in jobs if not states or job.get("state") in states], response.request_id
            offset += len(jobs)
            if not jobs or offset >= int(page.get("count") or 0):
                return

    def iter_jobs(self, room_id=None, states=None, room_name=None, page_size=100, extra_query=None):
        """Every job of a room or of the project; see iter_pages."""
        for jobs, dummy in self.iter_pages(room_id, states, room_name, page_size, extra_query):
            yield from jobs

    # -- transport ----------------------------------------------------------------------------------

    def _record(self, request_id):
        with self._lock:
            self.calls += 1
            if request_id:
                self.request_ids.append(request_id)

    def request(self, method, path, query=None, body=None, operation=None, base_url=None, authenticate=True):
        """Send one API call with retries; return an ApiResponse or raise MetaStudioError."""
        operation = operation or method
        base_url = base_url or self.base_url
        query_string = signer.canonical_query(query or [])
        url = base_url + path + ("?" + query_string if query_string else "")
        payload = json.dumps(body).encode("utf-8") if body is not None else None
        maybe_applied = False
        token_refreshed = False
        attempt = 0
        while True:
            headers = {"Host": host_header(base_url), "Content-Type": "application/json", "User-Agent": USER_AGENT}
            if self.app_user_id and authenticate:
                headers["X-App-UserId"] = self.app_user_id
            self.limiter.acquire(operation)
            if authenticate:
                self.auth.apply(self, method, path, query_string, headers, payload)
            try:
                # verify is passed explicitly: requests would let REQUESTS_CA_BUNDLE override the session's.
                response = self.session.request(method, url, headers=headers, data=payload, timeout=self.timeout,
                                                allow_redirects=False, verify=self.session.verify)
            except requests.exceptions.RequestException as exc:
                self._record(None)
                maybe_applied = maybe_applied or not _never_sent(exc)
                error, retryable, retry_after = self._transport_error(exc, operation, maybe_applied), True, None
                if isinstance(exc, (requests.exceptions.SSLError, requests.exceptions.InvalidURL, requests.exceptions.InvalidHeader)):
                    retryable = False
            else:
                if response.status_code < 400:
                    self.limiter.succeeded(operation)
                    self._record(response.headers.get("X-Request-Id"))
                    return ApiResponse(response.status_code, self._parse_success(response, method, operation),
                                       response.headers.get("X-Request-Id"), maybe_applied_before=maybe_applied,
                                       headers=response.headers)
                error_code, error_msg, request_id = parse_error(response.status_code, response.headers, response.text)
                self._record(request_id)
                if response.status_code == 401 and authenticate and not token_refreshed and hasattr(self.auth, "expire") and token_expired(
                        error_code, error_msg):
                    # The token was invalidated or outlived its 24 hours: fetch a new one, once per call.
                    token_refreshed = True
                    self.auth.expire(headers.get("X-Auth-Token"))
                    continue
                # Gateway throttling never reached the service; a 5xx may have come after the work was done.
                maybe_applied = maybe_applied or response.status_code >= 500
                retryable = response.status_code in RETRYABLE_STATUSES
                retry_after = retry_after_seconds(response.headers.get("Retry-After"))
                error = MetaStudioError(
                    "%s failed with HTTP %s%s%s" % (operation, response.status_code, " %s" % error_code if error_code else "",
                                                    ": %s" % error_msg if error_msg else ""),
                    status_code=response.status_code, error_code=error_code, error_msg=error_msg,
                    request_id=request_id, operation=operation, maybe_applied=maybe_applied)
            if not retryable or attempt >= self.retries:
                if retryable and self.retries:
                    error.msg += " (gave up after %d retries)" % self.retries
                    error.args = (error.msg,)
                raise error
            delay = backoff_delay(attempt, retry_after)
            if error.status_code == 429:
                # Back off together: every thread calling this API waits, not just this one.
                self.limiter.throttled(operation, delay)
            else:
                self.sleep(delay)
            attempt += 1
            with self._lock:
                self.retried += 1

    def _transport_error(self, exc, operation, maybe_applied):
        if isinstance(exc, requests.exceptions.SSLError):
            msg = "%s: TLS verification of %s failed (%s); set ca_path to the CA bundle that signed its certificate" % (
                operation, self.base_url, _describe_transport_error(exc))
        elif isinstance(exc, requests.exceptions.Timeout):
            msg = "%s: no answer from %s within the timeout of %ss" % (operation, self.base_url, self.timeout)
        else:
            msg = "%s: connection to %s failed: %s" % (operation, self.base_url, _describe_transport_error(exc))
        return MetaStudioError(msg, operation=operation, maybe_applied=maybe_applied)

    @staticmethod
    def _parse_success(response, method, operation):
        if not response.content:
            return None
        try:
            body = response.json()
        except ValueError:
            if method != "GET":
                # The call was carried out; its answer (undocumented for a stop) is not used.
                return None
            raise MetaStudioError(
                "%s answered HTTP %s with a body that is not JSON: %s" % (
                    operation, response.status_code, " ".join(response.text.split())[:200]),
                status_code=response.status_code, request_id=response.headers.get("X-Request-Id"),
                operation=operation)
        if method == "GET" and not isinstance(body, dict):
            raise MetaStudioError("%s answered HTTP %s with JSON that is not an object: %s" % (
                operation, response.status_code, " ".join(response.text.split())[:200]),
                status_code=response.status_code, request_id=response.headers.get("X-Request-Id"), operation=operation)
        return body


def _never_sent(exc):
    """True when the connection never opened, so the request cannot have reached the service."""
    if isinstance(exc, (requests.exceptions.ConnectTimeout, requests.exceptions.SSLError, requests.exceptions.InvalidURL,
                        requests.exceptions.InvalidHeader)):
        return True
    text = repr(exc)
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
