# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AK/SK signature checks: the official signer's vectors, tampering, clock skew, temporary keys, projects."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import datetime
import http.client
import json
import os
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings, strategies as st

from emulator_testlib import (AK, JOB, OTHER_PROJECT, PROJECT, ROOM, SK, ApiClient, assert_error, encode,
                              encoded_query, sign)
from metastudio_emulator import signing
from metastudio_emulator.model import Credential

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "signing-vectors.json"), encoding="utf-8") as vector_file:
    VECTORS = json.load(vector_file)["vectors"]
VECTOR_DATE = "2024-01-02T03:04:05Z"
VECTOR_EPOCH = signing.parse_sdk_date("20240102T030405Z")
SIGNATURE_FAIL = "Incorrect IAM authentication information: verify aksk signature fail"
SIGNATURE_EXPIRED = "Incorrect IAM authentication information: calc ak sk signature fail: signature expired"


def vector_headers(vector):
    headers = dict(vector["headers_in"])
    headers["Host"] = vector["host"]
    headers["Authorization"] = vector["authorization"]
    return headers


def vector_body(vector):
    return vector["body"].encode("utf-8") if vector["body"] is not None else b""


def verify_vector(vector, headers=None, body=None, target=None, now=VECTOR_EPOCH):
    """Run one vector (optionally altered) through the verifier in-process."""
    headers = vector_headers(vector) if headers is None else headers
    lowered = dict((name.lower(), value) for name, value in headers.items())
    raw_path, raw_query = ((target or vector["request_uri"]).split("?", 1) + [""])[:2]
    credential = Credential(vector["ak"], vector["sk"], headers.get("X-Security-Token"))
    return signing.verify_request(vector["method"], raw_path, raw_query, lowered.get,
                                  vector_body(vector) if body is None else body,
                                  {vector["ak"]: credential}.get, now, 900)


@pytest.mark.parametrize("vector", VECTORS, ids=[vector["name"] for vector in VECTORS])
def test_verifier_accepts_every_vector(vector):
    access_key, credential = verify_vector(vector)
    assert access_key == vector["ak"]
    assert credential.secret_key == vector["sk"]
    lowered = dict((name.lower(), value) for name, value in vector_headers(vector).items())
    signed = signing.parse_authorization(vector["authorization"])[1]
    raw_path, raw_query = (vector["request_uri"].split("?", 1) + [""])[:2]
    canonical = signing.build_canonical_request(vector["method"], raw_path, raw_query, lowered.get, signed,
                                                vector_body(vector))
    assert canonical == vector["canonical_request"]
    assert signing.string_to_sign(vector["headers_in"]["X-Sdk-Date"], canonical) == vector["string_to_sign"]


def _flip_last(text):
    return text[:-1] + ("0" if text[-1] != "0" else "1")


@pytest.mark.parametrize("vector", VECTORS, ids=[vector["name"] for vector in VECTORS])
def test_verifier_refuses_tampered_vectors(vector):
    tampered = vector_headers(vector)
    tampered["Authorization"] = _flip_last(tampered["Authorization"])
    cases = [("signature", tampered, None, None)]
    cases.append(("body", None, vector_body(vector) + b" ", None))
    dated = vector_headers(vector)
    dated["X-Sdk-Date"] = "20240102T030406Z"
    cases.append(("date", dated, None, None))
    changed = vector_headers(vector)
    changed["X-Project-Id"] = OTHER_PROJECT
    cases.append(("signed header", changed, None, None))
    cases.append(("query", None, None, vector["request_uri"].split("?", 1)[0] + "?limit=11"))
    cases.append(("path", None, None, vector["request_uri"].replace(JOB, "0" * 32).replace(PROJECT, "1" * 32)))
    for label, headers, body, target in cases:
        with pytest.raises(signing.SignatureRefused) as refused:
            verify_vector(vector, headers, body, target)
        assert refused.value.reason == signing.REASON_SIGNATURE, label


def test_verifier_edge_encoding_from_reference():
    assert signing.canonical_uri("/a b/c:d") == "/a%20b/c%3Ad/"
    assert signing.canonical_uri("/v1/p/smart-live-jobs/") == "/v1/p/smart-live-jobs/"
    assert signing.canonical_query("b=&a=y&a=x&c=true") == "a=x&a=y&b=&c=true"
    assert signing.canonical_query("") == ""
    assert signing.canonical_query("flag") == "flag="


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=150, deadline=None)
@given(segments=st.lists(_TEXT.filter(bool), min_size=1, max_size=4),
       query=st.lists(st.tuples(_TEXT, _TEXT), max_size=5),
       app_user=st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=10),
       body=st.binary(max_size=64))
def test_independent_signer_round_trip(segments, query, app_user, body):
    path = "/" + "/".join(encode(segment) for segment in segments)
    headers = sign("POST", "example.com:8443", path, query, {"Content-Type": "application/json", "X-App-UserId": app_user},
                   body, AK, SK, "20240102T030405Z")
    lowered = dict((name.lower(), value) for name, value in headers.items())
    credentials = {AK: Credential(AK, SK)}.get
    assert signing.verify_request("POST", path, encoded_query(query), lowered.get, body, credentials,
                                  VECTOR_EPOCH, 900)[0] == AK
    with pytest.raises(signing.SignatureRefused):
        signing.verify_request("POST", path, encoded_query(query + [("extra", "1")]), lowered.get, body,
                               credentials, VECTOR_EPOCH, 900)


# --- over HTTP -------------------------------------------------------------------


def send_raw(base_url, method, target, headers, body):
    """Send a request byte for byte as given (no Host or Accept-Encoding added)."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        if body:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body or None)
        response = connection.getresponse()
        return response.status, dict((name.lower(), value) for name, value in response.getheaders()), response.read()
    finally:
        connection.close()


def seed_for_vector(admin, vector):
    admin.clock(now=VECTOR_DATE)
    admin.seed({"projects": [{"project_id": PROJECT}],
                "credentials": [{"access_key": vector["ak"], "secret_key": vector["sk"],
                                 "security_token": vector["headers_in"].get("X-Security-Token")}],
                "jobs": [{"project_id": PROJECT, "room_id": ROOM, "job_id": JOB, "state": "PROCESSING",
                          "room_name": "room A/测试 1"}]})


@pytest.mark.parametrize("vector", VECTORS, ids=[vector["name"] for vector in VECTORS])
def test_every_vector_accepted_over_http(emu, admin, vector):
    seed_for_vector(admin, vector)
    status, headers, body = send_raw(emu.url, vector["method"], vector["request_uri"], vector_headers(vector),
                                     vector_body(vector))
    assert status in (200, 202), body
    assert len(headers["x-request-id"]) == 32
    last = admin.calls()[-1]
    assert last["auth"] == "aksk" and last["access_key"] == vector["ak"] and last["auth_error"] is None
    if vector["name"].startswith("V2"):
        assert json.loads(body)["count"] == 1
    if "stop" in vector["request_uri"]:
        assert admin.job()["state"] == "SUCCEED"
        assert last["effect"] == "stopped"


def _tampered_requests(vectors_by_name):
    stop = vectors_by_name["V1_stop_no_body"]
    listing = vectors_by_name["V2_list_jobs_query_and_security_token"]
    command = vectors_by_name["V3_command_json_body_trim_and_underscore"]
    signature = vector_headers(stop)
    signature["Authorization"] = _flip_last(signature["Authorization"])
    date = vector_headers(stop)
    date["X-Sdk-Date"] = "20240102T030500Z"
    header = vector_headers(stop)
    header["Content-Type"] = "application/json;charset=UTF-8"
    return [
        ("signature", stop, stop["request_uri"], signature, vector_body(stop)),
        ("body", command, command["request_uri"], vector_headers(command), vector_body(command).replace(b"hello", b"jello")),
        ("date", stop, stop["request_uri"], date, b""),
        ("signed header", stop, stop["request_uri"], header, b""),
        ("query", listing, listing["request_uri"].replace("limit=10", "limit=11"), vector_headers(listing), b""),
    ]


@pytest.mark.parametrize("case", range(5), ids=["signature", "body", "date", "signed header", "query"])
def test_tampered_requests_refused_over_http(emu, admin, case):
    label, vector, target, headers, body = _tampered_requests(dict((item["name"], item) for item in VECTORS))[case]
    seed_for_vector(admin, vector)
    status, response_headers, payload = send_raw(emu.url, vector["method"], target, headers, body)
    assert status == 401, label
    document = json.loads(payload)
    assert document["error_code"] == "APIG.0301"
    assert document["error_msg"] == SIGNATURE_FAIL
    assert document["request_id"] == response_headers["x-request-id"]
    assert admin.job()["state"] == "PROCESSING"
    assert admin.calls()[-1]["effect"] in (None, "noop")


def test_clock_skew(api, admin):
    now = datetime.datetime.now(datetime.timezone.utc)
    old = (now - datetime.timedelta(minutes=16)).strftime("%Y%m%dT%H%M%SZ")
    ahead = (now + datetime.timedelta(minutes=16)).strftime("%Y%m%dT%H%M%SZ")
    near = (now - datetime.timedelta(minutes=14)).strftime("%Y%m%dT%H%M%SZ")
    assert_error(api.show(date=old), 401, "APIG.0301", SIGNATURE_EXPIRED)
    assert_error(api.show(date=ahead), 401, "APIG.0301", SIGNATURE_EXPIRED)
    assert api.show(date=near).status_code == 200
    admin.behaviour(clock_skew_seconds=60)
    assert_error(api.show(date=(now - datetime.timedelta(minutes=2)).strftime("%Y%m%dT%H%M%SZ")), 401, "APIG.0301",
                 SIGNATURE_EXPIRED)
    assert_error(api.show(date="2024-01-02T03:04:05Z"), 401, "APIG.0301", SIGNATURE_FAIL)


def test_unsigned_or_missing_headers_refused(api, emu):
    path = api.job_path(ROOM, JOB)
    base = {"Content-Type": "application/json", "X-Project-Id": PROJECT}
    host = urlsplit(emu.url).netloc
    from emulator_testlib import sdk_date  # pylint: disable=import-outside-toplevel
    signed = sign("GET", host, path, [], base, b"", AK, SK, sdk_date())

    def send(headers):
        return api.session.get(emu.url + path, headers=headers, timeout=10)

    without_host = dict(signed)
    without_host["Authorization"] = signed["Authorization"].replace("content-type;host;", "content-type;")
    assert_error(send(without_host), 401, "APIG.0301", SIGNATURE_FAIL)
    without_date = dict(signed)
    without_date["Authorization"] = signed["Authorization"].replace(";x-sdk-date", "")
    assert_error(send(without_date), 401, "APIG.0301", SIGNATURE_FAIL)
    extra = sign("GET", host, path, [], dict(base, **{"X-Extra": "1"}), b"", AK, SK, sdk_date())
    del extra["X-Extra"]
    assert_error(send(extra), 401, "APIG.0301", SIGNATURE_FAIL)
    unknown = sign("GET", host, path, [], base, b"", "UNKNOWNAK00000000000", SK, sdk_date())
    assert_error(send(unknown), 401, "APIG.0301", SIGNATURE_FAIL)
    malformed = dict(signed)
    malformed["X-Sdk-Date"] = "20241302T000000Z"
    assert_error(send(malformed), 401, "APIG.0301", SIGNATURE_FAIL)
    assert_error(send({"Authorization": "Bearer abc"}), 401, "APIG.0301", SIGNATURE_FAIL)
    assert_error(send({}), 401, "APIG.0301", "Incorrect IAM authentication information: x-auth-token not found")
    assert send(signed).status_code == 200


def test_temporary_credentials(emu, admin):
    admin.seed({"credentials": [{"access_key": "TEMPAK", "secret_key": "TEMPSK", "security_token": "sec-token-1"},
                                {"access_key": "OLDAK", "secret_key": "OLDSK", "security_token": "sec-token-2",
                                 "expires_at": "2000-01-01T00:00:00Z"}],
                "jobs": [{"project_id": PROJECT, "room_id": ROOM, "job_id": JOB}]})
    good = ApiClient(emu.url, "TEMPAK", "TEMPSK", security_token="sec-token-1")
    assert good.show().status_code == 200
    assert_error(ApiClient(emu.url, "TEMPAK", "TEMPSK").show(), 401, "APIG.0301", SIGNATURE_FAIL)
    assert_error(ApiClient(emu.url, "TEMPAK", "TEMPSK", security_token="wrong").show(), 401, "APIG.0301",
                 SIGNATURE_FAIL)
    expired = ApiClient(emu.url, "OLDAK", "OLDSK", security_token="sec-token-2")
    assert_error(expired.show(), 401, "APIG.0301", SIGNATURE_EXPIRED)
    assert admin.calls()[-1]["auth_error"] == "temporary access key has expired"


def test_project_header_rules(api, admin, emu):
    assert_error(api.show(project_header=False), 401, "APIG.0301", SIGNATURE_FAIL)
    assert admin.calls()[-1]["auth_error"] == "X-Project-Id is missing"
    assert_error(api.show(project_header=OTHER_PROJECT), 400, "MSS.00010009", "urlTenantId is not equal tokenTenantId")
    admin.seed({"credentials": [{"access_key": "LIMITED", "secret_key": "LIMITEDSK", "project_ids": [OTHER_PROJECT]}]})
    limited = ApiClient(emu.url, "LIMITED", "LIMITEDSK")
    assert_error(limited.show(), 403, "APIG.0310", "The project is unavailable.")
    assert ApiClient(emu.url, "LIMITED", "LIMITEDSK", project_id=OTHER_PROJECT).list_jobs().json()["count"] == 0


def test_plus_in_query_means_space(api, admin):
    admin.seed({"rooms": [{"project_id": PROJECT, "room_id": "r-space", "room_name": "big room"}],
                "jobs": [{"room_id": "r-space", "job_id": "j-space"}]})
    path = "/v1/%s/smart-live-jobs" % PROJECT
    headers = sign("GET", api.host, path, [("room_name", "big room")], {"Content-Type": "application/json",
                                                                        "X-Project-Id": PROJECT}, b"", AK, SK,
                   datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ"))
    response = api.session.get(api.base_url + path + "?room_name=big+room", headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    assert [job["job_id"] for job in response.json()["smart_live_jobs"]] == ["j-space"]
