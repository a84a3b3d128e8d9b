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


def find_rooms_by_name(transport, room_name):
    """The rooms whose name is exactly ``room_name``: the API's room_name filter is fuzzy, so it narrows
    the listing and the exact match is made here."""
    return [room for room in iter_rooms(transport, {"room_name": room_name}) if room.get("room_name") == room_name]


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
