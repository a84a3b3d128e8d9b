# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Live room operations: create, show, update, delete, list. They return documents and raise domain errors."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from .errors import StateNotAllowed, ValidationFailed
from .lookup import find_room, room_visible, settle_room
from .model import ROOM_READ_ONLY_FIELDS, ROOM_TYPES
from .queries import body_object, list_param, page_params, time_param
from .validation import room_body

# live_state filter values of ListSmartLiveRooms; SUCCESS is how the docs spell SUCCEED there.
ROOM_LIVE_STATES = {"WAITING": "WAITING", "PROCESSING": "PROCESSING", "SUCCESS": "SUCCEED", "SUCCEED": "SUCCEED",
                    "FAILED": "FAILED", "CANCELED": "CANCELED", "BLOCKED": "BLOCKED", "NULL": None}
CONFIRM_STATES = ("unconfirm", "confirmed", "reject")
TEMPLATE_OWN_TYPES = ("OWNED", "SHARED_TO_OHTERS", "SHARED_FROM_OHTERS", "PUBLIC")


def create_smart_live_room(emulator, request, params):
    body = body_object(request)
    room_body(body)
    now = emulator.clock.now()
    with emulator.store.lock:
        room = emulator.store.add_room(params["project_id"], None, body["room_name"], "NORMAL", now)
        room.set_spec(body, now)
    request.log["effect"] = "created"
    request.log["room_id"] = room.room_id
    return {"room_id": room.room_id}


def show_smart_live_room(emulator, request, params):
    now = emulator.clock.now()
    with emulator.store.lock:
        room = find_room(emulator, params["project_id"], params["room_id"], now)
        settle_room(room, now)
        return room.render_full(mask_secrets=emulator.behaviour["room_secrets"] == "masked")


def _update_body(emulator, body):
    """The PUT body without the read-only fields a client echoed from a show (or refused for them)."""
    echoed = sorted(key for key in ROOM_READ_ONLY_FIELDS if key in body)
    if echoed and emulator.behaviour["update_read_only_fields"] == "rejected":
        raise ValidationFailed("read-only fields %s" % ", ".join(echoed))
    return dict((key, value) for key, value in body.items() if key not in ROOM_READ_ONLY_FIELDS)


def update_smart_live_room(emulator, request, params):
    body = _update_body(emulator, body_object(request))
    room_body(body)
    behaviour = emulator.behaviour
    now = emulator.clock.now()
    with emulator.store.lock:
        room = find_room(emulator, params["project_id"], params["room_id"], now)
        settle_room(room, now)
        if behaviour["update_room_while_live"] == "refused" and any(not job.ended for job in room.jobs):
            raise StateNotAllowed()
        if behaviour["update_room_semantics"] == "merge":
            merged = dict(room.spec)
            merged.update(body)
            body = merged
        room.set_spec(body, now)
        shown = room.render_full(mask_secrets=behaviour["room_secrets"] == "masked")
    request.log["effect"] = "updated"
    return shown


def delete_smart_live_room(emulator, request, params):
    behaviour = emulator.behaviour
    now = emulator.clock.now()
    with emulator.store.lock:
        room = find_room(emulator, params["project_id"], params["room_id"], now)
        settle_room(room, now)
        running = [job for job in room.jobs if not job.ended]
        mode = behaviour["delete_room_with_running_job"]
        if running and mode == "refused":
            raise StateNotAllowed()
        if mode == "stops_job":
            for job in running:
                job.finish(now, behaviour["stop_final_state"])
        emulator.store.delete_room(room)
    request.log["effect"] = "deleted"


def _room_filter(query):
    """A predicate for ListSmartLiveRooms' filters; bad values raise InvalidParameter."""
    live_states = list_param(query, "live_state", ROOM_LIVE_STATES)
    room_types = list_param(query, "room_type", ROOM_TYPES)
    list_param(query, "template_own_type", TEMPLATE_OWN_TYPES)
    confirm_states = list_param(query, "confirm_state", CONFIRM_STATES)
    wanted_states = None if live_states is None else set(ROOM_LIVE_STATES[value] for value in live_states)
    since, until = time_param(query, "start_time"), time_param(query, "end_time")
    room_name, dh_id = query.get("room_name"), query.get("dh_id")

    def wanted(room):
        last = room.last_job()
        started = int(last.start_time) if last is not None and last.start_time is not None else None
        return not (
            (room_name and room_name.lower() not in room.room_name.lower())
            or (room_types is not None and room.room_type not in room_types)
            or (wanted_states is not None and (last.state if last else None) not in wanted_states)
            or (confirm_states is not None and "confirmed" not in confirm_states)
            or (dh_id and dh_id not in [info["model_asset_id"] for info in room.model_infos()])
            or (since is not None and (started is None or started < int(since)))
            or (until is not None and (started is None or started > until)))
    return wanted


def list_smart_live_rooms(emulator, request, params):
    query = request.query
    offset, limit = page_params(query)
    wanted = _room_filter(query)
    now = emulator.clock.now()
    with emulator.store.lock:
        matches = []
        for room in sorted(emulator.store.rooms_of_project(params["project_id"]), key=lambda item: item.seq):
            settle_room(room, now)
            if room_visible(emulator, room, now) and wanted(room):
                matches.append(room)
        page = [room.render_summary() for room in matches[offset:offset + limit]]
    return {"count": len(matches), "smart_live_rooms": page}
