# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Live room operations. They return documents and raise domain errors."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from .lookup import find_room, room_visible, settle_room
from .model import ROOM_TYPES
from .queries import list_param, page_params

# live_state filter values of ListSmartLiveRooms; SUCCESS is how the docs spell SUCCEED there.
ROOM_LIVE_STATES = {"WAITING": "WAITING", "PROCESSING": "PROCESSING", "SUCCESS": "SUCCEED", "SUCCEED": "SUCCEED",
                    "FAILED": "FAILED", "CANCELED": "CANCELED", "BLOCKED": "BLOCKED", "NULL": None}


def show_smart_live_room(emulator, request, params):
    now = emulator.clock.now()
    with emulator.store.lock:
        room = find_room(emulator, params["project_id"], params["room_id"], now)
        settle_room(room, now)
        return room.render_full()


def _room_filter(query):
    live_states = list_param(query, "live_state", ROOM_LIVE_STATES)
    room_types = list_param(query, "room_type", ROOM_TYPES)
    wanted_states = None if live_states is None else set(ROOM_LIVE_STATES[value] for value in live_states)
    room_name = query.get("room_name")

    def wanted(room):
        if room_name and room_name.lower() not in room.room_name.lower():
            return False
        if room_types is not None and room.room_type not in room_types:
            return False
        last = room.last_job()
        return wanted_states is None or (last.state if last else None) in wanted_states
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
            if room_visible(emulator, room) and wanted(room):
                matches.append(room)
        page = [room.render_summary() for room in matches[offset:offset + limit]]
    return {"count": len(matches), "smart_live_rooms": page}
