# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AK/SK request signing for Huawei Cloud API Gateway (SDK-HMAC-SHA256).

Internal to the metastudio.cloud collection; may change in any release.
Free of Ansible and of requests so that it can be tested on its own.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import hashlib
import hmac
import time
from datetime import timezone
from urllib.parse import quote, unquote

ALGORITHM = "SDK-HMAC-SHA256"
SDK_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
EMPTY_BODY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def _encode(value):
    # RFC 3986: only unreserved characters stay literal; quote() yields upper-case hex.
    return quote(value, safe="~")


def _query_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def sdk_date(now=None):
    """The X-Sdk-Date value for ``now`` (UTC, defaults to the current time)."""
    if now is None:
        # time.gmtime is several times cheaper than datetime.now, and this runs on every signed call.
        return time.strftime(SDK_DATE_FORMAT, time.gmtime())
    if now.tzinfo is not None:
        now = now.astimezone(timezone.utc)
    return now.strftime(SDK_DATE_FORMAT)


def canonical_uri(path):
    """Each segment decoded then re-encoded, with a trailing slash added when missing."""
    segments = [_encode(unquote(segment)) for segment in path.split("/")]
    uri = "/".join(segments)
    if not uri.endswith("/"):
        uri += "/"
    return uri


def canonical_query(params):
    """Sorted, encoded query string; ``params`` is a list of (key, value) pairs or a dict.

    A list value gives one pair per element. The same string is sent as the real query,
    so what is signed is exactly what the gateway receives.
    """
    items = params.items() if isinstance(params, dict) else params
    pairs = []
    for key, value in items:
        values = value if isinstance(value, (list, tuple)) else [value]
        for element in values:
            pairs.append((str(key), _query_value(element)))
    pairs.sort()
    return "&".join("%s=%s" % (_encode(key), _encode(value)) for key, value in pairs)


def signed_header_names(headers):
    """Lower-cased names of the headers to sign: all but those whose name holds '_'."""
    return sorted(name.lower() for name in headers if "_" not in name)


def canonical_request(method, path, query_string, headers, body, names=None):
    """The canonical request of the signing algorithm, as one string; ``names`` are the signed header
    names when the caller has them already."""
    lowered = dict((name.lower(), str(value).strip()) for name, value in headers.items())
    names = names or signed_header_names(headers)
    header_block = "".join("%s:%s\n" % (name, lowered[name]) for name in names)
    if "x-sdk-content-sha256" in lowered:
        payload_hash = lowered["x-sdk-content-sha256"]
    elif body:
        payload_hash = hashlib.sha256(body if isinstance(body, bytes) else body.encode("utf-8")).hexdigest()
    else:
        payload_hash = EMPTY_BODY_SHA256
    return "\n".join([
        method.upper(),
        canonical_uri(path),
        query_string,
        header_block,
        ";".join(names),
        payload_hash,
    ])


def string_to_sign(canonical, date_value):
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return "%s\n%s\n%s" % (ALGORITHM, date_value, digest)


def sign(method, path, query_string, headers, body, access_key, secret_key):
    """Return the Authorization header value for a request.

    ``headers`` must already hold every header to be signed, Host and X-Sdk-Date included.
    """
    date_value = None
    for name, value in headers.items():
        if name.lower() == "x-sdk-date":
            date_value = str(value).strip()
    if not date_value:
        raise ValueError("X-Sdk-Date must be set before signing")
    names = signed_header_names(headers)
    canonical = canonical_request(method, path, query_string, headers, body, names)
    signature = hmac.new(secret_key.encode("utf-8"), string_to_sign(canonical, date_value).encode("utf-8"),
                         hashlib.sha256).hexdigest()
    return "%s Access=%s, SignedHeaders=%s, Signature=%s" % (ALGORITHM, access_key, ";".join(names), signature)
