# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Responses and the error bodies of MetaStudio, the API gateway and IAM."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json

JSON_TYPE = "application/json;charset=UTF-8"


class Reply:
    """An HTTP answer; `action` is None, "reset" (drop the connection) or "truncated" (short body, then close)."""

    def __init__(self, status, body=b"", content_type=None, headers=None, action=None, announced_length=None):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = list(headers or [])
        self.action = action
        self.announced_length = announced_length
        # How long to wait, after the call is logged, before answering.
        self.delay_seconds = 0

    def add_header(self, name, value):
        self.headers.append((name, value))
        return self


def to_json_bytes(document):
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_reply(status, document, headers=None):
    return Reply(status, to_json_bytes(document), JSON_TYPE, headers)


def mss_error(status, error_code, error_msg):
    return json_reply(status, {"error_code": error_code, "error_msg": error_msg})


def apig_error(status, error_code, error_msg, request_id):
    return json_reply(status, {"error_code": error_code, "error_msg": error_msg, "request_id": request_id})


def service_error(status, error_code, error_msg, request_id):
    """An error with the body style that matches its code (gateway codes carry the request id)."""
    if error_code.startswith("APIG"):
        return apig_error(status, error_code, error_msg, request_id)
    return mss_error(status, error_code, error_msg)


def iam_error(status, title, message, trace_id):
    reply = json_reply(status, {"error": {"code": status, "title": title, "message": message}})
    return reply.add_header("X-IAM-Trace-Id", trace_id)


IAM_AUTH_PREFIX = "Incorrect IAM authentication information: "


def auth_refused(reason, request_id):
    return apig_error(401, "APIG.0301", IAM_AUTH_PREFIX + reason, request_id)


def html_page(status, reason):
    title = "%d %s" % (status, reason)
    page = ("<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n"
            "<hr><center>api-gateway</center>\r\n</body>\r\n</html>\r\n") % (title, title)
    return Reply(status, page.encode("ascii"), "text/html")


class Answer:
    """A success document that the API returns with extra response headers (as IAM returns its token)."""

    def __init__(self, document, headers):
        self.document = document
        self.headers = list(headers)


def success_reply(status, result):
    """The answer to a call that succeeded: None is an empty body, a dict is JSON."""
    if result is None:
        return Reply(status, b"")
    if isinstance(result, Answer):
        return json_reply(status, result.document, result.headers)
    return json_reply(status, result)
