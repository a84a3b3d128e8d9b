# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The three ways to authenticate: signed access keys, an IAM token, an IAM user's password.

Internal to the metastudio.cloud collection; may change in any release. Free of Ansible.
Which one is used, and where its values come from, is decided in _options.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import threading

from ansible_collections.metastudio.cloud.plugins.module_utils import signer
from ansible_collections.metastudio.cloud.plugins.module_utils._endpoint import base_url
from ansible_collections.metastudio.cloud.plugins.module_utils._errors import MetaStudioError

IAM_DEFAULT_ENDPOINT = "https://iam.myhuaweicloud.com"


class AkSkAuth(object):
    """Permanent or temporary (with security_token) access keys: each request is signed."""

    kind = "aksk"

    def __init__(self, access_key, secret_key, security_token=None):
        self.access_key = access_key
        self.secret_key = secret_key
        self.security_token = security_token

    def apply(self, transport, method, path, query_string, headers, body):
        headers["X-Project-Id"] = transport.project_id
        if self.security_token:
            headers["X-Security-Token"] = self.security_token
        headers["X-Sdk-Date"] = signer.sdk_date()
        headers["Authorization"] = signer.sign(method, path, query_string, headers, body,
                                               self.access_key, self.secret_key)

    def refreshable(self, error):
        return False


class TokenAuth(object):
    """An IAM token given directly, sent as X-Auth-Token."""

    kind = "token"

    def __init__(self, token):
        self.token = token

    def apply(self, transport, method, path, query_string, headers, body):
        headers["X-Auth-Token"] = self.token

    def refreshable(self, error):
        return False


def token_expired(error_code, error_msg):
    """Whether a 401 says the token is no longer valid (expired or invalidated), so a new one may help."""
    text = (error_msg or "").lower()
    return error_code in ("APIG.0307", "APIGW.0307") or "token expires" in text or "token must be updated" in text


class IamPasswordAuth(object):
    """An IAM user's password exchanged once per run for a token scoped to the project.

    The token is shared by every request and thread; a 401 saying it expired makes the transport fetch a
    fresh one, once per call.
    """

    kind = "iam"

    def __init__(self, username, password, domain_name, iam_endpoint=None):
        # Terraform-style auth URLs end in /v3; the token path is added by the operation.
        self.iam_url = base_url("iam_endpoint", iam_endpoint or IAM_DEFAULT_ENDPOINT, ("", "/", "/v3", "/v3/"))
        self.username = username
        self.password = password
        self.domain_name = domain_name
        self.token = None
        self._lock = threading.Lock()

    def apply(self, transport, method, path, query_string, headers, body):
        headers["X-Auth-Token"] = self.current_token(transport)

    def refreshable(self, error):
        return token_expired(error.error_code, error.error_msg)

    def current_token(self, transport):
        with self._lock:
            if self.token is None:
                self.token = self._fetch(transport)
            return self.token

    def expire(self, stale_token):
        with self._lock:
            if self.token == stale_token:
                self.token = None

    def _fetch(self, transport):
        body = {"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": self.username, "password": self.password, "domain": {"name": self.domain_name}}}},
            "scope": {"project": {"id": transport.project_id}},
        }}
        response = transport.call("KeystoneCreateUserTokenByPassword", body=body, base_url=self.iam_url,
                                  authenticate=False)
        token = response.headers.get("X-Subject-Token")
        if not token:
            raise MetaStudioError("IAM answered HTTP %s without an X-Subject-Token header" % response.status_code,
                                  status_code=response.status_code, request_id=response.request_id,
                                  operation="KeystoneCreateUserTokenByPassword")
        return token
