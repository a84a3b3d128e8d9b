# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IAM password tokens and X-Auth-Token authentication."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import requests

from emulator_testlib import JOB, OTHER_PROJECT, PROJECT, ROOM, ApiClient, assert_error


def password_body(password="Secret#123", domain=None, project=None):
    return {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "ops-user", "password": password, "domain": domain or {"name": "example-account"}}}},
        "scope": {"project": project or {"id": PROJECT}},
    }}


def seed_user(admin):
    admin.seed({"projects": [{"project_id": PROJECT, "name": "cn-north-4"},
                             {"project_id": OTHER_PROJECT, "name": "cn-east-3"}],
                "users": [{"domain_name": "example-account", "name": "ops-user", "password": "Secret#123"}],
                "jobs": [{"project_id": PROJECT, "room_id": ROOM, "job_id": JOB}]})


def get_token(emu, body, query=""):
    return requests.post(emu.url + "/v3/auth/tokens" + query, json=body,
                         headers={"Content-Type": "application/json;charset=utf8"}, timeout=10)


def test_issue_and_use_token(emu, admin):
    seed_user(admin)
    response = get_token(emu, password_body())
    assert response.status_code == 201, response.text
    token = response.headers["X-Subject-Token"]
    assert len(token) > 500
    assert len(response.headers["X-Request-Id"]) == 32
    body = response.json()["token"]
    assert body["project"]["id"] == PROJECT and body["project"]["name"] == "cn-north-4"
    assert body["project"]["domain"]["name"] == "example-account"
    assert body["methods"] == ["password"] and body["user"]["name"] == "ops-user"
    assert body["expires_at"].endswith("Z") and body["issued_at"].endswith("Z")
    assert body["catalog"][0]["type"] == "metastudio"
    assert "catalog" not in get_token(emu, password_body(), "?nocatalog=true").json()["token"]
    client = ApiClient(emu.url, token=token)
    shown = client.show()
    assert shown.status_code == 200 and shown.json()["job_id"] == JOB
    call = admin.calls()[-1]
    assert call["auth"] == "token" and call["headers"]["X-Auth-Token"] == "***"
    assert_error(ApiClient(emu.url, token=token, project_id=OTHER_PROJECT).list_jobs(), 400, "MSS.00010009",
                 "urlTenantId is not equal tokenTenantId")


def test_scope_by_name_and_domain_id(emu, admin):
    seed_user(admin)
    by_name = get_token(emu, password_body(project={"name": "cn-east-3"}))
    assert by_name.status_code == 201
    assert by_name.json()["token"]["project"]["id"] == OTHER_PROJECT
    domain_id = by_name.json()["token"]["user"]["domain"]["id"]
    assert get_token(emu, password_body(domain={"id": domain_id})).status_code == 201


def test_wrong_credentials_and_malformed_bodies(emu, admin):
    seed_user(admin)
    for body in (password_body(password="nope"), password_body(domain={"name": "other"})):
        response = get_token(emu, body)
        assert response.status_code == 401
        expected = {"code": 401, "title": "Unauthorized", "message": "The username or password is wrong."}
        assert response.json() == {"error": expected}
        assert response.headers["X-IAM-Trace-Id"] and len(response.headers["X-Request-Id"]) == 32
    assert get_token(emu, password_body(project={"id": "0" * 32})).status_code == 401
    for body in ({}, {"auth": {}}, {"auth": {"identity": {"methods": ["token"]}}}, [1, 2]):
        response = get_token(emu, body)
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] == 400
    broken = requests.post(emu.url + "/v3/auth/tokens", data=b"{not json", timeout=10)
    assert broken.status_code == 400 and broken.headers["X-IAM-Trace-Id"]
    logged = admin.calls()
    assert all(call["operation"] == "KeystoneCreateUserTokenByPassword" for call in logged)
    assert "Secret#123" not in str(logged) and "nope" not in str(logged)


def test_expired_and_unknown_tokens(emu, admin):
    seed_user(admin)
    token = get_token(emu, password_body()).headers["X-Subject-Token"]
    client = ApiClient(emu.url, token=token)
    assert client.show().status_code == 200
    assert admin.call("POST", "/tokens/expire", {"token": token}) == {"expired": 1}
    body = assert_error(client.show(), 401, "APIG.0301")
    assert body["error_msg"].startswith("Incorrect IAM authentication information: token expires, expires_at: ")
    admin.behaviour(expired_token_error="APIG.0307")
    assert_error(client.show(), 401, "APIG.0307", "The token must be updated.")
    assert_error(ApiClient(emu.url, token="MIIunknown").show(), 401, "APIG.0301",
                 "Incorrect IAM authentication information: decrypt token fail")
    admin.call("POST", "/tokens/expire", {"token": "nope"}, expect=404)


def test_token_lifetime_follows_behaviour_and_clock(emu, admin):
    seed_user(admin)
    admin.behaviour(token_ttl_seconds=60)
    token = get_token(emu, password_body()).headers["X-Subject-Token"]
    client = ApiClient(emu.url, token=token)
    assert client.show().status_code == 200
    admin.clock(advance_seconds=61)
    assert_error(client.show(), 401, "APIG.0301")


def test_seeded_tokens(emu, admin):
    created = admin.seed({"tokens": [{"token": "MIIseeded", "project_id": PROJECT, "expires_in": 3600},
                                     {"project_id": PROJECT, "expires_in": 0}],
                          "jobs": [{"project_id": PROJECT, "room_id": ROOM, "job_id": JOB}]})
    assert ApiClient(emu.url, token="MIIseeded").show().status_code == 200
    generated = created["tokens"][1]["token"]
    assert generated.startswith("MII") and generated != "MIIseeded"
    assert_error(ApiClient(emu.url, token=generated).show(), 401, "APIG.0301")
    admin.call("POST", "/tokens/expire", {})
    assert_error(ApiClient(emu.url, token="MIIseeded").show(), 401, "APIG.0301")
