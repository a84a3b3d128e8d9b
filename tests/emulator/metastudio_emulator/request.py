# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One API call as received, with the call-log entry being filled in."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from urllib.parse import parse_qsl

from .calllog import redact_header, redact_query_value
from .signing import percent_decode


class ApiRequest:
    """One API call as received, plus the call-log entry being filled in."""

    def __init__(self, handler, method, raw_path, raw_query, body, request_id):
        """`handler` is the HTTP request handler: its headers and whether the server speaks TLS are read."""
        self.method = method
        self.raw_path = raw_path
        self.raw_query = raw_query
        self.body = body
        self.request_id = request_id
        # Case-insensitive lookups on a plain dict are much cheaper than on the parsed message.
        self._lookup = {}
        header_items = handler.headers.items()
        for name, value in header_items:
            self._lookup.setdefault(name.lower(), value)
        self._scheme = "https" if handler.server.ssl_context is not None else "http"
        self.segments = [percent_decode(part).decode("utf-8", "replace") for part in raw_path.split("/")[1:]]
        self.query = {}
        if raw_query:
            for key, value in parse_qsl(raw_query, keep_blank_values=True):
                self.query.setdefault(key, value)
        self.log = {
            "seq": None, "time": None, "method": method, "path": raw_path, "query": self._logged_query(),
            "operation": None, "headers": _logged_headers(header_items), "status": None, "request_id": request_id,
            "auth": None, "access_key": None, "project_id": None, "room_id": None, "job_id": None,
            "fault": None, "throttled": False, "effect": None, "auth_error": None,
        }

    def header(self, name):
        return self._lookup.get(name.lower())

    def app_user(self):
        value = self._lookup.get("x-app-userid")
        return value.strip() if value is not None and value.strip() else None

    def base_url(self):
        return "%s://%s" % (self._scheme, self._lookup.get("host") or "127.0.0.1")

    def _logged_query(self):
        if not self.raw_query:
            return {}
        logged = {}
        for key, value in parse_qsl(self.raw_query, keep_blank_values=True):
            value = redact_query_value(key, value)
            if key in logged:
                previous = logged[key]
                logged[key] = previous + [value] if isinstance(previous, list) else [previous, value]
            else:
                logged[key] = value
        return logged


def _logged_headers(header_items):
    logged = {}
    for name, value in header_items:
        value = redact_header(name, value)
        logged[name] = logged[name] + ", " + value if name in logged else value
    return logged
