# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The routing table: every API operation the emulator serves, declared once.

Fault operation names, call-log operation names and the state-changing set all come from `ROUTES`.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from collections import namedtuple

from . import commands, iam, jobs, rooms

# status: the success status, or the name of the behaviour that chooses it; rate: the gateway's documented
# calls per second for this API and project (None: the gateway's default).
Route = namedtuple("Route", "method template operation handler changes_state status rate")
# The gateway's default limit per API, where the reference gives none for an operation.
DEFAULT_RATE = 200
IAM_OPERATION = "KeystoneCreateUserTokenByPassword"
_ROOMS = "/v1/{project_id}/smart-live-rooms"
_ROOM = _ROOMS + "/{room_id}"
_JOBS = _ROOM + "/smart-live-jobs"
_JOB = _JOBS + "/{job_id}"

ROUTES = (
    Route("GET", _JOB, "ShowSmartLive", jobs.show_smart_live, False, 200, None),
    Route("POST", _JOB + "/stop", "StopSmartLive", jobs.stop_smart_live, True, 200, None),
    Route("GET", _JOBS, "ListSmartLive", jobs.list_smart_live, False, 200, None),
    Route("GET", "/v1/{project_id}/smart-live-jobs", "ListSmartLiveJobs", jobs.list_smart_live_jobs, False, 200, None),
    Route("POST", _JOBS, "StartSmartLive", jobs.start_smart_live, True, 202, 4),
    Route("POST", _JOB + "/command", "ExecuteSmartLiveCommand", commands.execute_smart_live_command, True, 200,
          None),
    Route("POST", _ROOMS, "CreateSmartLiveRoom", rooms.create_smart_live_room, True, "create_room_status", 5),
    Route("GET", _ROOM, "ShowSmartLiveRoom", rooms.show_smart_live_room, False, 200, 20),
    Route("PUT", _ROOM, "UpdateSmartLiveRoom", rooms.update_smart_live_room, True, 200, 5),
    Route("DELETE", _ROOM, "DeleteSmartLiveRoom", rooms.delete_smart_live_room, True, 200, 4),
    Route("GET", _ROOMS, "ListSmartLiveRooms", rooms.list_smart_live_rooms, False, 200, 20),
    Route("POST", "/v3/auth/tokens", IAM_OPERATION, iam.create_token, False, 201, None),
)
OPERATIONS = tuple(route.operation for route in ROUTES)
REFERENCE_RATES = dict((route.operation, route.rate or DEFAULT_RATE) for route in ROUTES)
STATE_CHANGING = frozenset(route.operation for route in ROUTES if route.changes_state)
_SPLIT = tuple((route, route.template.split("/")[1:]) for route in ROUTES)


def _match_template(parts, segments):
    if len(parts) != len(segments):
        return None
    params = {}
    for part, segment in zip(parts, segments):
        if part.startswith("{"):
            params[part[1:-1]] = segment
        elif part != segment:
            return None
    return params


def match(method, segments):
    """(route, params) for decoded path segments; route None means no API, and params then says why:
    "method" when the path exists with other methods, else "path"."""
    if any(not segment for segment in segments):
        return None, "path"
    path_exists = False
    for route, parts in _SPLIT:
        params = _match_template(parts, segments)
        if params is None:
            continue
        if route.method == method:
            return route, params
        path_exists = True
    return None, "method" if path_exists else "path"
