# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Calls of the smart-live room APIs, one thin function per operation.

Internal to the metastudio.cloud collection; may change in any release. Free of Ansible.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

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
        for room in rooms:
            yield room
