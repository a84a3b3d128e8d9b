# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-side helpers: a small SDK-HMAC-SHA256 signer written separately from the emulator's verifier,
and thin clients for the API and the admin interface."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import datetime
import hashlib
import hmac
import json
from urllib.parse import quote, unquote, urlsplit

import requests

AK = "TESTAKEMULATOR000001"
SK = "TestSecretKeyForTheEmulator000000000001"
PROJECT = "0123456789abcdef0123456789abcdef"
OTHER_PROJECT = "fedcba9876543210fedcba9876543210"
ROOM = "26f065244f754b3aa853b649a21aaf66"
JOB = "e87104f76d7546ce8a46ac6b04c49c3c"
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def encode(text):
    return quote(str(text), safe="-_.~")


def encoded_query(pairs):
    """The query string exactly as it is signed: sorted pairs, each side RFC 3986-encoded."""
    return "&".join("%s=%s" % (encode(key), encode(value)) for key, value in sorted((str(k), str(v)) for k, v in pairs))


def sdk_date(moment=None):
    moment = moment or datetime.datetime.now(datetime.timezone.utc)
    return moment.strftime("%Y%m%dT%H%M%SZ")


def sign(method, host, path, query_pairs, headers, body, access_key, secret_key, date):
    """Return a copy of `headers` with Host, X-Sdk-Date and Authorization added."""
    signed = dict(headers)
    signed["Host"] = host
    signed["X-Sdk-Date"] = date
    uri = "/".join(encode(unquote(segment)) for segment in path.split("/"))
    if not uri.endswith("/"):
        uri += "/"
    names = sorted(name.lower() for name in signed if "_" not in name)
    values = dict((name.lower(), value) for name, value in signed.items())
    header_block = "".join("%s:%s\n" % (name, values[name].strip()) for name in names)
    payload = hashlib.sha256(body or b"").hexdigest()
    canonical = "%s\n%s\n%s\n%s\n%s\n%s" % (method, uri, encoded_query(query_pairs), header_block, ";".join(names), payload)
    to_sign = "SDK-HMAC-SHA256\n%s\n%s" % (date, hashlib.sha256(canonical.encode("utf-8")).hexdigest())
    signature = hmac.new(secret_key.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    signed["Authorization"] = "SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s" % (
        access_key, ";".join(names), signature)
    return signed


class ApiClient:
    """Calls the emulated MetaStudio API with AK/SK signing (or a token)."""

    def __init__(self, base_url, access_key=AK, secret_key=SK, project_id=PROJECT, security_token=None,
                 token=None, verify=True, session=None):
        self.base_url = base_url
        self.host = urlsplit(base_url).netloc
        self.access_key = access_key
        self.secret_key = secret_key
        self.project_id = project_id
        self.security_token = security_token
        self.token = token
        self.session = session or requests.Session()
        # Passed on every call: a session-wide setting loses to REQUESTS_CA_BUNDLE.
        self.verify = verify

    def request(self, method, path, query=None, body=None, headers=None, date=None, project_header=True,
                app_user=None, auth=True, timeout=30):
        query = list(query or [])
        if isinstance(body, str):
            body = body.encode("utf-8")
        send = {"Content-Type": "application/json"}
        if project_header and not self.token:
            send["X-Project-Id"] = self.project_id if project_header is True else project_header
        if self.security_token:
            send["X-Security-Token"] = self.security_token
        if app_user is not None:
            send["X-App-UserId"] = app_user
        send.update(headers or {})
        if self.token:
            send["X-Auth-Token"] = self.token
        elif auth:
            send = sign(method, self.host, path, query, send, body, self.access_key, self.secret_key, date or sdk_date())
        url = self.base_url + path
        if query:
            url += "?" + encoded_query(query)
        return self.session.request(method, url, data=body, headers=send, timeout=timeout, verify=self.verify)

    def job_path(self, room=ROOM, job=None, project=None):
        path = "/v1/%s/smart-live-rooms/%s/smart-live-jobs" % (project or self.project_id, room)
        return path + "/" + job if job else path

    def show(self, room=ROOM, job=JOB, **kwargs):
        return self.request("GET", self.job_path(room, job), **kwargs)

    def stop(self, room=ROOM, job=JOB, **kwargs):
        return self.request("POST", self.job_path(room, job) + "/stop", **kwargs)

    def start(self, room=ROOM, body=None, **kwargs):
        return self.request("POST", self.job_path(room), body=_json(body), **kwargs)

    def list_room_jobs(self, room=ROOM, query=None, **kwargs):
        return self.request("GET", self.job_path(room), query=query, **kwargs)

    def list_jobs(self, query=None, **kwargs):
        return self.request("GET", "/v1/%s/smart-live-jobs" % self.project_id, query=query, **kwargs)

    def show_room(self, room=ROOM, **kwargs):
        return self.request("GET", "/v1/%s/smart-live-rooms/%s" % (self.project_id, room), **kwargs)

    def list_rooms(self, query=None, **kwargs):
        return self.request("GET", "/v1/%s/smart-live-rooms" % self.project_id, query=query, **kwargs)

    def create_room(self, body, **kwargs):
        return self.request("POST", "/v1/%s/smart-live-rooms" % self.project_id, body=_json(body), **kwargs)

    def update_room(self, body, room=ROOM, **kwargs):
        return self.request("PUT", "/v1/%s/smart-live-rooms/%s" % (self.project_id, room), body=_json(body), **kwargs)

    def delete_room(self, room=ROOM, **kwargs):
        return self.request("DELETE", "/v1/%s/smart-live-rooms/%s" % (self.project_id, room), **kwargs)

    def command(self, body, room=ROOM, job=JOB, **kwargs):
        return self.request("POST", self.job_path(room, job) + "/command", body=_json(body), **kwargs)


def _json(body):
    return body if body is None or isinstance(body, (str, bytes)) else json.dumps(body)


class Admin:
    """The /_emulator/ control interface."""

    def __init__(self, base_url, verify=True):
        self.base_url = base_url + "/_emulator"
        self.session = requests.Session()
        self.verify = verify

    def call(self, method, path, document=None, expect=200):
        response = self.session.request(method, self.base_url + path, json=document, timeout=30, verify=self.verify)
        assert response.status_code == expect, (response.status_code, response.text)
        return response.json()

    def reset(self):
        return self.call("POST", "/reset")

    def seed(self, document):
        return self.call("POST", "/seed", document)

    def behaviour(self, **values):
        return self.call("PUT", "/behaviour", values)

    def fault(self, **spec):
        return self.call("POST", "/faults", spec)["fault_id"]

    def calls(self, since=0):
        return self.call("GET", "/calls?since=%d" % since)["calls"]

    def job(self, job_id=JOB):
        return self.call("GET", "/jobs/" + job_id)

    def end_job(self, job_id=JOB, **document):
        return self.call("POST", "/jobs/%s/end" % job_id, document)

    def clock(self, **document):
        return self.call("PUT", "/clock", document)

    def room(self, room_id=ROOM, expect=200):
        return self.call("GET", "/rooms/" + room_id, expect=expect)


def assert_error(response, status, code, message=None):
    """Check an error answer: status, code, a request id header, and the gateway body's copy of it."""
    assert response.status_code == status, (response.status_code, response.text)
    request_id = response.headers.get("X-Request-Id")
    assert request_id and len(request_id) == 32 and request_id == request_id.lower()
    body = response.json()
    assert body["error_code"] == code, body
    if message is not None:
        assert body["error_msg"] == message, body
    if code.startswith("APIG"):
        assert body["request_id"] == request_id
    return body
