#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: metastudio_live_room_info
short_description: List Huawei Cloud MetaStudio smart-live rooms, or read one in full
version_added: 1.1.0
description:
  - Reads MetaStudio smart-live rooms. Nothing is ever changed.
  - Without O(room_id), the rooms of the project are listed with the C(ListSmartLiveRooms) API and its filters,
    page by page (100 rooms a page) until every match has been read. Listed rooms carry the listing's fields
    (no scripts, URLs or keys).
  - With O(room_id), that room is read in full with the C(ShowSmartLiveRoom) API. With O(room_name) and
    O(exact=true), each room of exactly that name is read in full too.
  - A room read in full can be given as it is to O(metastudio.cloud.metastudio_live_room#module:definition),
    once its masked secrets are replaced or left out.
author:
  - metastudio.cloud maintainers (@metastudio-cloud)
options:
  room_id:
    description:
      - ID of one room to read in full. Cannot be combined with the filters.
    type: str
  room_name:
    description:
      - Only rooms whose name contains this text; the service matches it loosely (a fuzzy match).
      - With O(exact=true), only rooms whose name is exactly this text.
    type: str
  exact:
    description:
      - Whether O(room_name) must match the whole name, exactly. The rooms found are then read in full.
    type: bool
    default: false
  room_type:
    description:
      - Only rooms of this type.
    type: str
    choices: [NORMAL, TEMP, TEMPLATE]
  live_state:
    description:
      - Only rooms whose latest job is in one of these states, V(NULL) standing for rooms that have never had a job.
      - The values the API documents for this filter are V(WAITING), V(PROCESSING), V(SUCCESS), V(FAILED),
        V(CANCELED) and V(NULL). They are sent in upper case, as one comma-separated filter.
    type: list
    elements: str
  dh_id:
    description:
      - Only rooms that use this virtual-human avatar (its asset id).
    type: str
  model_name:
    description:
      - Only rooms that use an avatar whose name contains this text (fuzzy).
    type: str
  start_time:
    description:
      - Only rooms whose latest job started at or after this time, an RFC 3339 date-time such as
        V(2026-11-23T08:00:00Z).
    type: str
  end_time:
    description:
      - Only rooms whose latest job started at or before this time, an RFC 3339 date-time.
    type: str
  template_own_type:
    description:
      - For room templates, whose they are. The values are spelt as the API spells them.
    type: str
    choices: [OWNED, SHARED_TO_OHTERS, SHARED_FROM_OHTERS, PUBLIC]
  confirm_state:
    description:
      - Only rooms in this script confirmation state. Sent in lower case, as the API's filter takes it (rooms
        show it in upper case).
    type: str
    choices: [unconfirm, confirmed, reject, UNCONFIRM, CONFIRMED, REJECT]
extends_documentation_fragment:
  - metastudio.cloud.auth
  - metastudio.cloud.connection
  - ansible.builtin.action_common_attributes
  - metastudio.cloud.attributes
attributes:
  check_mode:
    support: full
    details: read-only
  diff_mode:
    support: none
notes:
  - A room id that names no room is reported by the service as an invalid parameter (HTTP 400, C(MSS.00000003));
    the task then fails with that error. To test whether a room exists, use O(room_name) with O(exact=true), which
    returns an empty list.
seealso:
  - module: metastudio.cloud.metastudio_live_room
'''

EXAMPLES = r'''
- name: Every room of the project
  metastudio.cloud.metastudio_live_room_info:
    project_id: "{{ project_id }}"
  register: all_rooms

- name: The room named exactly "Spring sale", in full (its secrets masked)
  metastudio.cloud.metastudio_live_room_info:
    project_id: "{{ project_id }}"
    room_name: Spring sale
    exact: true
  register: spring

- name: Rooms whose latest job still runs, or that never had one
  metastudio.cloud.metastudio_live_room_info:
    project_id: "{{ project_id }}"
    room_type: NORMAL
    live_state: [WAITING, PROCESSING, "NULL"]
    start_time: "2026-01-01T00:00:00Z"

- name: One room by id
  metastudio.cloud.metastudio_live_room_info:
    project_id: "{{ project_id }}"
    room_id: "{{ all_rooms.rooms[0].room_id }}"
  when: all_rooms.rooms | length > 0
'''

RETURN = r'''
rooms:
  description:
    - The rooms found, in the order of the listing. Read in full with O(room_id) or O(exact=true), else as the
      listing gives them.
    - C(stream_keys), C(output_urls), C(priv_data), C(live_event_callback_config.key) and a callback URL that
      carries its own credentials are replaced by C(********).
  returned: always
  type: list
  elements: dict
  sample:
    - room_id: 26f065244f754b3aa853b649a21aaf66
      room_name: Spring sale
      room_type: NORMAL
      room_state: ENABLE
      last_job_status: PROCESSING
      priv_data: "********"
request_ids:
  description: C(X-Request-Id) of every call made by the task, in order (one per page), retries included.
  returned: always
  type: list
  elements: str
status_code:
  description: HTTP status of the failed call, when the API answered.
  returned: failure
  type: int
  sample: 400
error_code:
  description: The API's C(error_code), such as C(MSS.00000003).
  returned: failure
  type: str
error_msg:
  description: The API's C(error_msg).
  returned: failure
  type: str
request_id:
  description: C(X-Request-Id) of the failed call.
  returned: failure
  type: str
'''

import re

from ansible_collections.metastudio.cloud.plugins.module_utils._endpoint import validate_id
from ansible_collections.metastudio.cloud.plugins.module_utils._errors import InvalidInputError, MetaStudioError
from ansible_collections.metastudio.cloud.plugins.module_utils._live_transform import STATE_PATTERN
from ansible_collections.metastudio.cloud.plugins.module_utils._module import MetaStudioModule
from ansible_collections.metastudio.cloud.plugins.module_utils._rooms import redact_room
from ansible_collections.metastudio.cloud.plugins.module_utils._rooms_api import find_rooms_by_name, iter_rooms, show_room

FILTERS = ("room_name", "room_type", "live_state", "dh_id", "model_name", "start_time", "end_time",
           "template_own_type", "confirm_state")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class LiveRoomInfoModule(MetaStudioModule):
    query = None
    argument_spec = dict(
        room_id=dict(type="str"),
        room_name=dict(type="str"),
        exact=dict(type="bool", default=False),
        room_type=dict(type="str", choices=["NORMAL", "TEMP", "TEMPLATE"]),
        live_state=dict(type="list", elements="str"),
        dh_id=dict(type="str"),
        model_name=dict(type="str"),
        start_time=dict(type="str"),
        end_time=dict(type="str"),
        template_own_type=dict(type="str", choices=["OWNED", "SHARED_TO_OHTERS", "SHARED_FROM_OHTERS", "PUBLIC"]),
        confirm_state=dict(type="str", choices=["unconfirm", "confirmed", "reject", "UNCONFIRM", "CONFIRMED", "REJECT"]),
    )
    module_kwargs = dict(supports_check_mode=True)

    def validate(self):
        params = self.params
        given = [name for name in FILTERS if params[name] is not None]
        if params["room_id"] is not None:
            validate_id("room_id", params["room_id"])
            if given:
                raise InvalidInputError("room_id reads one room and cannot be combined with %s" % ", ".join(given))
        if params["exact"] and not params["room_name"]:
            raise InvalidInputError("exact=true needs room_name, the exact name to look for")
        for name in ("room_name", "dh_id", "model_name"):
            if params[name] is not None and not params[name].strip():
                raise InvalidInputError("%s must not be empty" % name)
        for name in ("start_time", "end_time"):
            if params[name] is not None and not RFC3339.match(params[name]):
                raise InvalidInputError("%s must be an RFC 3339 date-time such as 2026-11-23T08:00:00Z, got %r" % (
                    name, params[name]))
        self.query = dict((name, params[name]) for name in given)
        if params["live_state"] is not None:
            states = list(dict.fromkeys(state.strip().upper() for state in params["live_state"]))
            for state in states:
                if not STATE_PATTERN.match(state):
                    raise InvalidInputError("live_state %r is not a state such as WAITING, PROCESSING or NULL" % state)
            self.query["live_state"] = ",".join(states)
            if not states:
                del self.query["live_state"]
        if params["confirm_state"] is not None:
            self.query["confirm_state"] = params["confirm_state"].lower()

    def run(self):
        params = self.params
        if params["room_id"] is not None:
            return dict(changed=False, rooms=[self.full_room(params["room_id"])])
        if params["exact"]:
            query = dict((key, value) for key, value in self.query.items() if key != "room_name")
            found = find_rooms_by_name(self.transport, params["room_name"], query)
            rooms = [self.full_room(room.get("room_id"), missing_ok=True) for room in found]
            return dict(changed=False, rooms=[room for room in rooms if room is not None])
        return dict(changed=False, rooms=[redact_room(room) for room in iter_rooms(self.transport, self.query)])

    def full_room(self, room_id, missing_ok=False):
        """The room read in full and redacted; None for a room gone since it was listed, when ``missing_ok``."""
        try:
            room = show_room(self.transport, room_id).body or {}
        except MetaStudioError as error:
            if not error.not_found:
                raise
            if missing_ok:
                return None
            raise error.derive(msg="room %s was not found (%s)" % (room_id, error.msg))
        return redact_room(room)


def main():
    LiveRoomInfoModule()()


if __name__ == "__main__":
    main()
