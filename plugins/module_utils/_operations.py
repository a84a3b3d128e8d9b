# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every API operation the collection calls, declared once.

Internal to the metastudio.cloud collection; may change in any release. Free of Ansible.

``resendable`` says whether the call may be sent again after its answer was lost (a 5xx, a reset
connection, a read timeout): true for reads and for calls whose repetition changes nothing more
(a stop, a full PUT, a delete). A call that is not resendable (a create, a start, a command) is retried
only when the failure proves that it never reached the service; otherwise the caller is told that it
may have been applied and finds out by reading.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re
from urllib.parse import quote

from ansible_collections.metastudio.cloud.plugins.module_utils._endpoint import validate_id

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class Operation(object):
    """One API operation: its name (as in the API reference), method, path template and resend rule.

    ``success`` holds the documented success statuses; any 2xx answer is taken as success, since the
    reference leaves some of them open (a create may answer 200 or 201).
    ``service`` is ``metastudio`` or ``iam``: which base URL the path is relative to.
    """

    __slots__ = ("name", "method", "path", "resendable", "success", "service")

    def __init__(self, name, method, path, resendable, success=(200,), service="metastudio"):
        self.name = name
        self.method = method
        self.path = path
        self.resendable = resendable
        self.success = success
        self.service = service

    def url_path(self, **ids):
        """The path with each {placeholder} replaced by its validated, quoted id."""
        def fill(match):
            name = match.group(1)
            if ids.get(name) is None:
                raise ValueError("%s needs %s" % (self.name, name))
            return quote(validate_id(name, ids[name]), safe="")
        return PLACEHOLDER.sub(fill, self.path)


ROOMS = "/v1/{project_id}/smart-live-rooms"
ROOM = ROOMS + "/{room_id}"
ROOM_JOBS = ROOM + "/smart-live-jobs"
JOB = ROOM_JOBS + "/{job_id}"

OPERATIONS = dict((operation.name, operation) for operation in (
    Operation("ListSmartLiveRooms", "GET", ROOMS, resendable=True),
    Operation("CreateSmartLiveRoom", "POST", ROOMS, resendable=False, success=(200, 201)),
    Operation("ShowSmartLiveRoom", "GET", ROOM, resendable=True),
    # The PUT carries the whole room: sending it twice leaves the room as sending it once.
    Operation("UpdateSmartLiveRoom", "PUT", ROOM, resendable=True),
    # A delete sent again after it took effect is answered "not found", which the caller reads as done.
    Operation("DeleteSmartLiveRoom", "DELETE", ROOM, resendable=True),
    Operation("ListSmartLive", "GET", ROOM_JOBS, resendable=True),
    # Every start makes a new paid livestream: never sent twice.
    Operation("StartSmartLive", "POST", ROOM_JOBS, resendable=False, success=(202,)),
    Operation("ShowSmartLive", "GET", JOB, resendable=True),
    # A stop of an ended job is answered, not applied again.
    Operation("StopSmartLive", "POST", JOB + "/stop", resendable=True),
    # INSERT_* commands queue playback: a second send plays twice.
    Operation("ExecuteSmartLiveCommand", "POST", JOB + "/command", resendable=False),
    Operation("ListSmartLiveJobs", "GET", "/v1/{project_id}/smart-live-jobs", resendable=True),
    # A second token is as good as the first.
    Operation("KeystoneCreateUserTokenByPassword", "POST", "/v3/auth/tokens", resendable=True, success=(201,),
              service="iam"),
))
