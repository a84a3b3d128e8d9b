# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The /_emulator/ control interface: no auth, JSON in and out, never faulted or logged."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
from urllib.parse import parse_qsl

from .behaviour import BehaviourError
from .faults import FaultError
from .model import END_STATES
from .seed import SeedError
from .timeutil import parse_rfc3339

PREFIX = "/_emulator"
BEHAVIOUR_NAMES = ("behaviour", "behaviours", "behavior", "behaviors")


class AdminError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def handle(emulator, method, raw_path, raw_query, body):
    """Answer one admin call; returns (status, JSON document)."""
    try:
        return _dispatch(emulator, method, raw_path, dict(parse_qsl(raw_query, keep_blank_values=True)), body)
    except AdminError as error:
        return error.status, {"error": error.message}
    except (BehaviourError, FaultError, SeedError) as error:
        return 400, {"error": str(error)}


def _document(body):
    if not body or not body.strip():
        return {}
    try:
        return json.loads(body.decode("utf-8"))
    except ValueError as error:
        raise AdminError(400, "body is not valid JSON: %s" % error) from error


def _object(body):
    document = _document(body)
    if not isinstance(document, dict):
        raise AdminError(400, "body must be a JSON object")
    return document


def _dispatch(emulator, method, raw_path, query, body):
    parts = [part for part in raw_path[len(PREFIX):].split("/") if part]
    head = parts[0] if parts else ""
    if parts == ["health"] and method == "GET":
        return 200, {"ok": True}
    if parts == ["reset"] and method == "POST":
        emulator.reset()
        return 200, {"ok": True}
    if parts == ["seed"] and method == "POST":
        return 200, emulator.seed(_object(body))
    if head in BEHAVIOUR_NAMES and len(parts) == 1:
        if method == "GET":
            return 200, emulator.behaviours()
        if method in ("PUT", "PATCH", "POST"):
            return 200, emulator.update_behaviour(_object(body))
    if head == "faults":
        return _faults(emulator, method, parts, body)
    if parts == ["calls"]:
        if method == "GET":
            try:
                since = int(query.get("since") or 0)
            except ValueError as error:
                raise AdminError(400, "since must be an integer") from error
            return 200, {"calls": emulator.calls.since(since)}
        if method == "DELETE":
            emulator.calls.clear()
            return 200, {"ok": True}
    if head == "jobs":
        return _jobs(emulator, method, parts, query, body)
    if head == "rooms" and method == "GET":
        return _rooms(emulator, parts, query)
    if parts == ["tokens", "expire"] and method == "POST":
        return 200, {"expired": emulator.expire_tokens(_object(body).get("token"))}
    if parts == ["clock"]:
        if method == "GET":
            return 200, emulator.clock.describe()
        if method in ("PUT", "POST", "PATCH"):
            return 200, _set_clock(emulator, _object(body))
    raise AdminError(404, "unknown admin endpoint %s %s" % (method, raw_path))


def _faults(emulator, method, parts, body):
    if len(parts) == 1:
        if method == "POST":
            document = _document(body)
            specs = document if isinstance(document, list) else [document]
            fault_ids = [emulator.faults.add(spec).fault_id for spec in specs]
            if isinstance(document, list):
                return 200, {"fault_ids": fault_ids}
            return 200, {"fault_id": fault_ids[0]}
        if method == "GET":
            return 200, {"faults": emulator.faults.describe()}
        if method == "DELETE":
            emulator.faults.clear()
            return 200, {"ok": True}
    if len(parts) == 2 and method == "DELETE":
        if not emulator.faults.remove(parts[1]):
            raise AdminError(404, "no fault %s" % parts[1])
        return 200, {"ok": True}
    raise AdminError(404, "unknown admin endpoint %s /_emulator/%s" % (method, "/".join(parts)))


def _jobs(emulator, method, parts, query, body):
    if len(parts) == 1 and method == "GET":
        return 200, {"jobs": emulator.raw_jobs(query.get("project_id") or None)}
    if len(parts) == 2 and method == "GET":
        job = emulator.raw_job(parts[1])
        if job is None:
            raise AdminError(404, "no job %s" % parts[1])
        return 200, job
    if len(parts) == 3 and parts[2] == "end" and method == "POST":
        document = _object(body)
        state = document.get("state", "SUCCEED")
        if state not in END_STATES:
            raise AdminError(400, "state must be one of %s" % ", ".join(END_STATES))
        error_info = document.get("error_info")
        if error_info is not None and not isinstance(error_info, dict):
            raise AdminError(400, "error_info must be an object")
        block_reason = document.get("block_reason")
        if block_reason is not None and not isinstance(block_reason, str):
            raise AdminError(400, "block_reason must be a string")
        after = document.get("after_seconds")
        if after is not None and (isinstance(after, bool) or not isinstance(after, (int, float)) or after < 0):
            raise AdminError(400, "after_seconds must be a number >= 0")
        outcome = emulator.end_job(parts[1], state, error_info, block_reason, after)
        if outcome is None:
            raise AdminError(404, "no job %s" % parts[1])
        if outcome is False:
            raise AdminError(409, "job %s has already ended" % parts[1])
        return 200, outcome
    raise AdminError(404, "unknown admin endpoint %s /_emulator/%s" % (method, "/".join(parts)))


def _rooms(emulator, parts, query):
    if len(parts) == 1:
        return 200, {"rooms": emulator.raw_rooms(query.get("project_id") or None)}
    if len(parts) == 2:
        room = emulator.raw_room(parts[1])
        if room is None:
            raise AdminError(404, "no room %s" % parts[1])
        return 200, room
    raise AdminError(404, "unknown admin endpoint GET /_emulator/%s" % "/".join(parts))


def _set_clock(emulator, document):
    clock = emulator.clock
    known = ("now", "advance_seconds", "offset_seconds", "pinned", "reset")
    unknown = sorted(set(document) - set(known))
    if unknown:
        raise AdminError(400, "unknown clock keys %s; known: %s" % (", ".join(unknown), ", ".join(known)))
    for key in ("advance_seconds", "offset_seconds"):
        value = document.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise AdminError(400, "%s must be a number" % key)
    if document.get("reset"):
        clock.reset()
    if document.get("offset_seconds") is not None:
        clock.set_offset(document["offset_seconds"])
    if "now" in document:
        if document["now"] is None:
            clock.pin(None)
        else:
            try:
                clock.pin(parse_rfc3339(document["now"]))
            except ValueError as error:
                raise AdminError(400, "now: %s" % error) from error
    if document.get("pinned") is False:
        clock.pin(None)
    elif document.get("pinned") is True:
        clock.pin(clock.now())
    if document.get("advance_seconds") is not None:
        clock.advance(document["advance_seconds"])
    return clock.describe()
