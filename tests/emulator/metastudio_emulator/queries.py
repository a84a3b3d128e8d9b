# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading what a call carries: query parameters and the JSON body, refused with domain errors."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json

from .errors import InvalidBody, InvalidParameter
from .timeutil import parse_rfc3339

MAX_OFFSET = 2147483647


def int_param(query, name, default, minimum, maximum):
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip(), 10)
    except ValueError as error:
        raise InvalidParameter("%s must be an integer" % name) from error
    if not minimum <= value <= maximum:
        raise InvalidParameter("%s must be in %d..%d" % (name, minimum, maximum))
    return value


def page_params(query):
    """offset (0..2^31-1, default 0) and limit (1..100, default 10), as every list call takes them."""
    return int_param(query, "offset", 0, 0, MAX_OFFSET), int_param(query, "limit", 10, 1, 100)


def list_param(query, name, allowed):
    raw = query.get(name)
    if raw is None:
        return None
    values = [value.strip() for value in raw.split(",") if value.strip()]
    for value in values:
        if value not in allowed:
            raise InvalidParameter("%s has an unknown value %s" % (name, value))
    return values or None


def time_param(query, name):
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    try:
        return parse_rfc3339(raw)
    except ValueError as error:
        raise InvalidParameter("%s must be an RFC 3339 date-time" % name) from error


def choice_param(query, name, default, allowed, lower=False):
    value = query.get(name) or default
    value = value.lower() if lower else value
    if value not in allowed:
        raise InvalidParameter("%s must be %s or %s" % (name, ", ".join(allowed[:-1]), allowed[-1]))
    return value


def body_object(request):
    """The body as a JSON object ({} when empty); anything else is an invalid body."""
    if not request.body or not request.body.strip():
        return {}
    try:
        document = json.loads(request.body.decode("utf-8"))
    except ValueError:
        raise InvalidBody() from None
    if not isinstance(document, dict):
        raise InvalidBody()
    return document
