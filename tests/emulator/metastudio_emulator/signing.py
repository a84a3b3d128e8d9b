# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Verification of "SDK-HMAC-SHA256" AK/SK signatures, as the API gateway does it.

Everything is computed from the request as received: the raw path, the raw
query string, the header values and the body bytes.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import calendar
import datetime
import hashlib
import hmac
import re

ALGORITHM = "SDK-HMAC-SHA256"
EMPTY_BODY_SHA256 = hashlib.sha256(b"").hexdigest()

# Reasons a signature is refused; the gateway message depends on the reason.
REASON_SIGNATURE = "verify aksk signature fail"
REASON_EXPIRED = "calc ak sk signature fail: signature expired"

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
_SDK_DATE = re.compile(r"^\d{8}T\d{6}Z$")
_HEX = "0123456789ABCDEF"
# How each byte value is written in a canonical URI or query.
_BYTE_ENCODING = tuple(chr(byte) if byte in _UNRESERVED else "%" + _HEX[byte >> 4] + _HEX[byte & 15] for byte in range(256))
_ALL_UNRESERVED = re.compile(r"^[A-Za-z0-9\-_.~]*\Z")
_ALL_UNRESERVED_BYTES = re.compile(br"^[A-Za-z0-9\-_.~]*\Z")
_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")


class SignatureRefused(Exception):
    """The request is not correctly signed; `reason` is the gateway message suffix, `detail` says why."""

    def __init__(self, reason, detail):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def rfc3986_encode(raw):
    """Percent-encode bytes (or text, as UTF-8) keeping only RFC 3986 unreserved characters."""
    if isinstance(raw, str):
        if _ALL_UNRESERVED.match(raw):
            return raw
        raw = raw.encode("utf-8")
    elif _ALL_UNRESERVED_BYTES.match(raw):
        return raw.decode("ascii")
    return "".join([_BYTE_ENCODING[byte] for byte in raw])


def percent_decode(text, plus_is_space=False):
    """Decode %XX escapes into bytes; a malformed escape is kept literally, as lenient servers do."""
    raw = text.encode("utf-8")
    if plus_is_space:
        raw = raw.replace(b"+", b" ")
    if b"%" not in raw:
        return raw
    out = bytearray()
    index = 0
    length = len(raw)
    while index < length:
        byte = raw[index]
        if byte == 0x25 and index + 2 < length:
            hex_digits = raw[index + 1:index + 3]
            if all(digit in _HEX_DIGITS for digit in hex_digits):
                out.append(int(hex_digits, 16))
                index += 3
                continue
        out.append(byte)
        index += 1
    return bytes(out)


def canonical_uri(raw_path):
    """Decode the path, encode each segment again, and make sure it ends with a slash."""
    segments = raw_path.split("/")
    encoded = "/".join(rfc3986_encode(percent_decode(segment)) for segment in segments)
    if not encoded.endswith("/"):
        encoded += "/"
    return encoded


def canonical_query(raw_query):
    """Sort the decoded (key, value) pairs by key then value and encode both sides the same way."""
    if not raw_query:
        return ""
    pairs = []
    for piece in raw_query.split("&"):
        if not piece:
            continue
        key, value = piece.split("=", 1) if "=" in piece else (piece, "")
        pairs.append((percent_decode(key, plus_is_space=True), percent_decode(value, plus_is_space=True)))
    pairs.sort()
    return "&".join(rfc3986_encode(key) + "=" + rfc3986_encode(value) for key, value in pairs)


def parse_authorization(value):
    """Split 'SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex' into its three parts."""
    if not value:
        raise SignatureRefused(REASON_SIGNATURE, "no Authorization header")
    algorithm, rest = (value.strip().split(" ", 1) + [""])[:2]
    if algorithm != ALGORITHM:
        raise SignatureRefused(REASON_SIGNATURE, "unsupported algorithm %r" % algorithm)
    fields = {}
    for part in rest.split(","):
        name, equals, content = part.strip().partition("=")
        if equals:
            fields[name.strip()] = content.strip()
    missing = [name for name in ("Access", "SignedHeaders", "Signature") if not fields.get(name)]
    if missing:
        raise SignatureRefused(REASON_SIGNATURE, "Authorization lacks %s" % ", ".join(missing))
    signed = [name.strip().lower() for name in fields["SignedHeaders"].split(";") if name.strip()]
    return fields["Access"], signed, fields["Signature"].lower()


def parse_sdk_date(value):
    """Return the epoch seconds of an X-Sdk-Date value such as 20240102T030405Z, or None when malformed."""
    if not value or not _SDK_DATE.match(value):
        return None
    try:
        # The constructor rejects impossible dates such as month 13 or February 30.
        moment = datetime.datetime(int(value[0:4]), int(value[4:6]), int(value[6:8]),
                                   int(value[9:11]), int(value[11:13]), int(value[13:15]))
    except ValueError:
        return None
    return calendar.timegm(moment.timetuple())


def build_canonical_request(method, raw_path, raw_query, header_lookup, signed_headers, body):
    """Build the six-line canonical request; `header_lookup(name)` returns a header value or None."""
    header_lines = []
    for name in signed_headers:
        value = header_lookup(name)
        if value is None:
            raise SignatureRefused(REASON_SIGNATURE, "signed header %r is missing from the request" % name)
        header_lines.append("%s:%s\n" % (name, value.strip()))
    content_sha = header_lookup("x-sdk-content-sha256")
    if content_sha is not None:
        payload_hash = content_sha.strip()
    else:
        payload_hash = hashlib.sha256(body or b"").hexdigest()
    return "\n".join([
        method.upper(),
        canonical_uri(raw_path),
        canonical_query(raw_query),
        "".join(header_lines),
        ";".join(signed_headers),
        payload_hash,
    ])


def string_to_sign(sdk_date, canonical_request):
    return "%s\n%s\n%s" % (ALGORITHM, sdk_date, hashlib.sha256(canonical_request.encode("utf-8")).hexdigest())


def compute_signature(secret_key, text_to_sign):
    return hmac.new(secret_key.encode("utf-8"), text_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def verify_request(method, raw_path, raw_query, header_lookup, body, find_credential, now, clock_skew_seconds,
                   date_now=None):
    """Check one request's signature and return the matching credential.

    `find_credential(access_key)` returns an object with `secret_key`,
    `security_token` and `expires_at` (epoch seconds or None), or None.
    `now` decides whether a temporary key has expired; `date_now` (default
    `now`) is what X-Sdk-Date is compared with.
    Raises SignatureRefused with the gateway reason and a detail.
    """
    if date_now is None:
        date_now = now
    access_key, signed_headers, signature = parse_authorization(header_lookup("authorization"))
    credential = find_credential(access_key)
    if credential is None:
        raise SignatureRefused(REASON_SIGNATURE, "unknown access key %s" % access_key)
    for required in ("host", "x-sdk-date"):
        if required not in signed_headers:
            raise SignatureRefused(REASON_SIGNATURE, "%s is not a signed header" % required)
    sdk_date = (header_lookup("x-sdk-date") or "").strip()
    signed_at = parse_sdk_date(sdk_date)
    if signed_at is None:
        raise SignatureRefused(REASON_SIGNATURE, "X-Sdk-Date %r is malformed" % sdk_date)
    if abs(date_now - signed_at) > clock_skew_seconds:
        raise SignatureRefused(REASON_EXPIRED, "X-Sdk-Date is %d s away from the server clock" % int(date_now - signed_at))
    if credential.security_token is not None:
        sent_token = header_lookup("x-security-token")
        if sent_token is None or not hmac.compare_digest(sent_token.strip(), credential.security_token):
            raise SignatureRefused(REASON_SIGNATURE, "temporary access key without its X-Security-Token")
    if credential.expires_at is not None and now >= credential.expires_at:
        raise SignatureRefused(REASON_EXPIRED, "temporary access key has expired")
    canonical = build_canonical_request(method, raw_path, raw_query, header_lookup, signed_headers, body)
    expected = compute_signature(credential.secret_key, string_to_sign(sdk_date, canonical))
    if not hmac.compare_digest(expected, signature):
        raise SignatureRefused(REASON_SIGNATURE, "signature does not match")
    return access_key, credential
