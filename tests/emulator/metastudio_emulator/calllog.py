# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The call log of API calls, and the redaction that keeps secrets out of it."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re
import threading

_SECRET_HEADERS = frozenset(("x-auth-token", "x-security-token", "x-subject-token", "cookie", "proxy-authorization"))
_SECRET_WORDS = ("password", "secret", "token", "passwd", "signature")
# Query parameters whose names look like a key but are not secrets.
_PLAIN_QUERY = frozenset(("sort_key",))
_SIGNATURE = re.compile(r"(Signature=)[^,\s]*", re.IGNORECASE)
REDACTED = "***"


_PLAIN_HEADERS = frozenset(("host", "content-type", "content-length", "user-agent", "accept", "accept-encoding",
                            "connection", "x-sdk-date", "x-project-id", "x-app-userid", "x-sdk-content-sha256"))


def redact_header(name, value):
    lowered = name.lower()
    if lowered in _PLAIN_HEADERS:
        return value
    if lowered == "authorization":
        if "signature=" in value.lower():
            return _SIGNATURE.sub(r"\g<1>" + REDACTED, value)
        scheme = value.split(" ", 1)[0] if " " in value else ""
        return (scheme + " " + REDACTED).strip()
    if lowered in _SECRET_HEADERS or _named_secret(lowered):
        return REDACTED
    return value


def _named_secret(lowered):
    """Whether a header or parameter name says it carries a secret: a password, token, signature or key."""
    return (any(word in lowered for word in _SECRET_WORDS) or lowered == "sk"
            or lowered.rstrip("s").endswith("key"))


def redact_query_value(name, value):
    lowered = name.lower()
    if lowered not in _PLAIN_QUERY and _named_secret(lowered):
        return REDACTED
    return value


class CallLog:
    """Every API call (never the admin ones), oldest first, capped to keep memory bounded."""

    def __init__(self, limit=200000):
        self._lock = threading.Lock()
        self._entries = []
        self._seq = 0
        self._limit = limit

    def append(self, entry):
        with self._lock:
            self._seq += 1
            entry["seq"] = self._seq
            self._entries.append(entry)
            if len(self._entries) > self._limit:
                del self._entries[:len(self._entries) - self._limit]

    def since(self, seq):
        with self._lock:
            if seq <= 0:
                return list(self._entries)
            return [entry for entry in self._entries if entry["seq"] > seq]

    def clear(self):
        with self._lock:
            self._entries = []
