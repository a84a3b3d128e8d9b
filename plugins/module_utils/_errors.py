# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Errors of the MetaStudio client and how the API's error bodies are read.

Internal to the metastudio.cloud collection; may change in any release. Free of Ansible.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import re

HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
# The API's answer for an id that names nothing: the generic "Invalid parameter" (the only id-bearing
# parameters of a show or stop are the ids themselves), or a 404 that does not come from the gateway.
INVALID_PARAMETER = "MSS.00000003"


class MetaStudioError(Exception):
    """Any failure of a MetaStudio call, with what the API said about it.

    ``result`` holds facts gathered before the failure (for example changed=True after a stop), for the
    module result. An error is never changed after it is raised: ``derive`` makes a new one.
    """

    def __init__(self, msg, status_code=None, error_code=None, error_msg=None, request_id=None,
                 operation=None, maybe_applied=False, result=None):
        super(MetaStudioError, self).__init__(msg)
        self.msg = msg
        self.status_code = status_code
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id
        self.operation = operation
        # True when an attempt of this call may have reached the service and taken effect.
        self.maybe_applied = maybe_applied
        self.result = dict(result or {})

    def derive(self, msg=None, result=None):
        """A copy of this error with another message and/or result facts."""
        return type(self)(msg if msg is not None else self.msg, status_code=self.status_code,
                          error_code=self.error_code, error_msg=self.error_msg, request_id=self.request_id,
                          operation=self.operation, maybe_applied=self.maybe_applied,
                          result=self.result if result is None else result)

    def to_result(self):
        """The module result of this failure: the facts gathered, then what failed (which wins)."""
        result = dict(self.result)
        result.update(msg=self.msg, status_code=self.status_code, error_code=self.error_code,
                      error_msg=self.error_msg, request_id=self.request_id)
        return result

    @property
    def not_found(self):
        """Whether the API said that the thing named does not exist (or no longer does)."""
        if self.status_code == 404:
            # APIG.0101 means the URL itself is wrong (host, path or method), not the object.
            return not (self.error_code or "").startswith("APIG")
        return self.status_code == 400 and self.error_code == INVALID_PARAMETER


class InvalidInputError(MetaStudioError):
    """Input refused before any request was sent."""


def describe_failure(operation, status_code, error_code, error_msg):
    """'<operation> failed with HTTP <status> <code>: <message>', the code left out when it only repeats the status."""
    code = " %s" % error_code if error_code and error_code != str(status_code) else ""
    return "%s failed with HTTP %s%s%s" % (operation, status_code, code, ": %s" % error_msg if error_msg else "")


def _codes_of(body):
    for code_key, msg_key in (("error_code", "error_msg"), ("errorCode", "errorMsg"), ("code", "message")):
        if code_key in body or msg_key in body:
            return body.get(code_key), body.get(msg_key)
    nested = [value for value in body.values() if isinstance(value, dict)]
    if nested:
        inner = nested[0]
        return inner.get("error_code", inner.get("code")), inner.get("error_msg", inner.get("message"))
    return None, None


def parse_error(headers, text):
    """(error_code, error_msg, request_id) from an MSS, APIG, IAM or non-JSON error body."""
    request_id = headers.get("X-Request-Id")
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    error_code = error_msg = None
    if isinstance(body, dict):
        error_code, error_msg = _codes_of(body)
        request_id = request_id or body.get("request_id")
    if error_code is not None:
        error_code = str(error_code)
    if error_msg is None and text and not isinstance(body, dict):
        title = HTML_TITLE.search(text)
        snippet = title.group(1) if title else text
        error_msg = "non-JSON response: %s" % " ".join(snippet.split())[:200]
    return error_code, error_msg, request_id or headers.get("X-IAM-Trace-Id")
