# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The MetaStudio operations, their authentication, and the IAM token call."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json

from . import signing
from .model import ALL_JOB_STATES, PROCESSING, WAITING, new_id, new_token, Token
from .replies import (JSON_TYPE, Reply, apig_error, auth_refused, iam_error, json_reply, mss_error,
                      service_error, to_json_bytes)
from .timeutil import format_rfc3339, parse_rfc3339

STATE_NOT_ALLOWED = ("MSS.20020001", "The task state does not allow the current operation. Check the task state.")
COMMANDS = ("INSERT_PLAY_SCRIPT", "INSERT_PLAY_AUDIO", "REWRITE_PLAY_SCRIPT", "REWRITE_INTERACTION_RULES",
            "GET_CURRENT_PLAYING_SCRIPTS", "GET_LIVE_JOB_CONFIG_INFO", "SHOW_LAYER", "REFRESH_OUTPUT_URL",
            "CLEAN_UP_INSERT_COMMAND", "RESET_EXIT_CONFIG")
# live_state filter values of ListSmartLiveRooms; SUCCESS is how the docs spell SUCCEED there.
ROOM_LIVE_STATES = {"WAITING": "WAITING", "PROCESSING": "PROCESSING", "SUCCESS": "SUCCEED", "SUCCEED": "SUCCEED",
                    "FAILED": "FAILED", "CANCELED": "CANCELED", "BLOCKED": "BLOCKED", "NULL": None}
MAX_OFFSET = 2147483647


class BadParameter(Exception):
    pass


def route(method, segments):
    """Map a method and decoded path segments to (operation, params); operation None means no API.

    For no API, params is "method" when the path exists with other methods, else "path".
    """
    count = len(segments)
    if any(not segment for segment in segments):
        return None, "path"
    if segments == ["v3", "auth", "tokens"]:
        return _by_method(method, {"POST": "KeystoneCreateUserTokenByPassword"}, {})
    if count < 3 or segments[0] != "v1":
        return None, "path"
    params = {"project_id": segments[1]}
    rest = segments[2:]
    if rest == ["smart-live-jobs"]:
        return _by_method(method, {"GET": "ListSmartLiveJobs"}, params)
    if rest[0] != "smart-live-rooms":
        return None, "path"
    if len(rest) == 1:
        return _by_method(method, {"GET": "ListSmartLiveRooms"}, params)
    params["room_id"] = rest[1]
    if len(rest) == 2:
        return _by_method(method, {"GET": "ShowSmartLiveRoom"}, params)
    if rest[2] != "smart-live-jobs":
        return None, "path"
    if len(rest) == 3:
        return _by_method(method, {"GET": "ListSmartLive", "POST": "StartSmartLive"}, params)
    params["job_id"] = rest[3]
    if len(rest) == 4:
        return _by_method(method, {"GET": "ShowSmartLive"}, params)
    if len(rest) == 5 and rest[4] == "stop":
        return _by_method(method, {"POST": "StopSmartLive"}, params)
    if len(rest) == 5 and rest[4] == "command":
        return _by_method(method, {"POST": "ExecuteSmartLiveCommand"}, params)
    return None, "path"


def _by_method(method, operations, params):
    if method in operations:
        return operations[method], params
    return None, "method"


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


# --- helpers -------------------------------------------------------------------


def not_found(emulator, request):
    behaviour = emulator.behaviour
    return service_error(behaviour["not_found_status"], behaviour["not_found_error_code"],
                         behaviour["not_found_error_msg"], request.request_id)


def _job_visible(emulator, job, app_user):
    behaviour = emulator.behaviour
    if behaviour["app_user_scoping"] and job.app_user_id and job.app_user_id != app_user:
        return False
    if behaviour["temp_room_cleanup"] and job.room.room_type == "TEMP" and job.ended:
        return False
    return True


def _room_visible(emulator, room):
    # A TEMP room is cleaned up once it has had jobs and all of them have ended.
    if emulator.behaviour["temp_room_cleanup"] and room.room_type == "TEMP" and room.jobs:
        return not all(job.ended for job in room.jobs)
    return True


def _find_room(emulator, project_id, room_id, now):
    room = emulator.store.rooms.get(room_id)
    if room is None or room.project_id != project_id:
        return None
    if room.room_type == "TEMP" and emulator.behaviour["temp_room_cleanup"]:
        # Only then does visibility depend on the state of every job of the room.
        for job in room.jobs:
            job.settle(now)
    return room if _room_visible(emulator, room) else None


def _find_job(emulator, request, params, now):
    room = _find_room(emulator, params["project_id"], params["room_id"], now)
    job = emulator.store.jobs.get(params["job_id"])
    if room is None or job is None or job.room is not room:
        return None
    job.settle(now)
    return job if _job_visible(emulator, job, request.app_user()) else None


def _int_param(query, name, default, minimum, maximum):
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip(), 10)
    except ValueError as error:
        raise BadParameter("%s must be an integer" % name) from error
    if not minimum <= value <= maximum:
        raise BadParameter("%s must be in %d..%d" % (name, minimum, maximum))
    return value


def _list_param(query, name, allowed):
    raw = query.get(name)
    if raw is None:
        return None
    values = [value.strip() for value in raw.split(",") if value.strip()]
    for value in values:
        if value not in allowed:
            raise BadParameter("%s has an unknown value %s" % (name, value))
    return values or None


def _time_param(query, name):
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    try:
        return parse_rfc3339(raw)
    except ValueError as error:
        raise BadParameter("%s must be an RFC 3339 date-time" % name) from error


def _bad_parameter(error):
    return mss_error(400, "MSS.00000003", "Invalid parameter: %s" % error)


def _parse_body(request):
    if not request.body or not request.body.strip():
        return {}
    try:
        document = json.loads(request.body.decode("utf-8"))
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


# --- jobs ----------------------------------------------------------------------


def show_smart_live(emulator, request, params):
    now = emulator.clock.now()
    with emulator.store.lock:
        job = _find_job(emulator, request, params, now)
        if job is None:
            return not_found(emulator, request)
        return json_reply(200, job.render(now))


def list_smart_live(emulator, request, params):
    return _list_jobs(emulator, request, params, room_scoped=True)


def list_smart_live_jobs(emulator, request, params):
    return _list_jobs(emulator, request, params, room_scoped=False)


def _list_jobs(emulator, request, params, room_scoped):
    query = request.query
    try:
        offset = _int_param(query, "offset", 0, 0, MAX_OFFSET)
        limit = _int_param(query, "limit", 10, 1, 100)
        states = _list_param(query, "state", ALL_JOB_STATES)
        sort_key = query.get("sort_key") or "create_time"
        if sort_key not in ("create_time", "update_time", "asset_order"):
            raise BadParameter("sort_key must be create_time, update_time or asset_order")
        sort_dir = (query.get("sort_dir") or "asc").lower()
        if sort_dir not in ("asc", "desc"):
            raise BadParameter("sort_dir must be asc or desc")
        since = _time_param(query, "create_since")
        until = _time_param(query, "create_until")
    except BadParameter as error:
        return _bad_parameter(error)
    room_name = None if room_scoped else query.get("room_name")
    now = emulator.clock.now()
    app_user = request.app_user()
    with emulator.store.lock:
        if room_scoped:
            room = _find_room(emulator, params["project_id"], params["room_id"], now)
            if room is None:
                return not_found(emulator, request)
            candidates = room.jobs
        else:
            candidates = emulator.store.jobs_of_project(params["project_id"])
        matches = []
        for job in candidates:
            job.settle(now)
            if not _job_visible(emulator, job, app_user) or not _room_visible(emulator, job.room):
                continue
            if states is not None and job.state not in states:
                continue
            if room_name and room_name.lower() not in job.room.room_name.lower():
                continue
            # Compare at the one-second precision that create_time is shown with.
            created = int(job.created)
            if (since is not None and created < since) or (until is not None and created > until):
                continue
            matches.append(job)
        if sort_key == "update_time":
            matches.sort(key=lambda job: (int(job.lastupdate), job.seq), reverse=sort_dir == "desc")
        elif sort_key == "asset_order":
            matches.sort(key=lambda job: job.seq, reverse=sort_dir == "desc")
        else:
            matches.sort(key=lambda job: (int(job.created), job.seq), reverse=sort_dir == "desc")
        page = [job.render(now) for job in matches[offset:offset + limit]]
    return json_reply(200, {"count": len(matches), "smart_live_jobs": page})


def start_smart_live(emulator, request, params):
    request.log["effect"] = "noop"
    body = _parse_body(request)
    if body is None:
        return mss_error(400, "MSS.00000002", "Invalid body")
    exit_hours = 0
    play_policy = body.get("play_policy")
    if isinstance(play_policy, dict) and isinstance(play_policy.get("live_exit_config"), dict):
        exit_hours = play_policy["live_exit_config"].get("max_live_duration") or 0
        if isinstance(exit_hours, bool) or not isinstance(exit_hours, int) or not 0 <= exit_hours <= 168:
            return mss_error(400, "MSS.10000003", "Parameter validation abnormal: max_live_duration")
    now = emulator.clock.now()
    with emulator.store.lock:
        room = _find_room(emulator, params["project_id"], params["room_id"], now)
        if room is None:
            return not_found(emulator, request)
        job = emulator.store.add_job(room, None, now, request.app_user())
        job.processing_at = now + emulator.behaviour["start_delay_seconds"]
        job.settle(now)
        job.limit_duration = exit_hours
        if exit_hours:
            job.schedule_auto_end(job.processing_at + exit_hours * 3600, "SUCCEED")
        for key in ("live_event_callback_config", "rtc_callback_config", "co_streamer_config"):
            if isinstance(body.get(key), dict):
                setattr(job, key, body[key])
        shown = job.render(now)
    request.log["effect"] = "started"
    request.log["job_id"] = job.job_id
    return json_reply(202, {
        "job_id": job.job_id,
        "rtc_room_info": shown["rtc_room_info"],
        "live_event_report_url": shown["live_event_report_url"],
        "live_event_callback_config": shown["live_event_callback_config"],
        "live_warning_info": [],
        "limit_duration": exit_hours,
    })


def stop_smart_live(emulator, request, params):
    request.log["effect"] = "noop"
    behaviour = emulator.behaviour
    now = emulator.clock.now()
    with emulator.store.lock:
        job = _find_job(emulator, request, params, now)
        if job is None:
            return not_found(emulator, request)
        if job.ended:
            if behaviour["stop_ended_response"] == "ok":
                return _stop_ok(behaviour)
            return mss_error(400, *STATE_NOT_ALLOWED)
        if job.stopping:
            # Already stopping: the service accepts the repeated call.
            return _stop_ok(behaviour)
        if job.state == WAITING and behaviour["stop_waiting"] == "error":
            return mss_error(400, *STATE_NOT_ALLOWED)
        job.stop_at = now + behaviour["stop_delay_seconds"]
        job.stop_state = behaviour["stop_final_state"]
        job.settle(now)
    request.log["effect"] = "stopped"
    return _stop_ok(behaviour)


def _stop_ok(behaviour):
    if behaviour["stop_response_body"] == "json":
        return Reply(200, b"{}", JSON_TYPE)
    return Reply(200, b"")


def execute_smart_live_command(emulator, request, params):
    body = _parse_body(request)
    if body is None:
        return mss_error(400, "MSS.00000002", "Invalid body")
    command = body.get("command")
    if command not in COMMANDS:
        return mss_error(400, "MSS.00000003", "Invalid parameter: command")
    now = emulator.clock.now()
    with emulator.store.lock:
        job = _find_job(emulator, request, params, now)
        if job is None:
            return not_found(emulator, request)
        if job.state != PROCESSING:
            return mss_error(400, *STATE_NOT_ALLOWED)
    return json_reply(200, {"command_id": new_id(), "command": command, "result": "SUCCESS"})


# --- rooms ---------------------------------------------------------------------


def _render_room(room):
    last = room.last_job()
    return {
        "room_id": room.room_id,
        "project_id": room.project_id,
        "room_name": room.room_name,
        "room_type": room.room_type,
        "room_state": "ENABLE",
        "view_mode": "VERTICAL",
        "error_info": None,
        "room_description": "",
        "cover_url": None,
        "thumbnail": None,
        "model_infos": [],
        "create_time": format_rfc3339(room.created),
        "update_time": format_rfc3339(max(room.updated, last.lastupdate if last else room.updated)),
        "last_job_start_time": format_rfc3339(last.start_time) if last else None,
        "last_job_end_time": format_rfc3339(last.end_time) if last else None,
        "last_job_status": last.state if last else None,
        "priv_data": None,
        "confirm_state": "CONFIRMED",
    }


def show_smart_live_room(emulator, request, params):
    now = emulator.clock.now()
    with emulator.store.lock:
        room = _find_room(emulator, params["project_id"], params["room_id"], now)
        if room is None:
            return not_found(emulator, request)
        for job in room.jobs:
            job.settle(now)
        shown = _render_room(room)
    shown.update({
        "scene_scripts": [], "interaction_rules": [], "play_policy": None, "video_config": None,
        "output_urls": [], "stream_keys": [], "backup_model_asset_ids": [], "live_event_callback_config": None,
        "rtc_callback_config": None, "review_config": None, "shared_config": None, "co_streamer_config": None,
        "relation_live_platform_info": None, "script_version": None,
    })
    return json_reply(200, shown)


def list_smart_live_rooms(emulator, request, params):
    query = request.query
    try:
        offset = _int_param(query, "offset", 0, 0, MAX_OFFSET)
        limit = _int_param(query, "limit", 10, 1, 100)
        live_states = _list_param(query, "live_state", ROOM_LIVE_STATES)
        room_types = _list_param(query, "room_type", ("NORMAL", "TEMP", "TEMPLATE"))
    except BadParameter as error:
        return _bad_parameter(error)
    wanted_states = None if live_states is None else set(ROOM_LIVE_STATES[value] for value in live_states)
    room_name = query.get("room_name")
    now = emulator.clock.now()
    with emulator.store.lock:
        matches = []
        for room in sorted(emulator.store.rooms_of_project(params["project_id"]), key=lambda item: item.seq):
            for job in room.jobs:
                job.settle(now)
            if not _room_visible(emulator, room):
                continue
            if room_name and room_name.lower() not in room.room_name.lower():
                continue
            if room_types is not None and room.room_type not in room_types:
                continue
            last = room.last_job()
            if wanted_states is not None and (last.state if last else None) not in wanted_states:
                continue
            matches.append(room)
        page = [_render_room(room) for room in matches[offset:offset + limit]]
    return json_reply(200, {"count": len(matches), "smart_live_rooms": page})


OPERATION_HANDLERS = {
    "ShowSmartLive": show_smart_live,
    "StopSmartLive": stop_smart_live,
    "ListSmartLive": list_smart_live,
    "ListSmartLiveJobs": list_smart_live_jobs,
    "StartSmartLive": start_smart_live,
    "ShowSmartLiveRoom": show_smart_live_room,
    "ListSmartLiveRooms": list_smart_live_rooms,
    "ExecuteSmartLiveCommand": execute_smart_live_command,
}
STATE_CHANGING = ("StopSmartLive", "StartSmartLive")


# --- IAM -----------------------------------------------------------------------


def create_token(emulator, request):
    """POST /v3/auth/tokens with password authentication scoped to a project."""
    trace_id = request.request_id
    body = _parse_body(request)
    malformed = iam_error(400, "Bad Request", "The request body is malformed.", trace_id)
    if not body:
        return malformed
    auth = body.get("auth")
    identity = auth.get("identity") if isinstance(auth, dict) else None
    if not isinstance(identity, dict) or "password" not in (identity.get("methods") or []):
        return malformed
    user_spec = (identity.get("password") or {}).get("user") if isinstance(identity.get("password"), dict) else None
    if not isinstance(user_spec, dict) or not isinstance(user_spec.get("domain"), dict):
        return malformed
    name, password, domain = user_spec.get("name"), user_spec.get("password"), user_spec["domain"]
    if not isinstance(name, str) or not isinstance(password, str):
        return malformed
    scope = auth.get("scope")
    project_spec = scope.get("project") if isinstance(scope, dict) else None
    if not isinstance(project_spec, dict) or not (project_spec.get("id") or project_spec.get("name")):
        return iam_error(400, "Bad Request", "A project scope (auth.scope.project.id or .name) is required.", trace_id)
    request.log["user"] = name
    store = emulator.store
    now = emulator.clock.now()
    with store.lock:
        user = _find_user(store, domain, name)
        if user is None or user.password != password:
            return iam_error(401, "Unauthorized", "The username or password is wrong.", trace_id)
        if project_spec.get("id"):
            project = store.projects.get(project_spec["id"])
        else:
            project = store.find_project_by_name(project_spec["name"])
        if project is None or not user.allows(project.project_id):
            return iam_error(401, "Unauthorized", "The request you have made requires authentication.", trace_id)
        token = Token(new_token(), project.project_id, now, now + emulator.behaviour["token_ttl_seconds"], user)
        store.tokens[token.token] = token
    document = {"token": {
        "expires_at": format_rfc3339(token.expires_at, fraction=True),
        "issued_at": format_rfc3339(token.issued_at, fraction=True),
        "methods": ["password"],
        "project": {"id": project.project_id, "name": project.name,
                    "domain": {"id": user.domain_id, "name": user.domain_name}},
        "domain": {"id": user.domain_id, "name": user.domain_name},
        "user": {"id": user.user_id, "name": user.name, "password_expires_at": "",
                 "domain": {"id": user.domain_id, "name": user.domain_name}},
        "roles": [{"id": "0", "name": "te_admin"}, {"id": "1", "name": "op_gated_metastudio"}],
    }}
    if not request.query.get("nocatalog"):
        base = request.base_url()
        document["token"]["catalog"] = [
            {"type": "metastudio", "name": "metastudio", "id": "metastudio",
             "endpoints": [{"id": "metastudio-%s" % project.name, "interface": "public", "region": project.name,
                            "region_id": project.name, "url": "%s/v1/$(tenant_id)s" % base}]},
            {"type": "identity", "name": "iam", "id": "iam",
             "endpoints": [{"id": "iam", "interface": "public", "region": "*", "region_id": "*",
                            "url": "%s/v3" % base}]},
        ]
    reply = Reply(201, to_json_bytes(document), JSON_TYPE)
    reply.add_header("X-Subject-Token", token.token)
    reply.add_header("X-IAM-Trace-Id", trace_id)
    return reply


def _find_user(store, domain, name):
    if domain.get("name"):
        return store.users.get((domain["name"], name))
    if domain.get("id"):
        for user in store.users.values():
            if user.name == name and user.domain_id == domain["id"]:
                return user
    return None
