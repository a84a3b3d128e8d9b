# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One API call from end to end: route, gateway (latency, throttling, faults, auth), operation, answer."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import time

from . import gateway, routes
from .errors import ApiError
from .replies import success_reply


def process(emulator, request):
    """Answer one API call; returns a Reply."""
    route, params = routes.match(request.method, request.segments)
    if route is None:
        return _no_route(emulator, request, params)
    log = request.log
    log["operation"] = route.operation
    for key in ("project_id", "room_id", "job_id"):
        log[key] = params.get(key)
    if route.changes_state:
        log["effect"] = "noop"
    latency_ms = emulator.behaviour["latency_ms"]
    if latency_ms:
        time.sleep(latency_ms / 1000.0)
    refused = gateway.throttle(emulator, request, route)
    if refused is not None:
        log["throttled"] = True
        return refused
    answer_fault, late_ms = _fire_faults(emulator, route.operation, params, log)
    if answer_fault is not None and answer_fault.spec["apply"] == "before":
        return gateway.fault_reply(emulator, route, answer_fault, request, None)
    reply = _authenticated_call(emulator, route, request, params)
    if answer_fault is not None:
        reply = gateway.fault_reply(emulator, route, answer_fault, request, reply)
    # Carried out (and logged), then the answer is late: a client with a shorter timeout never sees it.
    reply.delay_seconds = late_ms / 1000.0
    return reply


def _no_route(emulator, request, reason):
    segments = request.segments
    if emulator.behaviour["unknown_route_style"] == "mss" and len(segments) >= 2 and segments[0] == "v1":
        # MetaStudio itself answers, so the gateway authenticates first.
        refused = gateway.authenticate(emulator, request, segments[1])
        if refused is not None:
            return refused
    return gateway.unknown_route(emulator, request, reason)


def _fire_faults(emulator, operation, params, log):
    """Apply the pre-call faults that match; return the answer fault (or None) and the delay owed after the call."""
    answer_fault = None
    late_ms = 0
    for fault in emulator.faults.take(operation):
        log["fault"] = log["fault"] or fault.kind
        if fault.kind == "latency" and fault.spec["apply"] == "after":
            late_ms += fault.spec["latency_ms"]
        elif fault.kind == "latency":
            time.sleep(fault.spec["latency_ms"] / 1000.0)
        elif fault.kind == "end_job_first":
            emulator.end_job(params.get("job_id"), fault.spec["state"], fault.spec["error_info"],
                             fault.spec["block_reason"])
        else:
            answer_fault = fault
            log["fault"] = fault.kind
    return answer_fault, late_ms


def _authenticated_call(emulator, route, request, params):
    if route.operation != routes.IAM_OPERATION:
        refused = gateway.authenticate(emulator, request, params["project_id"])
        if refused is not None:
            return refused
    status = route.status if isinstance(route.status, int) else emulator.behaviour[route.status]
    try:
        return success_reply(status, route.handler(emulator, request, params))
    except ApiError as error:
        return error.answer(emulator.behaviour, request.request_id)
