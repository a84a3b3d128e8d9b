#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: metastudio_live_job
short_description: Start or stop Huawei Cloud MetaStudio smart-live (virtual human livestream) jobs
version_added: 1.0.0
description:
  - With O(state=started), makes sure a room has a running livestream, starting one with the C(StartSmartLive)
    API at most once. See O(state) for how, including when an answer is lost and when several runs start
    the same room at once.
  - With O(state=stopped) (the default), stops MetaStudio smart-live jobs idempotently with the C(StopSmartLive) API.
  - The job is read first. A job that is V(WAITING) or V(PROCESSING) is stopped and the task reports a change.
    A job in any other state (V(SUCCEED), V(FAILED), V(BLOCKED), V(CANCELED) or a state this module does not
    know) has already ended; nothing is sent and the task reports no change.
  - If the stop is refused because the job ended meanwhile (for example C(MSS.20020001)), the job is read again
    and the task reports no change when it has ended, so two runs stopping the same job both succeed and only
    one reports a change.
  - Every result carries the C(X-Request-Id) of the calls made, for support cases and audit logs.
  - Many jobs can be stopped in one task, given as a list with O(jobs), or as every running job of one room
    (O(room_id) alone), of chosen rooms (O(rooms)) or of the whole project (O(all_rooms)). They are handled concurrently
    over one pooled connection, paced by O(rate_limit); every job is attempted even when some fail, and the
    task fails at the end naming each job that could not be confirmed stopped.
author:
  - metastudio.cloud maintainers (@metastudio-cloud)
options:
  room_id:
    description:
      - ID of the smart-live room the job runs in.
      - With O(state=started), the room to go live in; O(room_id) or O(room_name) is needed.
      - With O(state=stopped) and without O(job_id), every V(WAITING) or V(PROCESSING) job of the room is stopped.
      - With O(state=stopped), exactly one of O(room_id) (or O(room_name)), O(jobs), O(rooms) and O(all_rooms=true)
        says which jobs to stop.
    type: str
  room_name:
    description:
      - The room's exact name, instead of O(room_id), with either O(state).
      - The rooms of the project are listed by name (C(ListSmartLiveRooms), whose filter is loose) and only an
        exact match counts. Room names need not be unique; when two rooms have the name, the task fails before
        anything is changed, naming both ids.
      - A name that no room has fails the task; with O(state=stopped) it only warns when
        O(fail_on_unknown_rooms=false).
    type: str
  job_id:
    description:
      - ID of the smart-live job to stop. Needs O(room_id) or O(room_name). Only with O(state=stopped).
    type: str
  jobs:
    description:
      - Jobs to stop in one task, each a dict with C(room_id) and C(job_id). Other keys are ignored, so the
        RV(metastudio.cloud.metastudio_live_job_info#module:jobs) list of M(metastudio.cloud.metastudio_live_job_info)
        can be given as it is.
      - An empty list changes nothing.
    type: list
    elements: dict
  rooms:
    description:
      - Stop every V(WAITING) or V(PROCESSING) job of these rooms, each given by its room ID or its exact room name.
      - The running jobs of the project are listed once (C(ListSmartLiveJobs)), and that listing is the read
        before each stop, so a fleet costs one call per job plus one per 100 running jobs.
      - Entries that match no running job are checked against the project's rooms (C(ListSmartLiveRooms), one
        call per 100 rooms, only then). Those of an existing room are returned in RV(idle_rooms), the others in
        RV(unknown_rooms), which fail the task unless O(fail_on_unknown_rooms=false).
    type: list
    elements: str
  fail_on_unknown_rooms:
    description:
      - Whether an entry of O(rooms) that names no existing room (by id or exact name) fails the task.
      - A typo in a room name must not look like a room with nothing running, since the jobs of the room meant
        still run. With V(false), such entries only give a warning.
    type: bool
    default: true
  fail_on_missing:
    description:
      - Whether a job that the API does not know fails the task.
      - The API answers C(ShowSmartLive) for a job id it does not know with HTTP 400 C(MSS.00000003) (or 404).
        It answers the same for a mistyped id and for a job that ended and was then removed with its room, as a
        C(TEMP) room is after its job ends. Such jobs get the outcome V(missing), never V(stopped).
      - With V(false), missing jobs only give a warning, so that a teardown rerun after TEMP rooms were cleaned up
        succeeds. A job that this task stopped and that can no longer be found afterwards is reported stopped.
    type: bool
    default: true
  all_rooms:
    description:
      - Stop every V(WAITING) or V(PROCESSING) job of the project, found with one listing as for O(rooms).
    type: bool
    default: false
  concurrency:
    description:
      - How many jobs are handled at the same time when several are stopped (1 to 100).
    type: int
    default: 10
  state:
    description:
      - V(stopped) makes sure the jobs have ended.
      - V(started) makes sure the room has a running (V(WAITING) or V(PROCESSING)) job. When it has one, nothing
        is sent, the task reports no change and returns that job (the newest, should several run). Otherwise one
        C(StartSmartLive) is sent with the start settings given (O(video_config) to O(job_run_config)), the task
        reports a change and returns the new job.
      - C(StartSmartLive) has no idempotency token, so a start whose answer is lost (a 5xx, a reset connection, a
        timeout) is never simply sent again. The room's jobs are listed before the start, and again after the
        lost answer, from one hour before the server's time (so that a clock off by less than that changes
        nothing). A job created in between is taken as the one started, and the task reports a change with a
        warning; a job that another client started in the same seconds cannot be told apart from ours, as the
        API has no token. When several jobs were created in between, the task fails naming them.
      - When no job has appeared, the start may still be carried out late. With
        O(job_run_config.single_job_in_room=true) (the default here) it is sent once more, because the service
        then refuses whichever comes second while the first runs; with V(false) the task fails saying the
        livestream may have been started, and a later run adopts the job if it appears.
      - A start refused (HTTP 4xx) while another run's job went live in the room, as happens when several runs
        start the same room at once, returns that job with no change.
    type: str
    choices: [stopped, started]
    default: stopped
  video_config:
    description:
      - Video settings of the livestream (C(StartSmartLive) C(video_config)), as the API names them, for example
        C(width), C(height) (1920 x 1080 or 1080 x 1920), C(bitrate) (kbps, 1000 to 8000), C(codec) and
        C(frame_rate). Left out, the room's settings apply. Only with O(state=started).
    type: dict
  play_policy:
    description:
      - How the scripts are played (C(StartSmartLive) C(play_policy)), for example C(repeat_count) (-1 until
        stopped), C(auto_play_script), C(play_mode) and C(live_exit_config) (C(max_live_duration) in hours, 0 to
        168, and C(auto_stop_mode)). Only with O(state=started).
    type: dict
  output_urls:
    description:
      - The RTMP URL to push the livestream to (one; the API supports a single output). Masked in every output,
        since some platforms put the stream key into the URL. Only with O(state=started).
    type: list
    elements: str
  stream_keys:
    description:
      - The stream key for the URL of O(output_urls). A secret, masked in every output. Only with O(state=started).
    type: list
    elements: str
  interaction_callback_url:
    description:
      - URL the service calls for interaction rules with a C(CALLBACK) reply. It includes its own auth
        information, so it is masked in every output. Only with O(state=started).
    type: str
  live_event_callback_config:
    description:
      - Where the service reports live events (script switches, RTMP stream state, replies). Only with
        O(state=started).
    type: dict
    suboptions:
      live_event_type_callback_url:
        description:
          - The HTTPS URL called. Masked in every output, since with O(live_event_callback_config.auth_type=NONE)
            it carries its own auth string.
        type: str
      auth_type:
        description: How callbacks are signed.
        type: str
        choices: [NONE, MSS_A, MSS_A_HEAD, MEITUAN_DEFAULT]
      key:
        description: The key that signs callbacks (up to 32 characters). A secret, masked in every output.
        type: str
      callback_event_type:
        description: The events reported, such as V(SHOOT_SCRIPT_SWITCH), V(RTMP_STREAM_STATE_CHANGE) and V(REPLY_COMMAND_FINISH).
        type: list
        elements: str
  rtc_callback_config:
    description:
      - RTC callback events (C(StartSmartLive) C(rtc_callback_config)), for example
        C(rtc_callback_event_type) with V(LIVE_PROGRESS). Only with O(state=started).
    type: dict
  view_mode:
    description:
      - Landscape or vertical. The API derives it from the resolution of O(video_config) and advises leaving it
        out. Only with O(state=started).
    type: str
    choices: [LANDSCAPE, VERTICAL]
  co_streamer_config:
    description:
      - The co-streamer's voice (C(voice_config)) and what the streamer does while it speaks (C(streamer_action),
        V(SILENCE) or V(VOLUME_DOWN)). Only with O(state=started).
    type: dict
  job_run_config:
    description:
      - How the job runs. Only with O(state=started).
    type: dict
    suboptions:
      allow_resource_type:
        description: Which resources the job may use.
        type: str
        choices: [PERIOD, ONDEMAND, UNLIMITED, ONE_TIME]
      single_job_in_room:
        description:
          - Whether the service refuses a second running job in the room.
          - Left out, this module sends V(true), although the API's own default allows parallel jobs. That makes
            the service itself the guard against two livestreams in one room, when several runs start the room at
            the same time (each runs check-then-start, which no client can make atomic) and when a start whose
            answer was lost is carried out late.
          - With V(false), concurrent runs may start parallel jobs in the room, and a lost answer with no job
            seen afterwards fails the task instead of being sent again.
        type: bool
extends_documentation_fragment:
  - metastudio.cloud.auth
  - metastudio.cloud.connection
  - metastudio.cloud.wait
  - ansible.builtin.action_common_attributes
  - metastudio.cloud.attributes
attributes:
  check_mode:
    support: full
    details: Reads the jobs and reports whether a job would be stopped or started; nothing is sent.
  diff_mode:
    support: full
    details: Shows the job state before and after; with O(state=started), the room's running job and its state.
notes:
  - A start, a lost answer included, never leaves two jobs running in the room by this task alone. With
    O(job_run_config.single_job_in_room=true) (the default) the service refuses any second running job, so
    twenty runs starting the same room at once leave one livestream; nineteen of them report no change.
  - A stop answered with HTTP 200 for a job that was read as running counts as a change. The API gives no way
    to tell it from a job that ended by itself in the same instant.
  - When the answer to a stop is lost (a 5xx, a reset connection or a timeout) and the job is then found ended,
    the task reports a change, since the stop may have ended it.
seealso:
  - module: metastudio.cloud.metastudio_live_job_command
  - name: StartSmartLive API
    description: Huawei Cloud MetaStudio API reference for starting a smart-live job.
    link: https://support.huaweicloud.com/intl/en-us/api-metastudio/StartSmartLive.html
  - name: StopSmartLive API
    description: Huawei Cloud MetaStudio API reference for stopping a smart-live job.
    link: https://support.huaweicloud.com/intl/en-us/api-metastudio/StopSmartLive.html
'''

EXAMPLES = r'''
- name: Go live in the room named "Spring sale", unless it already is
  metastudio.cloud.metastudio_live_job:
    project_id: "{{ project_id }}"
    room_name: Spring sale
    state: started
  register: live

- name: Log the livestream and the request that started it
  ansible.builtin.debug:
    msg: "Job {{ live.job_id }} is {{ live.state }} (request {{ live.request_id }})"

- name: Go live with start settings, pushing to a third-party platform
  metastudio.cloud.metastudio_live_job:
    project_id: "{{ project_id }}"
    room_id: "{{ room_id }}"
    state: started
    video_config: {width: 1080, height: 1920, bitrate: 4000, codec: H264}
    play_policy:
      repeat_count: -1
      live_exit_config: {max_live_duration: 8, auto_stop_mode: FORCE_EXIT}
    output_urls: ["rtmp://push.example.com/live"]
    stream_keys: ["{{ stream_key }}"]
    live_event_callback_config:
      live_event_type_callback_url: https://hooks.example.com/metastudio
      auth_type: MSS_A
      key: "{{ callback_key }}"
      callback_event_type: [RTMP_STREAM_STATE_CHANGE]
    wait_timeout: 600

- name: Preview whether a livestream would be started
  metastudio.cloud.metastudio_live_job:
    project_id: "{{ project_id }}"
    room_id: "{{ room_id }}"
    state: started
  check_mode: true
  diff: true

- name: End the livestream
  metastudio.cloud.metastudio_live_job:
    project_id: "{{ project_id }}"
    room_id: "{{ room_id }}"
    job_id: "{{ job_id }}"
    state: stopped
  register: stopped

- name: Log the request ID of the call that did the work
  ansible.builtin.debug:
    msg: "Stop request {{ stopped.request_id }}, job now {{ stopped.state }}"

- name: Stop without waiting, with credentials shared by every task of the play
  module_defaults:
    group/metastudio.cloud.metastudio:
      access_key: "{{ lookup('ansible.builtin.env', 'HUAWEICLOUD_SDK_AK') }}"
      secret_key: "{{ lookup('ansible.builtin.env', 'HUAWEICLOUD_SDK_SK') }}"
      project_id: "{{ project_id }}"
      region: cn-north-4
  block:
    - name: Ask for the stop and go on
      metastudio.cloud.metastudio_live_job:
        room_id: "{{ room_id }}"
        job_id: "{{ job_id }}"
        wait: false

- name: List the running jobs of the project
  metastudio.cloud.metastudio_live_job_info:
    project_id: "{{ project_id }}"
    state: [WAITING, PROCESSING]
  register: live

- name: Stop them all in one task
  metastudio.cloud.metastudio_live_job:
    project_id: "{{ project_id }}"
    jobs: "{{ live.jobs }}"
    concurrency: 20
    wait_timeout: 600
  register: teardown

- name: Stop every running job of one room
  metastudio.cloud.metastudio_live_job:
    project_id: "{{ project_id }}"
    room_id: "{{ room_id }}"

- name: Stop every running job of two rooms, one named and one by ID
  metastudio.cloud.metastudio_live_job:
    project_id: "{{ project_id }}"
    rooms:
      - Spring sale
      - 26f065244f754b3aa853b649a21aaf66

- name: End every livestream of the project
  metastudio.cloud.metastudio_live_job:
    project_id: "{{ project_id }}"
    all_rooms: true
    concurrency: 20

- name: Preview what would be stopped
  metastudio.cloud.metastudio_live_job:
    project_id: "{{ project_id }}"
    room_id: "{{ room_id }}"
    job_id: "{{ job_id }}"
  check_mode: true
  diff: true
'''

RETURN = r'''
changed:
  description:
    - With O(state=stopped), whether a job was running and this task stopped it (or, in check mode, would).
    - With O(state=started), whether this task started a job (or, in check mode, would), also when it adopted
      the job of a start whose answer was lost.
  returned: always
  type: bool
msg:
  description: For several jobs, a summary; on failure, what went wrong.
  returned: when several jobs are handled, and on failure
  type: str
  sample: 48 stopped, 2 already ended
request_id:
  description:
    - C(X-Request-Id) of the stop call that did the work; when nothing changed, of the last read of the job.
    - On failure, of the call that failed; null when that call got no answer (every id stays in RV(request_ids)).
  returned: always
  type: str
  sample: 6d3c7d0b3ad14b0e9f1f2c1f0a9b8c7d
request_ids:
  description: C(X-Request-Id) of every call made by the task, in order, retries included.
  returned: always
  type: list
  elements: str
  sample: [0b2f6a6c2f8c4a4c8f1a0c9e5d3b2a10, 6d3c7d0b3ad14b0e9f1f2c1f0a9b8c7d]
room_id:
  description: ID of the room (also when given by O(room_name)).
  returned: for a single job, and with O(state=started)
  type: str
job_id:
  description:
    - ID of the job.
    - With O(state=started), of the job started or found running; null in check mode when one would be started.
  returned: for a single job, and with O(state=started)
  type: str
outcome:
  description:
    - What happened to the job; V(stopped) (this task stopped it, or in check mode would), V(unchanged)
      (it had already ended), V(missing) (the API does not know it, see O(fail_on_missing)) or V(failed).
    - With O(state=started), V(started) (this task started it, or in check mode would) or V(unchanged) (a job
      was running already, or another run's job won the race); V(unknown) on failure when a start may have been
      carried out.
  returned: for a single job, and with O(state=started)
  type: str
  sample: stopped
previous_state:
  description:
    - State of the job when the task first read it; null when the job could not be found.
    - With O(state=started), state of the room's running job before the task; null when none ran.
  returned: for a single job, and with O(state=started)
  type: str
  sample: PROCESSING
state:
  description:
    - State of the job when the task last read it.
    - Null when the job could not be found, also after this task stopped it and its TEMP room was cleaned up.
    - With O(state=started) and O(wait=true), V(PROCESSING); a job that ends V(FAILED) or V(BLOCKED) while
      starting fails the task with its C(error_info) or C(block_reason).
  returned: for a single job, and with O(state=started)
  type: str
  sample: SUCCEED
job:
  description:
    - The job as the service returned it when last read (C(ShowSmartLive)); after a start, with the fields of
      the start's answer too (such as C(live_warning_info) and C(limit_duration)).
    - Secrets the API returns with a job, the RTC user signatures, the live-event callback key and
      C(live_event_report_url), are replaced by C(********).
  returned: for a single job, and with O(state=started)
  type: dict
  sample:
    job_id: e87104f76d7546ce8a46ac6b04c49c3c
    room_id: 26f065244f754b3aa853b649a21aaf66
    room_name: Spring sale
    state: SUCCEED
    start_time: "2026-11-23T08:00:00Z"
    end_time: "2026-11-23T10:12:43Z"
results:
  description: One entry per job when several jobs are handled, in the order given.
  returned: when several jobs are handled
  type: list
  elements: dict
  contains:
    room_id:
      description: ID of the room.
      type: str
      returned: always
    room_name:
      description: Name of the room, when the API gave it.
      type: str
      returned: always
    job_id:
      description: ID of the job.
      type: str
      returned: always
    outcome:
      description: V(stopped), V(unchanged), V(missing) or V(failed), as for a single job.
      type: str
      returned: always
    changed:
      description: Whether this task stopped the job.
      type: bool
      returned: always
    failed:
      description: Whether the job could not be confirmed stopped.
      type: bool
      returned: always
    previous_state:
      description: State when first read; null when the job could not be read.
      type: str
      returned: always
    state:
      description: State when last read.
      type: str
      returned: always
    request_id:
      description: C(X-Request-Id) of the stop that did the work, else of the last read, else of the failed call.
      type: str
      returned: always
    msg:
      description: What went wrong for this job.
      type: str
      returned: when failed
    status_code:
      description: HTTP status of the failed call.
      type: int
      returned: when failed
    error_code:
      description: The API's C(error_code).
      type: str
      returned: when failed
    error_msg:
      description: The API's C(error_msg).
      type: str
      returned: when failed
idle_rooms:
  description: The entries of O(rooms) that name an existing room with no running job.
  returned: when O(rooms) is given
  type: list
  elements: str
unknown_rooms:
  description: The entries of O(rooms) that name no existing room, by id or exact name.
  returned: when O(rooms) is given
  type: list
  elements: str
missing:
  description: IDs of the jobs that the API does not know (see O(fail_on_missing)).
  returned: when several jobs are handled
  type: list
  elements: str
stopped:
  description: IDs of the jobs this task stopped.
  returned: when several jobs are handled
  type: list
  elements: str
unchanged:
  description: IDs of the jobs that had already ended.
  returned: when several jobs are handled
  type: list
  elements: str
failed_jobs:
  description:
    - IDs of the jobs that could not be confirmed stopped. The task fails when this list is not empty.
    - Not named C(failed), which Ansible reserves for the task's own status.
  returned: when several jobs are handled
  type: list
  elements: str
new_job_ids:
  description:
    - With O(state=started), when a start's answer was lost and several jobs appeared in the room since just
      before it, their ids (the task fails, as it cannot tell which one it started).
  returned: on that failure
  type: list
  elements: str
diff:
  description:
    - The job state before and after, in diff mode; for several jobs, keyed by C(room_id/job_id).
    - V(stopped) stands for a stop that was asked for but not yet seen.
    - With O(state=started), C(job_id) and C(state) of the room's running job before and after; V(started) stands
      for the job check mode would start.
  returned: when diff mode is on
  type: dict
  sample: {before: {state: PROCESSING}, after: {state: SUCCEED}}
status_code:
  description: HTTP status of the failed call, when the API answered.
  returned: failure
  type: int
  sample: 401
error_code:
  description: The API's C(error_code), such as C(APIG.0301) or C(MSS.00000003).
  returned: failure
  type: str
error_msg:
  description: The API's C(error_msg).
  returned: failure
  type: str
'''

from ansible_collections.metastudio.cloud.plugins.module_utils._endpoint import validate_id
from ansible_collections.metastudio.cloud.plugins.module_utils._errors import InvalidInputError, MetaStudioError
from ansible_collections.metastudio.cloud.plugins.module_utils._live_fleet import FleetStop
from ansible_collections.metastudio.cloud.plugins.module_utils._live_jobs import (
    classify_idle_rooms,
    diff_for,
    normalize_targets,
    outcome,
    state_after,
)
from ansible_collections.metastudio.cloud.plugins.module_utils._live_start import (
    BODY_FIELDS,
    LiveStart,
    build_start_body,
    check_start_body,
)
from ansible_collections.metastudio.cloud.plugins.module_utils._live_transform import redact_job
from ansible_collections.metastudio.cloud.plugins.module_utils._module import MetaStudioModule
from ansible_collections.metastudio.cloud.plugins.module_utils._rooms_api import resolve_room_id

MAX_WAIT_TIMEOUT = 7 * 24 * 3600

# Per-job keys of a bulk result; the full job is returned only for a single job.
BULK_RESULT_KEYS = ("room_id", "room_name", "job_id", "outcome", "changed", "failed", "previous_state", "state",
                    "request_id", "msg", "status_code", "error_code", "error_msg")
ERROR_KEYS = ("msg", "status_code", "error_code", "error_msg")


def check_wait_options(params):
    if not 0 <= params["wait_timeout"] <= MAX_WAIT_TIMEOUT:
        raise InvalidInputError("wait_timeout must be between 0 and %d seconds (a week), got %r" % (
            MAX_WAIT_TIMEOUT, params["wait_timeout"]))
    # Written so that NaN is refused too.
    if not params["wait_sleep"] > 0:
        raise InvalidInputError("wait_sleep must be more than 0 seconds, got %r" % params["wait_sleep"])


START_ARGUMENT_SPEC = dict(
    video_config=dict(type="dict"),
    play_policy=dict(type="dict"),
    # Some platforms put the stream key into the URL itself.
    output_urls=dict(type="list", elements="str", no_log=True),
    stream_keys=dict(type="list", elements="str", no_log=True),
    # Carries its own auth information.
    interaction_callback_url=dict(type="str", no_log=True),
    live_event_callback_config=dict(type="dict", options=dict(
        # With auth_type NONE the URL carries its own auth string.
        live_event_type_callback_url=dict(type="str", no_log=True),
        auth_type=dict(type="str", choices=["NONE", "MSS_A", "MSS_A_HEAD", "MEITUAN_DEFAULT"]),
        key=dict(type="str", no_log=True),
        callback_event_type=dict(type="list", elements="str"),
    )),
    rtc_callback_config=dict(type="dict"),
    view_mode=dict(type="str", choices=["LANDSCAPE", "VERTICAL"]),
    co_streamer_config=dict(type="dict"),
    job_run_config=dict(type="dict", options=dict(
        allow_resource_type=dict(type="str", choices=["PERIOD", "ONDEMAND", "UNLIMITED", "ONE_TIME"]),
        single_job_in_room=dict(type="bool"),
    )),
)


class LiveJobModule(MetaStudioModule):
    targets = None
    start_body = None
    argument_spec = dict(
        room_id=dict(type="str"),
        room_name=dict(type="str"),
        job_id=dict(type="str"),
        jobs=dict(type="list", elements="dict"),
        state=dict(type="str", default="stopped", choices=["stopped", "started"]),
        rooms=dict(type="list", elements="str"),
        all_rooms=dict(type="bool", default=False),
        concurrency=dict(type="int", default=10),
        fail_on_missing=dict(type="bool", default=True),
        fail_on_unknown_rooms=dict(type="bool", default=True),
        **START_ARGUMENT_SPEC
    )
    module_kwargs = dict(supports_check_mode=True, mutually_exclusive=[("room_id", "room_name")])
    wait_options = True

    def validate(self):
        params = self.params
        check_wait_options(params)
        if params["room_name"] is not None and not params["room_name"].strip():
            raise InvalidInputError("room_name must not be empty")
        if params["room_id"] is not None:
            validate_id("room_id", params["room_id"])
        if params["state"] == "started":
            return self.validate_start()
        given = [name for name in BODY_FIELDS if params[name] is not None]
        if given:
            raise InvalidInputError("%s: start settings apply only with state=started" % ", ".join(given))
        if not 1 <= params["concurrency"] <= 100:
            raise InvalidInputError("concurrency must be between 1 and 100, got %d" % params["concurrency"])
        if params["job_id"] is not None and params["room_id"] is None and params["room_name"] is None:
            raise InvalidInputError("job_id needs room_id (or room_name), the room the job runs in")
        selectors = [name for name in ("room_id", "room_name", "jobs", "rooms") if params[name] is not None]
        if params["all_rooms"]:
            selectors.append("all_rooms")
        if len(selectors) != 1:
            raise InvalidInputError(
                "say which jobs to stop with exactly one of room_id or room_name (with job_id for one job), jobs, "
                "rooms, or all_rooms=true; got %s" % (", ".join(selectors) or "none of them"))
        if params["rooms"] is not None and not all(isinstance(room, str) and room.strip() for room in params["rooms"]):
            raise InvalidInputError("rooms must hold room ids or names, none of them empty")
        if params["job_id"] is not None:
            validate_id("job_id", params["job_id"])
        self.targets = normalize_targets(params["jobs"]) if params["jobs"] is not None else None

    def validate_start(self):
        params = self.params
        if params["room_id"] is None and params["room_name"] is None:
            raise InvalidInputError("state=started needs the room: room_id or room_name")
        others = [name for name in ("job_id", "jobs", "rooms") if params[name] is not None]
        if params["all_rooms"]:
            others.append("all_rooms")
        if others:
            raise InvalidInputError("%s: state=started starts a job in one room, given by room_id or room_name; a "
                                    "new job's id is chosen by the service" % ", ".join(others))
        self.start_body = build_start_body(params)
        check_start_body(self.start_body)

    def pool_size(self):
        return self.params["concurrency"]

    def room_of_task(self):
        """The room_id of room_id or room_name; None when no room has that name."""
        return resolve_room_id(self.transport, room_id=self.params["room_id"], room_name=self.params["room_name"])

    def run(self):
        params = self.params
        if params["state"] == "started":
            return self.run_start()
        fleet = FleetStop(self.transport, concurrency=params["concurrency"], check_mode=self.check_mode,
                          wait=params["wait"], wait_timeout=params["wait_timeout"], wait_sleep=params["wait_sleep"],
                          keep_jobs=params["job_id"] is not None)
        room_id = params["room_id"]
        if params["room_name"] is not None:
            room_id = self.room_of_task()
            if room_id is None:
                return self.unknown_room_result()
        if params["job_id"] is not None:
            return self.single_result(fleet.run([(room_id, params["job_id"])])[0])
        if self.targets is not None:
            return self.bulk_result(fleet.run(self.targets))
        if room_id is not None:
            return self.bulk_result(fleet.run_room(room_id))
        rooms = set(params["rooms"]) if params["rooms"] is not None else None
        return self.bulk_result(fleet.run_project(rooms), rooms=params["rooms"])

    def run_start(self):
        params = self.params
        room_id = self.room_of_task()
        if room_id is None:
            raise InvalidInputError("no room is named %r (exactly): create it first, for example with "
                                    "metastudio.cloud.metastudio_live_room" % params["room_name"])
        start = LiveStart(self.transport, room_id, self.start_body, check_mode=self.check_mode, wait=params["wait"],
                          wait_timeout=params["wait_timeout"], wait_sleep=params["wait_sleep"])
        try:
            result = start.run()
        except MetaStudioError as error:
            raise error.derive(result=self.start_facts(dict(error.result)))
        return self.start_facts(result)

    def start_facts(self, result):
        """The started result as returned: the job redacted, and the room's job state before and after."""
        if "job" in result:
            result["job"] = redact_job(result["job"])
        if self.diff_mode and "previous_state" in result:
            after_state = "started" if self.check_mode and result["changed"] else result.get("state")
            result["diff"] = dict(before=dict(job_id=result["job_id"] if result["previous_state"] else None,
                                              state=result["previous_state"]),
                                  after=dict(job_id=result.get("job_id"), state=after_state))
        return result

    def unknown_room_result(self):
        """room_name names no room: for state=stopped, as an unknown entry of rooms."""
        text = "no room has the name %r (a typo? any jobs of the room you meant still run)" % self.params["room_name"]
        result = dict(changed=False, results=[], stopped=[], unchanged=[], missing=[], failed_jobs=[],
                      idle_rooms=[], unknown_rooms=[self.params["room_name"]], msg=text)
        if self.params["fail_on_unknown_rooms"]:
            result.update(failed=True, msg=text + "; set fail_on_unknown_rooms=false to only warn")
        else:
            result["warnings"] = [text]
        return result

    def single_result(self, result):
        result["job"] = redact_job(result["job"])
        result["outcome"] = outcome(result)
        if self.diff_mode:
            result["diff"] = dict(before=dict(state=result["previous_state"]),
                                  after=dict(state=state_after(result, self.check_mode)))
        if result.pop("missing"):
            if self.params["fail_on_missing"]:
                result["failed"] = True
            else:
                result["warnings"] = [result.pop("msg")]
        if not result["failed"]:
            for key in ERROR_KEYS:
                result.pop(key, None)
        return result

    def bulk_result(self, results, rooms=None):
        by_outcome = dict((name, []) for name in ("stopped", "unchanged", "missing", "failed"))
        for result in results:
            result["outcome"] = outcome(result)
            by_outcome[result["outcome"]].append(result["job_id"])
        summary = dict(
            changed=any(result["changed"] for result in results),
            results=[dict((key, result.get(key)) for key in BULK_RESULT_KEYS) for result in results],
            stopped=by_outcome["stopped"], unchanged=by_outcome["unchanged"], missing=by_outcome["missing"],
            failed_jobs=by_outcome["failed"],
        )
        if self.diff_mode:
            summary["diff"] = diff_for(results, self.check_mode)
        problems = self.bulk_problems(results, summary)
        if rooms is not None:
            problems += self.room_problems(rooms, results, summary)
        summary["msg"] = "; ".join([self.tally(summary)] + problems)
        return summary

    def tally(self, summary):
        counts = [("%d would be stopped" if self.check_mode else "%d stopped") % len(summary["stopped"]),
                  "%d already ended" % len(summary["unchanged"])]
        if summary["missing"]:
            counts.append("%d not found" % len(summary["missing"]))
        return ", ".join(counts)

    def bulk_problems(self, results, summary):
        """What fails the task (or only warns) among the job results; sets summary["failed"]."""
        problems = []
        failures = [result for result in results if result["failed"]]
        if failures:
            summary["failed"] = True
            problems.append("%d of %d jobs could not be confirmed stopped: %s" % (
                len(failures), len(results), "; ".join("%s (%s)" % (result["job_id"], result["msg"]) for result in failures[:20])))
        missing = [result for result in results if result["missing"]]
        if missing:
            text = "%d jobs were not found (a wrong id, or a job removed with its TEMP room after it ended): %s" % (
                len(missing), ", ".join("%s of room %s" % (result["job_id"], result["room_id"]) for result in missing[:20]))
            if self.params["fail_on_missing"]:
                summary["failed"] = True
                problems.append(text + "; set fail_on_missing=false to accept them")
            else:
                summary.setdefault("warnings", []).append(text)
        return problems

    def room_problems(self, rooms, results, summary):
        """Splits the rooms that matched no running job into idle and unknown ones; unknown ones fail the task
        unless fail_on_unknown_rooms is false."""
        try:
            summary["idle_rooms"], summary["unknown_rooms"] = classify_idle_rooms(self.transport, rooms, results)
        except MetaStudioError as error:
            summary.update(failed=True, idle_rooms=[], unknown_rooms=[], status_code=error.status_code,
                           error_code=error.error_code, error_msg=error.error_msg, request_id=error.request_id)
            return ["the rooms could not be listed to tell rooms without running jobs from rooms that do not exist: %s"
                    % error.msg]
        if not summary["unknown_rooms"]:
            return []
        text = "no room has the id or name %s (a typo? any jobs of the room you meant still run)" % ", ".join(
            repr(room) for room in summary["unknown_rooms"])
        if self.params["fail_on_unknown_rooms"]:
            summary["failed"] = True
            return [text + "; set fail_on_unknown_rooms=false to only warn"]
        summary.setdefault("warnings", []).append(text)
        return []


def main():
    LiveJobModule()()


if __name__ == "__main__":
    main()
