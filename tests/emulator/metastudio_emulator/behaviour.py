# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Switchable behaviours: each plays one possible answer to an open question about the real service."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json

from .errors import STATE_NOT_ALLOWED
from .routes import OPERATIONS


class BehaviourError(ValueError):
    pass


def _choice(*allowed):
    def check(value):
        if value not in allowed:
            raise BehaviourError("must be one of %s" % ", ".join(json.dumps(item) for item in allowed))
        return value
    return check


def _number(minimum=0.0, nullable=False, positive=False):
    def check(value):
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise BehaviourError("must be a number%s" % (" or null" if nullable else ""))
        if positive and value <= 0:
            raise BehaviourError("must be greater than 0")
        if value < minimum:
            raise BehaviourError("must be >= %s" % minimum)
        return value
    return check


def _http_status(value):
    if isinstance(value, bool) or not isinstance(value, int) or not 400 <= value <= 599:
        raise BehaviourError("must be an integer HTTP error status (400..599)")
    return value


def _text(value):
    if not isinstance(value, str) or not value:
        raise BehaviourError("must be a non-empty string")
    return value


def rate_limits(value):
    """null (none), "reference" (each API's documented limit) or {operation or "*": calls per second or null}."""
    if value is None or value == "reference":
        return value
    if not isinstance(value, dict):
        raise BehaviourError("must be null, \"reference\" or an object of operation (or \"*\") to calls per second")
    for name, rate in value.items():
        if name != "*" and name not in OPERATIONS:
            raise BehaviourError("has unknown operation %r; known: *, %s" % (name, ", ".join(OPERATIONS)))
        if rate is not None and (isinstance(rate, bool) or not isinstance(rate, (int, float)) or rate <= 0):
            raise BehaviourError("must give %s a number > 0 or null" % name)
    return dict(value)


def _flag(value):
    if not isinstance(value, bool):
        raise BehaviourError("must be true or false")
    return value


# name: (default, validator, what it plays)
BEHAVIOURS = {
    "stop_response_body": ("empty", _choice("empty", "json"),
                           "body of a successful stop: none (documented) or {}"),
    "start_delay_seconds": (0, _number(), "how long a started job stays WAITING before PROCESSING"),
    "stop_final_state": ("SUCCEED", _choice("SUCCEED", "CANCELED"),
                         "open question 2: final state of a user-stopped job"),
    "stop_delay_seconds": (0, _number(), "open question 3: how long a stopped job still reads PROCESSING"),
    "stop_ended_response": ("error", _choice("error", "ok"),
                            "open question 1: stop of an ended job: 400 MSS.20020001 or a 200 no-op"),
    "stop_waiting": ("allowed", _choice("allowed", "error"), "open question 3: whether a WAITING job can be stopped"),
    "not_found_status": (400, _http_status, "open question 4: HTTP status for a missing job or room"),
    "not_found_error_code": ("MSS.00000003", _text, "open question 4: error_code for a missing job or room"),
    "not_found_error_msg": ("Invalid parameter", _text, "open question 4: error_msg for a missing job or room"),
    "app_user_scoping": (False, _flag, "open question 6: X-App-UserId limits who sees and stops a job"),
    "temp_room_cleanup": (False, _flag, "open question 5: jobs of TEMP rooms vanish once ended"),
    "unknown_route_style": ("apig", _choice("apig", "mss"), "who answers a wrong URL: the gateway or MetaStudio"),
    "clock_skew_seconds": (900, _number(), "allowed X-Sdk-Date distance from the server clock"),
    "expired_token_error": ("APIG.0301", _choice("APIG.0301", "APIG.0307"),
                            "open question 7: error for an expired X-Auth-Token"),
    "token_ttl_seconds": (86400, _number(positive=True), "lifetime of tokens issued by POST /v3/auth/tokens"),
    "rate_limit_per_second": (None, _number(nullable=True, positive=True), "per-operation throttling (null = off)"),
    "rate_limit_burst": (None, _number(nullable=True, positive=True), "token bucket size (null = the rate)"),
    "rate_limits": (None, rate_limits, "per-API limits for every project: null, \"reference\" or {operation: rate}"),
    "throttle_retry_after_seconds": (1, _number(nullable=True), "Retry-After on 429 (null = no header)"),
    "latency_ms": (0, _number(), "delay added to every API call"),
    "temp_room_cleanup_delay_seconds": (0, _number(), "lifecycle question 12: how long after its last job ended a "
                                                      "TEMP room (and its jobs) is still found"),
    "create_room_status": (200, _choice(200, 201), "lifecycle question 1: success status of CreateSmartLiveRoom"),
    "update_room_semantics": ("replace", _choice("replace", "merge"),
                              "lifecycle question 2: a PUT replaces the room body, or merges its top-level fields"),
    "update_room_while_live": ("allowed", _choice("allowed", "refused"),
                               "lifecycle question 2: a PUT while a job runs is allowed or 400 MSS.20020001"),
    "update_read_only_fields": ("ignored", _choice("ignored", "rejected"),
                                "lifecycle question 3: read-only fields echoed in a PUT are ignored or refused"),
    "room_secrets": ("clear", _choice("clear", "masked"),
                     "lifecycle question 4: show gives stream_keys and the callback key in clear or masked"),
    "busy_room_start": ("parallel", _choice("parallel", "refused"),
                        "lifecycle question 6: a start without single_job_in_room in a room with a running job"),
    "busy_room_error_status": (400, _http_status, "lifecycle question 6: status of a refused start in a busy room"),
    "busy_room_error_code": ("MSS.20020001", _text, "lifecycle question 6: error_code of that refusal"),
    "busy_room_error_msg": (STATE_NOT_ALLOWED[1], _text, "lifecycle question 6: error_msg of that refusal"),
    "delete_room_with_running_job": ("refused", _choice("refused", "stops_job", "orphans"),
                                     "lifecycle question 7: 400 MSS.20020001, the jobs stop, or they run on "
                                     "without a room"),
    "started_job_outcome": ("PROCESSING", _choice("PROCESSING", "FAILED", "BLOCKED"),
                            "a started job reaches PROCESSING, or ends FAILED or BLOCKED while starting"),
}


def defaults():
    return dict((name, spec[0]) for name, spec in BEHAVIOURS.items())


def validate_update(update):
    """Check a partial update; return the cleaned values or raise BehaviourError naming the key."""
    if not isinstance(update, dict):
        raise BehaviourError("behaviour update must be a JSON object")
    cleaned = {}
    for name, value in update.items():
        if name not in BEHAVIOURS:
            raise BehaviourError("unknown behaviour %r; known: %s" % (name, ", ".join(sorted(BEHAVIOURS))))
        try:
            cleaned[name] = BEHAVIOURS[name][1](value)
        except BehaviourError as error:
            raise BehaviourError("behaviour %r %s (got %s)" % (name, error, json.dumps(value))) from error
    return cleaned


def parse_cli_assignment(text):
    """Turn KEY=VALUE from the command line into (key, value); VALUE is JSON when it parses, else a string."""
    name, equals, raw = text.partition("=")
    if not equals or not name:
        raise BehaviourError("expected KEY=VALUE, got %r" % text)
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    return name.strip(), value
