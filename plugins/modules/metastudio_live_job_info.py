#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: metastudio_live_job_info
short_description: List Huawei Cloud MetaStudio smart-live (virtual human livestream) jobs
version_added: 1.0.0
description:
  - Reads MetaStudio smart-live jobs and returns them as the API gives them. Nothing is ever changed.
  - Without O(room_id), the jobs of the whole project are listed with the C(ListSmartLiveJobs) API, optionally
    narrowed by O(room_name).
  - With O(room_id) alone, the jobs of that room are listed with the C(ListSmartLive) API.
  - With O(room_id) and O(job_id), that one job is read with the C(ShowSmartLive) API.
  - Listings are followed page by page (100 jobs a page) until every match has been read, so the result holds
    all the jobs that match, however many there are.
  - RV(jobs) can be passed as it is to O(metastudio.cloud.metastudio_live_job#module:jobs) to stop these jobs.
author:
  - metastudio.cloud maintainers (@metastudio-cloud)
options:
  room_id:
    description:
      - ID of a smart-live room. Only the jobs of this room are returned.
      - Without it, the jobs of every room of the project are returned.
    type: str
  job_id:
    description:
      - ID of one smart-live job to read. Needs O(room_id).
      - Cannot be combined with O(room_name), O(create_since) or O(create_until).
    type: str
  room_name:
    description:
      - A filter of the project's listing, not a room's identity. Only jobs of rooms whose name contains this
        text are returned, as the service matches it loosely (a fuzzy match), so jobs of several rooms can
        come back. O(room_name_match=exact) keeps only the rooms named exactly so.
      - Only without O(room_id). To name one room exactly, for example to start or stop its jobs, use
        O(metastudio.cloud.metastudio_live_job#module:room_name) of M(metastudio.cloud.metastudio_live_job).
    type: str
  room_name_match:
    description:
      - How O(room_name) is matched. V(contains) is the service's loose match. V(exact) then keeps only the
        jobs whose C(room_name) equals O(room_name), of every room with that name (room names need not be unique).
    type: str
    choices: [contains, exact]
    default: contains
    version_added: 1.1.0
  state:
    description:
      - Only jobs in one of these states, for example V([WAITING, PROCESSING]) for the jobs that still run.
      - The states documented by the API are V(WAITING), V(PROCESSING), V(SUCCEED), V(FAILED) and V(BLOCKED).
        Values are sent in upper case, as the API's comma-separated C(state) filter.
      - With O(job_id), the job is returned only when it is in one of these states.
      - An empty list filters nothing, like leaving the option out.
    type: list
    elements: str
  create_since:
    description:
      - Only jobs created at or after this time, an RFC 3339 date-time such as V(2026-11-23T08:00:00Z).
      - Sent as it is to the API.
    type: str
  create_until:
    description:
      - Only jobs created at or before this time, an RFC 3339 date-time such as V(2026-11-23T20:00:00Z).
      - Sent as it is to the API.
    type: str
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
  - A job or room that does not exist is reported by the service as an invalid parameter (HTTP 400,
    C(MSS.00000003)); the task then fails with that error rather than returning an empty list.
  - A job listed twice because the listing changed between two pages is returned once.
seealso:
  - module: metastudio.cloud.metastudio_live_job
  - name: ListSmartLiveJobs API
    description: Huawei Cloud MetaStudio API reference for listing the smart-live jobs of a project.
    link: https://support.huaweicloud.com/intl/en-us/api-metastudio/ListSmartLiveJobs.html
  - name: ListSmartLive API
    description: Huawei Cloud MetaStudio API reference for listing the smart-live jobs of a room.
    link: https://support.huaweicloud.com/intl/en-us/api-metastudio/ListSmartLive.html
'''

EXAMPLES = r'''
- name: List the jobs that still run anywhere in the project
  metastudio.cloud.metastudio_live_job_info:
    project_id: "{{ project_id }}"
    state: [WAITING, PROCESSING]
  register: live

- name: Show how many there are
  ansible.builtin.debug:
    msg: "{{ live.jobs | length }} live jobs in rooms {{ live.jobs | map(attribute='room_name') | unique | join(', ') }}"

- name: Stop them all
  metastudio.cloud.metastudio_live_job:
    project_id: "{{ project_id }}"
    jobs: "{{ live.jobs }}"

- name: List every job of one room created today
  metastudio.cloud.metastudio_live_job_info:
    project_id: "{{ project_id }}"
    room_id: "{{ room_id }}"
    create_since: "{{ now(utc=true, fmt='%Y-%m-%dT00:00:00Z') }}"
  register: today

- name: Jobs of rooms whose name contains "spring", with credentials for the whole play
  module_defaults:
    group/metastudio.cloud.metastudio:
      access_key: "{{ lookup('ansible.builtin.env', 'HUAWEICLOUD_SDK_AK') }}"
      secret_key: "{{ lookup('ansible.builtin.env', 'HUAWEICLOUD_SDK_SK') }}"
      project_id: "{{ project_id }}"
      region: cn-north-4
  block:
    - name: List by room name
      metastudio.cloud.metastudio_live_job_info:
        room_name: spring
      register: spring

- name: Jobs of the rooms named exactly "Spring sale", not "Spring sale 2"
  metastudio.cloud.metastudio_live_job_info:
    project_id: "{{ project_id }}"
    room_name: Spring sale
    room_name_match: exact
  register: exact

- name: Read one job
  metastudio.cloud.metastudio_live_job_info:
    project_id: "{{ project_id }}"
    room_id: "{{ room_id }}"
    job_id: "{{ job_id }}"
  register: one

- name: Wait until the job has ended
  metastudio.cloud.metastudio_live_job_info:
    project_id: "{{ project_id }}"
    room_id: "{{ room_id }}"
    job_id: "{{ job_id }}"
  register: polled
  until: polled.jobs[0].state not in ['WAITING', 'PROCESSING']
  retries: 60
  delay: 10
'''

RETURN = r'''
jobs:
  description:
    - The jobs found, as the API returned them, in the order it listed them (by creation time, oldest first).
    - Each holds at least C(job_id), C(room_id), C(room_name) and C(state) when the API gives them, and
      the other fields of the API's job object, such as C(create_time), C(start_time), C(end_time),
      C(lastupdate_time), C(duration) and C(error_info).
    - C(room_id) is filled in from O(room_id) when a room listing leaves it out.
    - Secrets the API returns with a job, the RTC user signatures (C(rtc_room_info.users[].signature)) and the
      live-event callback key (C(live_event_callback_config.key)), are replaced by C(********).
  returned: always
  type: list
  elements: dict
  sample:
    - job_id: e87104f76d7546ce8a46ac6b04c49c3c
      room_id: 26f065244f754b3aa853b649a21aaf66
      room_name: Spring sale
      state: PROCESSING
      create_time: "2026-11-23T07:59:12Z"
      start_time: "2026-11-23T08:00:00Z"
      end_time: null
      lastupdate_time: "2026-11-23T08:00:00Z"
      duration: 3600.5
      error_info: null
  contains:
    job_id:
      description: ID of the job.
      type: str
      returned: always
    room_id:
      description: ID of the room the job runs in.
      type: str
      returned: always
    room_name:
      description: Name of the room.
      type: str
      returned: when the API gives it
    state:
      description:
        - State of the job. V(WAITING) and V(PROCESSING) still run; V(SUCCEED), V(FAILED), V(BLOCKED) and any
          other value mean the job has ended.
      type: str
      returned: always
      sample: PROCESSING
    create_time:
      description: When the job was created (RFC 3339).
      type: str
      returned: when the API gives it
    start_time:
      description: When the livestream started (RFC 3339).
      type: str
      returned: when the API gives it
    end_time:
      description: When the livestream ended (RFC 3339).
      type: str
      returned: when the API gives it
    lastupdate_time:
      description: When the job last changed (RFC 3339).
      type: str
      returned: when the API gives it
    error_info:
      description: Why the job failed, with C(error_code) and C(error_msg).
      type: dict
      returned: when the API gives it
request_ids:
  description: C(X-Request-Id) of every call made by the task, in order (one per page), retries included.
  returned: always
  type: list
  elements: str
  sample: [0b2f6a6c2f8c4a4c8f1a0c9e5d3b2a10, 6d3c7d0b3ad14b0e9f1f2c1f0a9b8c7d]
status_code:
  description: HTTP status of the failed call, when the API answered.
  returned: failure
  type: int
  sample: 400
error_code:
  description: The API's C(error_code), such as C(APIG.0301) or C(MSS.00000003).
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

from ansible_collections.metastudio.cloud.plugins.module_utils._endpoint import validate_id
from ansible_collections.metastudio.cloud.plugins.module_utils._errors import InvalidInputError, MetaStudioError
from ansible_collections.metastudio.cloud.plugins.module_utils._live_api import iter_jobs, show_job
from ansible_collections.metastudio.cloud.plugins.module_utils._live_jobs import NOT_FOUND
from ansible_collections.metastudio.cloud.plugins.module_utils._live_transform import STATE_PATTERN, redact_job
from ansible_collections.metastudio.cloud.plugins.module_utils._module import MetaStudioModule

PAGE_SIZE = 100


class LiveJobInfoModule(MetaStudioModule):
    states = None
    argument_spec = dict(
        room_id=dict(type="str"),
        job_id=dict(type="str"),
        room_name=dict(type="str"),
        room_name_match=dict(type="str", default="contains", choices=["contains", "exact"]),
        state=dict(type="list", elements="str"),
        create_since=dict(type="str"),
        create_until=dict(type="str"),
    )
    module_kwargs = dict(supports_check_mode=True)

    def validate(self):
        params = self.params
        if params["job_id"] is not None and params["room_id"] is None:
            raise InvalidInputError("job_id needs room_id: give the room_id of the job's room as well")
        if params["room_name"] is not None and params["room_id"] is not None:
            raise InvalidInputError(
                "room_name and room_id cannot be combined: room_name filters the listing of the whole project, "
                "room_id lists one room")
        if params["job_id"] is not None:
            for name in ("create_since", "create_until"):
                if params[name] is not None:
                    raise InvalidInputError("%s filters listings and cannot be combined with job_id" % name)
        for name in ("room_id", "job_id"):
            if params[name] is not None:
                validate_id(name, params[name])
        if params["room_name"] is not None and not params["room_name"].strip():
            raise InvalidInputError("room_name must not be empty")
        if params["room_name_match"] == "exact" and params["room_name"] is None:
            raise InvalidInputError("room_name_match=exact needs room_name")
        self.states = None
        if params["state"] is not None:
            states = [state.strip().upper() for state in params["state"]]
            for state in states:
                if not STATE_PATTERN.match(state):
                    raise InvalidInputError(
                        "state %r is not a job state such as WAITING, PROCESSING, SUCCEED, FAILED or BLOCKED" % state)
            # An empty list filters nothing, like leaving the option out.
            self.states = list(dict.fromkeys(states)) or None

    def run(self):
        params = self.params
        if params["job_id"] is not None:
            return dict(changed=False, jobs=self.one_job(params["room_id"], params["job_id"]))
        extra_query = dict((name, params[name]) for name in ("create_since", "create_until") if params[name] is not None)
        jobs = []
        seen = set()
        for job in iter_jobs(self.transport, room_id=params["room_id"], states=self.states, room_name=params["room_name"],
                             page_size=PAGE_SIZE, extra_query=extra_query):
            if params["room_id"] is not None and not job.get("room_id"):
                job["room_id"] = params["room_id"]
            key = (job.get("room_id"), job.get("job_id"))
            if (job.get("job_id") and key in seen) or not self.name_matches(job):
                continue
            seen.add(key)
            jobs.append(redact_job(job))
        return dict(changed=False, jobs=jobs)

    def name_matches(self, job):
        """Whether the job passes room_name_match=exact (the API's filter only narrows loosely)."""
        params = self.params
        return params["room_name_match"] != "exact" or params["room_name"] is None or job.get("room_name") == params["room_name"]

    def one_job(self, room_id, job_id):
        try:
            job = show_job(self.transport, room_id, job_id).body or {}
        except MetaStudioError as error:
            if error.not_found:
                raise error.derive(msg=NOT_FOUND % (job_id, room_id, error.msg))
            raise
        if not job.get("room_id"):
            job["room_id"] = room_id
        if not job.get("job_id"):
            job["job_id"] = job_id
        if self.states and job.get("state") not in self.states:
            return []
        return [redact_job(job)]


def main():
    LiveJobInfoModule()()


if __name__ == "__main__":
    main()
