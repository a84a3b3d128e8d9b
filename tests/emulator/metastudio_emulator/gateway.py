# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the API gateway answers before MetaStudio sees a call: authentication, unknown routes, throttling
and injected faults."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import uuid
from http.server import BaseHTTPRequestHandler

from . import routes, signing
from .replies import JSON_TYPE, Reply, apig_error, auth_refused, html_page, mss_error, service_error, to_json_bytes
from .timeutil import format_rfc3339

# Default answers of the "status" fault, by HTTP status.
FAULT_STATUS_ERRORS = {
    500: ("MSS.00000004", "Internal Error"),
    502: ("APIG.0202", "Backend unavailable."),
    503: ("APIG.0204", "Service unavailable."),
    504: ("APIG.0201", "Backend timeout."),
}


def unknown_route(emulator, request, reason):
    if emulator.behaviour["unknown_route_style"] == "mss":
        if reason == "method":
            return mss_error(400, "MSS.00010004", "SR.method not allowed")
        return mss_error(400, "MSS.00010003", "SR.api not found")
    return apig_error(404, "APIG.0101", "The API does not exist or has not been published in the environment.",
                      request.request_id)


# --- authentication ----------------------------------------------------------


def authenticate(emulator, request, project_id):
    """Check AK/SK or token auth as the gateway does; returns an error Reply, or None when accepted."""
    store = emulator.store
    log = request.log
    authorization = request.header("authorization")
    token_value = request.header("x-auth-token")
    now = emulator.clock.now()
    if authorization is not None:
        log["auth"] = "aksk"
        log["access_key"] = _access_key_of(authorization)
        with store.lock:
            try:
                access_key, credential = signing.verify_request(
                    request.method, request.raw_path, request.raw_query, request.header, request.body,
                    store.credentials.get, now, emulator.behaviour["clock_skew_seconds"], emulator.clock.signing_now())
            except signing.SignatureRefused as refusal:
                log["auth_error"] = refusal.detail
                return auth_refused(refusal.reason, request.request_id)
        log["access_key"] = access_key
        header_project = request.header("x-project-id")
        if header_project is None or not header_project.strip():
            log["auth_error"] = "X-Project-Id is missing"
            return auth_refused(signing.REASON_SIGNATURE, request.request_id)
        header_project = header_project.strip()
        if not credential.allows(header_project):
            log["auth_error"] = "access key is not allowed for project %s" % header_project
            return apig_error(403, "APIG.0310", "The project is unavailable.", request.request_id)
        if header_project != project_id:
            log["auth_error"] = "X-Project-Id %s differs from the URL project" % header_project
            return mss_error(400, "MSS.00010009", "urlTenantId is not equal tokenTenantId")
        return None
    if token_value is not None:
        log["auth"] = "token"
        with store.lock:
            token = store.tokens.get(token_value.strip())
        if token is None:
            log["auth_error"] = "unknown token"
            return auth_refused("decrypt token fail", request.request_id)
        if now >= token.expires_at:
            log["auth_error"] = "token expired"
            if emulator.behaviour["expired_token_error"] == "APIG.0307":
                return apig_error(401, "APIG.0307", "The token must be updated.", request.request_id)
            return auth_refused("token expires, expires_at: %s" % format_rfc3339(token.expires_at, fraction=True),
                                request.request_id)
        if token.project_id != project_id:
            log["auth_error"] = "token is scoped to project %s" % token.project_id
            return mss_error(400, "MSS.00010009", "urlTenantId is not equal tokenTenantId")
        return None
    log["auth_error"] = "no Authorization or X-Auth-Token header"
    return auth_refused("x-auth-token not found", request.request_id)


def _access_key_of(authorization):
    try:
        return signing.parse_authorization(authorization)[0]
    except signing.SignatureRefused:
        return None


def rate_limit(emulator, project_id, route):
    """(calls per second, burst) for this API in this project; (None, None) when it is not throttled.

    A project's own `rate_limits` (seed) win over the `rate_limits` behaviour, which wins over
    `rate_limit_per_second` (one rate for every API, with `rate_limit_burst`); an API that a dict of limits
    does not name (nor "*") falls through to the next."""
    project = emulator.store.projects.get(project_id) if project_id else None
    for limits in (project.rate_limits if project is not None else None, emulator.behaviour["rate_limits"]):
        if limits == "reference":
            return routes.REFERENCE_RATES[route.operation], None
        for key in (route.operation, "*") if isinstance(limits, dict) else ():
            if key in limits:
                return limits[key], None
    return emulator.behaviour["rate_limit_per_second"], emulator.behaviour["rate_limit_burst"]


def throttle(emulator, request, route):
    """The gateway's 429 when this call is over its API's limit in its project, else None."""
    project_id = request.log["project_id"]
    rate, burst = rate_limit(emulator, project_id, route)
    if emulator.throttle.allow((project_id, route.operation), rate, burst):
        return None
    return throttled(emulator, request, rate)


def throttled(emulator, request, rate):
    """429 APIG.0308 as the gateway sends it; the throttling fault answers with this too."""
    limit = int(rate) if float(rate).is_integer() else rate
    reply = apig_error(429, "APIG.0308", "The throttling threshold has been reached: policy user over ratelimit, "
                                         "limit:%s, time:1 second" % limit, request.request_id)
    retry_after = emulator.behaviour["throttle_retry_after_seconds"]
    if retry_after is not None:
        reply.add_header("Retry-After", "%d" % max(0, round(retry_after)))
    return reply


def fault_reply(emulator, route, fault, request, real_reply):
    """The answer an answer-replacing fault gives instead of (or after) the real one."""
    spec = fault.spec
    kind = fault.kind
    if kind == "reset":
        return Reply(0, action="reset")
    if kind == "html":
        return html_page(spec["status"], BaseHTTPRequestHandler.responses.get(spec["status"], ("Error",))[0])
    if kind == "truncated":
        body = real_reply.body if real_reply is not None and real_reply.body else to_json_bytes({
            "job_id": request.log.get("job_id") or uuid.uuid4().hex, "room_id": request.log.get("room_id"),
            "state": "PROCESSING", "duration": 42.0, "count": 1, "smart_live_jobs": []})
        cut = max(1, len(body) // 2)
        return Reply(200, body[:cut], JSON_TYPE, action="truncated", announced_length=len(body))
    status = spec["status"]
    if status == 429 and not spec["error_code"]:
        # Throttling faults answer as the gateway's rate limit does, with this API's limit.
        rate = rate_limit(emulator, request.log["project_id"], route)[0]
        return throttled(emulator, request, rate if rate is not None else routes.REFERENCE_RATES[route.operation])
    default_code, default_msg = FAULT_STATUS_ERRORS.get(
        status, ("MSS.00000004", "Internal Error") if status >= 500 else ("MSS.00000003", "Invalid parameter"))
    return service_error(status, spec["error_code"] or default_code, spec["error_msg"] or default_msg,
                         request.request_id)
