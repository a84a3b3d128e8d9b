#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: metastudio_live_room
short_description: Create, update and delete Huawei Cloud MetaStudio smart-live rooms
version_added: 1.1.0
description:
  - Makes a MetaStudio smart-live room (the virtual-human livestream set-up) exist as declared, or not exist.
  - The room is named by O(room_id), or by its exact O(room_name), which must then be unique in the project
    (room names are not unique in the API; two rooms of that name fail the task, naming both ids).
  - The room body is given as one dict, O(definition), whose fields are named as the API names them. A room read
    from the console or the API can be given as it is; the fields the service sets are left out of it.
  - With O(state=present), a missing room is created (C(CreateSmartLiveRoom)). An existing room is read
    (C(ShowSmartLiveRoom)) and compared with the fields of O(definition) only; when one differs, the whole room is
    sent back with those fields changed (C(UpdateSmartLiveRoom), a PUT of the whole body). A second run with the
    same input sends no write.
  - With O(state=absent), the room is deleted (C(DeleteSmartLiveRoom)) when it exists. A room with a running
    (V(WAITING) or V(PROCESSING)) job is deleted only with O(force=true), which stops its jobs first as
    M(metastudio.cloud.metastudio_live_job) does and waits until they have ended.
  - The create is never sent twice. When its answer is lost (a 5xx, a reset connection, a timeout), the module
    lists the rooms of that exact name and adopts the one it made, recognised by C(priv_data) (see O(definition)).
author:
  - metastudio.cloud maintainers (@metastudio-cloud)
options:
  state:
    description:
      - V(present) makes the room exist as O(definition) says; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  room_id:
    description:
      - ID of the room. With O(state=present) the room must exist (it is updated, never created), and
        O(room_name) or C(definition.room_name) renames it.
      - Without it, the room is found by its exact O(room_name).
    type: str
  room_name:
    description:
      - Name of the room (1 to 256 characters). It wins over C(definition.room_name), so that one definition can
        serve several rooms; either may be given alone.
      - Without O(room_id), the room is the one room of the project with exactly this name (C(ListSmartLiveRooms)
        matches names loosely, so the exact match is made by the module). When there is none, O(state=present)
        creates it.
    type: str
  definition:
    description:
      - The room body, a dict with the fields of the API's C(CreateSmartLiveRoomReq), named as the API names them
        (C(room_name), C(room_description), C(room_type), C(scene_scripts), C(interaction_config),
        C(interaction_rules), C(play_policy), C(video_config), C(output_urls), C(stream_keys),
        C(backup_model_asset_ids), C(live_event_callback_config), C(rtc_callback_config), C(review_config),
        C(shared_config), C(view_mode), C(co_streamer_config), C(priv_data), C(relation_live_platform_info)).
        A JSON string is accepted too.
      - To give a room exported from the console or the API as it is, read its JSON file with the
        C(ansible.builtin.file) lookup and the C(from_json) filter into O(definition), as the examples do. The fields
        the service sets (C(room_id),
        C(create_time), C(update_time), C(cover_url), C(thumbnail), C(room_state), C(confirm_state),
        C(script_version), C(error_info), and the listing's C(project_id), C(model_infos) and C(last_job_*)) are
        ignored. Any other unknown field is refused, since the service would ignore a misspelt field and the room
        would differ on every run.
      - A room read with M(metastudio.cloud.metastudio_live_room_info) has its secrets masked; a mask given where a
        secret belongs is refused, so replace those fields or leave them out.
      - Only the fields given are compared with the room, and inside a dict only the keys given, so the defaults the
        service fills in do not count as differences. The C(script_id) of C(scene_scripts) entries and the
        C(rule_index) of C(interaction_rules) entries are set by the service and never compared. Lists are compared
        in order, except C(callback_event_type), C(rtc_callback_event_type) and C(allowed_project_ids), whose order
        does not matter.
      - A field or key given as V(null) is removed from the room. A list replaces the room's list as a whole.
      - When the definition has no C(priv_data), a new room gets a marker in C(priv_data)
        (C(metastudio.cloud:create:) and a random id), which tells the room this task made from any other room of
        the same name if the answer to the create is lost. The marker stays; it is not compared later, and a
        C(priv_data) given later replaces it. Give C(priv_data) (even V("")) to create the room without it; a lost
        create answer is then matched by name and that C(priv_data).
      - "Secrets: C(stream_keys), C(output_urls) (some platforms put the key in the URL), C(priv_data), the
        C(live_event_callback_config.key), and C(live_event_callback_config.live_event_type_callback_url) when
        C(auth_type) is V(NONE) (the URL carries its own credentials) are never returned or printed: they are masked
        in RV(room), in the diff, in messages and in the logged module arguments."
      - Not used with O(state=absent), except for C(room_name) as the room's name.
    type: dict
  update_secrets:
    description:
      - What to do with the secrets given in O(definition) (C(stream_keys), C(output_urls) and
        C(live_event_callback_config.key)) when the service returns them masked (C(****)), so that they cannot be
        compared.
      - V(on_create) sends them when the room is created, and on an update made for another reason; a masked value
        counts as equal, so the task stays idempotent.
      - V(always) counts them as different, so every run sends them and reports a change. Use it to rotate a
        stream key when the service masks them.
      - When the service returns them in clear, they are compared like any other field and this option does not
        matter.
      - An update sends the whole room, so when the service masks a secret that O(definition) does not give, the
        task fails before the update rather than overwrite the secret with the mask.
    type: str
    choices: [always, on_create]
    default: on_create
  force:
    description:
      - With O(state=absent), whether a room with a running job is deleted. With V(true) its V(WAITING) and
        V(PROCESSING) jobs are stopped first (C(StopSmartLive)), and the task waits until they have ended
        (O(wait_timeout)). With V(false) such a room is left alone and the task fails naming its running jobs.
    type: bool
    default: false
  wait_timeout:
    description:
      - With O(force=true), how many seconds to wait for the stopped jobs to end before the task fails, leaving
        the room in place (0 to 604800, a week).
    type: int
    default: 300
  wait_sleep:
    description:
      - Seconds between two reads of a stopped job while waiting for it to end.
    type: float
    default: 3
extends_documentation_fragment:
  - metastudio.cloud.auth
  - metastudio.cloud.connection
  - ansible.builtin.action_common_attributes
  - metastudio.cloud.attributes
attributes:
  check_mode:
    support: full
    details: Reads the room (and its running jobs for O(state=absent)) and reports what would change; no write is sent.
  diff_mode:
    support: full
    details: Shows the fields that change, before and after, with the secrets masked.
notes:
  - No API of MetaStudio takes an idempotency token, and room names are not unique. Two tasks that create the same
    room at the same moment can make two rooms; later runs then fail naming both ids, and one must be deleted by
    O(room_id).
  - A running job works from its own copy of the room; an update changes the room for the next job.
  - The API limits writes to few calls per second (create and update 5, delete 4); the module retries throttled
    calls (HTTP 429) after the time the gateway asks for.
seealso:
  - module: metastudio.cloud.metastudio_live_room_info
  - module: metastudio.cloud.metastudio_live_job
  - name: CreateSmartLiveRoom API
    description: Huawei Cloud MetaStudio API reference for creating a smart-live room.
    link: https://support.huaweicloud.com/intl/en-us/api-metastudio/CreateSmartLiveRoom.html
'''

EXAMPLES = r'''
- name: A room with one script, pushed to one RTMP target
  metastudio.cloud.metastudio_live_room:
    project_id: "{{ project_id }}"
    room_name: Spring sale
    definition:
      room_description: Spring sale, 8 p.m. to midnight
      room_type: NORMAL
      video_config: {width: 1080, height: 1920, bitrate: 4000, codec: H264}
      play_policy: {repeat_count: -1, auto_play_script: true, play_mode: TEXT}
      scene_scripts:
        - script_name: Welcome
          model_asset_id: "{{ avatar_asset_id }}"
          voice_config: {voice_asset_id: "{{ voice_asset_id }}", speed: 100}
          shoot_scripts:
            - {sequence_no: 1, title: Hello, text_config: {text: Welcome to the spring sale!}}
      output_urls: ["{{ rtmp_url }}"]
      stream_keys: ["{{ stream_key }}"]
  register: room

- name: Log the room's id and the request that made or changed it
  ansible.builtin.debug:
    msg: "Room {{ room.room_id }}, request {{ room.request_id }}"

- name: Change only the description, and show what changes
  metastudio.cloud.metastudio_live_room:
    project_id: "{{ project_id }}"
    room_name: Spring sale
    definition:
      room_description: Spring sale, all night
  diff: true

- name: Keep a room definition in a file, as exported from the console (fields the service sets included)
  ansible.builtin.copy:
    dest: "{{ playbook_dir }}/room.json"
    mode: "0600"
    content: |
      {"room_id": "0f4d7a3c9b2e4e51a6c8d2b7e9f01234", "room_name": "Night shift", "room_type": "NORMAL",
       "room_state": "ENABLE", "create_time": "2026-11-02T20:00:00Z", "script_version": "1762113600000",
       "video_config": {"width": 1920, "height": 1080, "bitrate": 4000, "codec": "H264"},
       "scene_scripts": [{"script_id": "s-1", "script_name": "Night", "shoot_scripts": [{"text_config": {"text": "Good evening!"}}]}]}
  delegate_to: localhost

- name: Declare a room from that file as it is
  metastudio.cloud.metastudio_live_room:
    project_id: "{{ project_id }}"
    definition: "{{ lookup('ansible.builtin.file', playbook_dir ~ '/room.json') | from_json }}"

- name: Make a second room from the same file, with another name and its own stream target
  metastudio.cloud.metastudio_live_room:
    project_id: "{{ project_id }}"
    room_name: Night shift (backup)
    definition: "{{ lookup('ansible.builtin.file', playbook_dir ~ '/room.json') | from_json
                    | combine({'output_urls': [rtmp_url], 'stream_keys': [backup_stream_key]}) }}"

- name: Rename a room by id
  metastudio.cloud.metastudio_live_room:
    project_id: "{{ project_id }}"
    room_id: "{{ room.room_id }}"
    room_name: Spring sale 2026

- name: Rotate the stream key; with update_secrets=always also when the service returns keys masked
  metastudio.cloud.metastudio_live_room:
    project_id: "{{ project_id }}"
    room_id: "{{ room.room_id }}"
    definition:
      output_urls: ["{{ rtmp_url }}"]
      stream_keys: ["{{ new_stream_key }}"]
    update_secrets: always

- name: Preview deleting a room and stopping its livestream if one runs
  metastudio.cloud.metastudio_live_room:
    project_id: "{{ project_id }}"
    room_name: Night shift (backup)
    state: absent
    force: true
  check_mode: true
  diff: true

- name: Delete it, waiting up to ten minutes for its livestream to end
  metastudio.cloud.metastudio_live_room:
    project_id: "{{ project_id }}"
    room_name: Night shift (backup)
    state: absent
    force: true
    wait_timeout: 600
    wait_sleep: 5

- name: Delete a room by id; nothing happens when it is already gone
  metastudio.cloud.metastudio_live_room:
    project_id: "{{ project_id }}"
    room_id: "{{ room.room_id }}"
    state: absent
'''

RETURN = r'''
changed:
  description: Whether the room was created, updated or deleted (or, in check mode, would be).
  returned: always
  type: bool
room_id:
  description: ID of the room; null when there is no such room, and when check mode predicts a create.
  returned: always
  type: str
  sample: 26f065244f754b3aa853b649a21aaf66
room:
  description:
    - The room as the service gave it after the task (C(ShowSmartLiveRoom), or the answer of the update); with
      O(state=absent) as it was before the delete; in check mode, as it would be.
    - C(stream_keys), C(output_urls), C(priv_data), C(live_event_callback_config.key) and a callback URL that
      carries its own credentials are replaced by C(********).
  returned: always
  type: dict
  sample:
    room_id: 26f065244f754b3aa853b649a21aaf66
    room_name: Spring sale
    room_type: NORMAL
    room_state: ENABLE
    output_urls: ["********"]
    stream_keys: ["********"]
stopped_jobs:
  description: IDs of the running jobs that O(force=true) stopped (or, in check mode, would stop) before the delete.
  returned: with O(state=absent)
  type: list
  elements: str
request_id:
  description:
    - C(X-Request-Id) of the call that did the work (the create, update or delete); when nothing changed, of the
      last call made.
    - On failure, of the call that failed.
  returned: always
  type: str
  sample: 6d3c7d0b3ad14b0e9f1f2c1f0a9b8c7d
request_ids:
  description: C(X-Request-Id) of every call made by the task, in order, retries included.
  returned: always
  type: list
  elements: str
diff:
  description: The fields that change, before and after, secrets masked; the whole room when it is created or deleted.
  returned: when diff mode is on
  type: dict
  sample: {before: {room_description: Spring sale}, after: {room_description: Spring sale, all night}}
running_jobs:
  description: IDs of the running jobs that kept the room from being deleted without O(force=true).
  returned: when that fails the task
  type: list
  elements: str
status_code:
  description: HTTP status of the failed call, when the API answered.
  returned: failure
  type: int
  sample: 400
error_code:
  description: The API's C(error_code), such as C(MSS.20020001).
  returned: failure
  type: str
error_msg:
  description: The API's C(error_msg).
  returned: failure
  type: str
'''

from ansible_collections.metastudio.cloud.plugins.module_utils._endpoint import validate_id
from ansible_collections.metastudio.cloud.plugins.module_utils._errors import InvalidInputError, MetaStudioError
from ansible_collections.metastudio.cloud.plugins.module_utils._live_api import iter_jobs
from ansible_collections.metastudio.cloud.plugins.module_utils._live_fleet import FleetStop
from ansible_collections.metastudio.cloud.plugins.module_utils._live_transform import RUNNING_STATES
from ansible_collections.metastudio.cloud.plugins.module_utils._module import MetaStudioModule
from ansible_collections.metastudio.cloud.plugins.module_utils._rooms import (
    create_body,
    desired_body,
    differences,
    find_created_room,
    new_create_marker,
    predicted_room,
    redact_room,
    room_diff,
    secret_values,
    update_body,
)
from ansible_collections.metastudio.cloud.plugins.module_utils._rooms_api import (
    create_room,
    delete_room,
    resolve_room_id,
    show_room,
    update_room,
)

MAX_WAIT_TIMEOUT = 7 * 24 * 3600
# What the API answers when the room's state does not allow the call (here: a job runs in it).
STATE_NOT_ALLOWED = "MSS.20020001"


class LiveRoomModule(MetaStudioModule):
    desired = None
    room_name = None
    write_request_id = None
    warnings = None
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        room_id=dict(type="str"),
        room_name=dict(type="str"),
        definition=dict(type="dict"),
        update_secrets=dict(type="str", default="on_create", choices=["always", "on_create"], no_log=False),
        force=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=300),
        wait_sleep=dict(type="float", default=3),
    )
    module_kwargs = dict(supports_check_mode=True)

    def validate(self):
        params = self.params
        # First, so that a definition refused below does not show its secrets in the failure.
        self.protect(params["definition"], given=True)
        if params["room_id"] is not None:
            validate_id("room_id", params["room_id"])
        self.desired = desired_body(params["definition"], params["room_name"])
        self.room_name = self.desired.get("room_name")
        if params["room_id"] is None and self.room_name is None:
            raise InvalidInputError("name the room with room_id or room_name (or definition.room_name)")
        if not 0 <= params["wait_timeout"] <= MAX_WAIT_TIMEOUT:
            raise InvalidInputError("wait_timeout must be between 0 and %d seconds (a week), got %r" % (
                MAX_WAIT_TIMEOUT, params["wait_timeout"]))
        # Written so that NaN is refused too.
        if not params["wait_sleep"] > 0:
            raise InvalidInputError("wait_sleep must be more than 0 seconds, got %r" % params["wait_sleep"])
        self.warnings = []

    def protect(self, room, given=False):
        """Mask the secrets of ``room`` in everything the task prints or returns, invocation included; the
        priv_data only of a ``given`` room, as for an option marked no_log."""
        self.ansible.no_log_values.update(secret_values(room, with_priv_data=given))

    def run(self):
        room_id = resolve_room_id(self.transport, self.params["room_id"], self.room_name)
        if self.params["state"] == "absent":
            return self.absent(room_id)
        if room_id is None:
            return self.create()
        return self.update(room_id, self.read(room_id))

    def read(self, room_id, missing_ok=False):
        """The room as shown, or None when it does not exist and ``missing_ok``."""
        try:
            room = show_room(self.transport, room_id).body or {}
        except MetaStudioError as error:
            if not error.not_found:
                raise
            if missing_ok:
                return None
            raise error.derive(msg="room %s was not found (%s); to create a room, give room_name without room_id" % (
                room_id, error.msg))
        self.protect(room)
        return room

    def finish(self, changed, room_id, room, diff=None, **facts):
        result = dict(facts, changed=changed, room_id=room_id, room=redact_room(room), warnings=self.warnings)
        ids = self.transport.request_ids
        result["request_id"] = self.write_request_id or (ids[-1] if ids else None)
        if self.diff_mode and diff is not None:
            result["diff"] = diff
        return result

    def update(self, room_id, current):
        changes = differences(self.desired, current, self.params["update_secrets"])
        if not changes:
            return self.finish(False, room_id, current, dict(before={}, after={}))
        body = update_body(current, self.desired)
        diff = room_diff(current, body, changes)
        room = predicted_room(current, body)
        if not self.check_mode:
            response = update_room(self.transport, room_id, body)
            self.write_request_id = response.request_id
            if isinstance(response.body, dict) and response.body:
                room = response.body
                self.protect(room)
        return self.finish(True, room_id, room, diff)

    def create(self):
        body = create_body(self.desired, new_create_marker())
        diff = room_diff({}, body, list(body))
        if self.check_mode:
            return self.finish(True, None, body, diff)
        try:
            response = create_room(self.transport, body)
            room_id = (response.body or {}).get("room_id")
            self.write_request_id = response.request_id
        except MetaStudioError as error:
            if not error.maybe_applied:
                raise
            room_id = self.adopt_created(body, error)
        if not room_id:
            room_id = self.adopt_created(body, MetaStudioError(
                "CreateSmartLiveRoom answered without a room_id", request_id=self.write_request_id,
                operation="CreateSmartLiveRoom", maybe_applied=True))
        try:
            room = self.read(room_id)
        except MetaStudioError as error:
            raise error.derive(msg="room %s was created, but reading it failed: %s" % (room_id, error.msg),
                               result=dict(changed=True, room_id=room_id))
        return self.finish(True, room_id, room, diff)

    def adopt_created(self, body, error):
        """The id of the room that a create whose answer was lost made, found by exact name and priv_data;
        the create is never sent again."""
        facts = dict(changed=True, room_id=None)
        try:
            rooms = find_created_room(self.transport, body["room_name"], body.get("priv_data"))
        except MetaStudioError as list_error:
            raise error.derive(msg="%s; listing the rooms to find out whether it was created failed too: %s" % (
                error.msg, list_error.msg), result=facts)
        if not rooms:
            raise error.derive(msg="%s; no room named %r with the create's priv_data is listed, so it was most likely "
                               "not created. It was not sent again: run the task again, which creates the room only "
                               "if it still finds none" % (error.msg, body["room_name"]), result=facts)
        if len(rooms) > 1:
            raise error.derive(msg="%s; %d rooms named %r carry the create's priv_data (%s): delete the extra ones by "
                               "room_id" % (error.msg, len(rooms), body["room_name"],
                                            ", ".join(str(room.get("room_id")) for room in rooms)), result=facts)
        self.write_request_id = error.request_id
        self.warnings.append("the answer to CreateSmartLiveRoom was lost (%s); the room it made was found by its "
                             "name and priv_data, and adopted: %s" % (error.msg, rooms[0].get("room_id")))
        return rooms[0].get("room_id")

    def absent(self, room_id):
        current = self.read(room_id, missing_ok=True) if room_id is not None else None
        if current is None:
            return self.finish(False, None, {}, dict(before={}, after={}), stopped_jobs=[])
        diff = dict(before=redact_room(current), after={})
        running = [job.get("job_id") for job in iter_jobs(self.transport, room_id=room_id, states=RUNNING_STATES)]
        if running and not self.params["force"]:
            return dict(self.finish(False, room_id, current, stopped_jobs=[]), failed=True, running_jobs=running,
                        msg="room %s has %d running jobs (%s): it was not deleted; set force=true to stop them first" % (
                            room_id, len(running), ", ".join(running)))
        if self.check_mode:
            return self.finish(True, room_id, current, diff, stopped_jobs=running)
        stopped = self.stop_jobs(room_id) if running else []
        deleted = self.delete(room_id, stopped)
        return self.finish(deleted or bool(stopped), room_id, current, diff, stopped_jobs=stopped)

    def stop_jobs(self, room_id):
        """Stop the running jobs of the room as state=stopped does, and wait until they have ended."""
        fleet = FleetStop(self.transport, wait=True, wait_timeout=self.params["wait_timeout"],
                          wait_sleep=self.params["wait_sleep"])
        results = fleet.run_room(room_id)
        stopped = [result["job_id"] for result in results if result["changed"]]
        failed = [result for result in results if result["failed"]]
        if failed:
            first = failed[0]
            raise MetaStudioError(
                "room %s was not deleted: %d of its running jobs could not be confirmed stopped: %s" % (
                    room_id, len(failed), "; ".join("%s (%s)" % (result["job_id"], result["msg"]) for result in failed)),
                status_code=first.get("status_code"), error_code=first.get("error_code"),
                error_msg=first.get("error_msg"), request_id=first.get("request_id"),
                result=dict(changed=bool(stopped), room_id=room_id, stopped_jobs=stopped))
        return stopped

    def delete(self, room_id, stopped):
        """Delete the room; True when this task deleted it, or may have (an earlier attempt's answer was lost)."""
        try:
            self.write_request_id = delete_room(self.transport, room_id).request_id
            return True
        except MetaStudioError as error:
            if error.not_found:
                # Gone: deleted by an attempt of ours whose answer was lost, or by someone else meanwhile.
                return error.maybe_applied
            msg = error.msg
            if error.error_code == STATE_NOT_ALLOWED:
                msg += "; a job may have started in the room since its jobs were listed: run again with force=true"
            raise error.derive(msg=msg, result=dict(changed=bool(stopped), room_id=room_id, stopped_jobs=stopped))


def main():
    LiveRoomModule()()


if __name__ == "__main__":
    main()
