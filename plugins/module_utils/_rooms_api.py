# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Calls of the smart-live room APIs, one thin function per operation.

Internal to the metastudio.cloud collection; may change in any release. Free of Ansible.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.metastudio.cloud.plugins.module_utils._endpoint import validate_id
from ansible_collections.metastudio.cloud.plugins.module_utils._errors import InvalidInputError
from ansible_collections.metastudio.cloud.plugins.module_utils._paginate import iter_pages

# The API's largest page of rooms.
ROOM_PAGE_SIZE = 100


def iter_room_pages(transport, query=None, page_size=ROOM_PAGE_SIZE):
    """Pages of rooms of the project (ListSmartLiveRooms), as (rooms, request_id), with the API's filters."""
    def fetch(offset, limit):
        return transport.call("ListSmartLiveRooms", query=sorted(dict(query or {}, offset=offset, limit=limit).items()))
    return iter_pages(fetch, "smart_live_rooms", page_size)


def iter_rooms(transport, query=None):
    """Every room of the project that matches the API's filters in ``query``."""
    for rooms, dummy in iter_room_pages(transport, query):
        yield from rooms


def find_rooms_by_name(transport, room_name, query=None):
    """The rooms whose name is exactly ``room_name`` (and that match the other filters of ``query``): the
    API's room_name filter is fuzzy, so it narrows the listing and the exact match is made here."""
    query = dict(query or {}, room_name=room_name)
    return [room for room in iter_rooms(transport, query) if room.get("room_name") == room_name]


def resolve_room_id(transport, room_id=None, room_name=None):
    """The id of the room named by ``room_id`` or by its exact ``room_name``; None when no room has that
    name. Two rooms with the name is an error naming both ids: room names are not unique in the API."""
    if room_id is not None:
        return validate_id("room_id", room_id)
    rooms = find_rooms_by_name(transport, room_name)
    if len(rooms) > 1:
        raise InvalidInputError("room_name %r names %d rooms (%s): give room_id instead" % (
            room_name, len(rooms), ", ".join(str(room.get("room_id")) for room in rooms)))
    return rooms[0].get("room_id") if rooms else None


def show_room(transport, room_id):
    """ShowSmartLiveRoom: the whole room, its secrets included (redact before returning it)."""
    return transport.call("ShowSmartLiveRoom", room_id=room_id)


def create_room(transport, body):
    """CreateSmartLiveRoom: answers the new room_id only. Never sent twice (see find_created_room)."""
    return transport.call("CreateSmartLiveRoom", body=body)


def update_room(transport, room_id, body):
    """UpdateSmartLiveRoom: a PUT of the whole room body (room_name included); answers the room."""
    return transport.call("UpdateSmartLiveRoom", body=body, room_id=room_id)


def delete_room(transport, room_id):
    """DeleteSmartLiveRoom: no body in the answer."""
    return transport.call("DeleteSmartLiveRoom", room_id=room_id)
