#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: metastudio_live_job_command
short_description: Send a control command to a running Huawei Cloud MetaStudio livestream
version_added: 1.1.0
description:
  - Sends one control command to a running smart-live job with the C(ExecuteSmartLiveCommand) API, for example
    text for the virtual human to speak now (V(INSERT_PLAY_SCRIPT)), new scripts (V(REWRITE_PLAY_SCRIPT)), a new
    RTMP target (V(REFRESH_OUTPUT_URL)) or new auto-stop rules (V(RESET_EXIT_CONFIG)).
  - A command is an action, not a state. The task reports a change whenever the command was sent, and sends
    nothing in check mode.
  - The job is read first (C(ShowSmartLive)); a job that is not V(PROCESSING) fails the task before anything is
    sent, naming its state. A command the API refuses because the job ended meanwhile (HTTP 400 C(MSS.20020001))
    fails the task the same way.
  - A command whose answer was lost (a 5xx, a reset connection or a timeout) is not sent again, since a second
    V(INSERT_PLAY_SCRIPT) or V(INSERT_PLAY_AUDIO) would play twice. The task fails, saying that the command may
    have been carried out (RV(maybe_applied)).
author:
  - metastudio.cloud maintainers (@metastudio-cloud)
options:
  room_id:
    description:
      - ID of the room the job runs in. Exactly one of O(room_id) and O(room_name) is needed.
    type: str
  room_name:
    description:
      - Exact name of the room the job runs in, instead of O(room_id).
      - The room is looked up by name (C(ListSmartLiveRooms)); when no room or two rooms have this name, the task
        fails before the command is sent, naming the rooms' ids.
    type: str
  job_id:
    description:
      - ID of the running job, for example RV(metastudio.cloud.metastudio_live_job#module:job_id) of
        M(metastudio.cloud.metastudio_live_job) with O(metastudio.cloud.metastudio_live_job#module:state=started).
    type: str
    required: true
  command:
    description:
      - The command, as the API names it. The commands documented are V(INSERT_PLAY_SCRIPT),
        V(INSERT_PLAY_AUDIO), V(REWRITE_PLAY_SCRIPT), V(REWRITE_INTERACTION_RULES), V(GET_CURRENT_PLAYING_SCRIPTS),
        V(GET_LIVE_JOB_CONFIG_INFO), V(SHOW_LAYER), V(REFRESH_OUTPUT_URL), V(CLEAN_UP_INSERT_COMMAND) and
        V(RESET_EXIT_CONFIG).
      - Other names (capitals, digits and C(_)) are sent as given, since the API adds commands.
    type: str
    required: true
  params:
    description:
      - The command's parameters, shaped as the API documents them for that command. Checked before any request
        for the documented shapes.
      - V(INSERT_PLAY_SCRIPT) needs C(text_config.text) (the text to speak, plain or SSML), and takes
        C(play_type) (V(APPEND), V(INSERT) or V(PLAY_NOW), the default), C(play_role) (V(STREAMER) or
        V(CO_STREAMER)) and C(rule_index).
      - V(INSERT_PLAY_AUDIO) needs C(audio_url) and takes C(play_type) (default V(APPEND)), C(play_role) and
        C(rule_index).
      - V(REWRITE_PLAY_SCRIPT) needs C(scene_scripts) and V(REWRITE_INTERACTION_RULES) needs
        C(interaction_rules), shaped as in the room.
      - V(REFRESH_OUTPUT_URL) needs C(output_urls) (one RTMP URL) and takes C(stream_keys) (one key). Both are
        masked in every output of the task, also at C(-vvvv).
      - V(RESET_EXIT_CONFIG) takes C(max_live_duration) (hours, 0 to 168), C(auto_stop_mode) and
        C(max_exception_waiting_duration).
      - The V(GET_*) commands take none.
    type: dict
  review_config:
    description:
      - The command's content review settings, as the API names them (for example C(no_need_review)); honoured
        only for tenants the service allows.
    type: dict
extends_documentation_fragment:
  - metastudio.cloud.auth
  - metastudio.cloud.connection
  - ansible.builtin.action_common_attributes
  - metastudio.cloud.attributes
attributes:
  check_mode:
    support: full
    details: Reads the job and reports whether the command would be sent; nothing is sent.
  diff_mode:
    support: none
notes:
  - The V(GET_*) commands only read, but are sent with the same call as the others and reported as a change like
    them; set C(changed_when=false) on such tasks.
seealso:
  - module: metastudio.cloud.metastudio_live_job
  - name: ExecuteSmartLiveCommand API
    description: Huawei Cloud MetaStudio API reference for controlling a livestream.
    link: https://support.huaweicloud.com/intl/en-us/api-metastudio/ExecuteSmartLiveCommand.html
'''

EXAMPLES = r'''
- name: Go live in the room
  metastudio.cloud.metastudio_live_job:
    project_id: "{{ project_id }}"
    room_name: Spring sale
    state: started
  register: live

- name: Say something now
  metastudio.cloud.metastudio_live_job_command:
    project_id: "{{ project_id }}"
    room_id: "{{ live.room_id }}"
    job_id: "{{ live.job_id }}"
    command: INSERT_PLAY_SCRIPT
    params:
      text_config:
        text: Welcome! Today every order ships for free.
      play_type: PLAY_NOW

- name: Play an audio clip after the current sentence
  metastudio.cloud.metastudio_live_job_command:
    project_id: "{{ project_id }}"
    room_id: "{{ live.room_id }}"
    job_id: "{{ live.job_id }}"
    command: INSERT_PLAY_AUDIO
    params:
      audio_url: https://example.com/jingle.mp3
      play_type: APPEND

- name: Move the stream to another RTMP target
  metastudio.cloud.metastudio_live_job_command:
    project_id: "{{ project_id }}"
    room_id: "{{ live.room_id }}"
    job_id: "{{ live.job_id }}"
    command: REFRESH_OUTPUT_URL
    params:
      output_urls: ["rtmp://push.example.com/live"]
      stream_keys: ["{{ backup_stream_key }}"]

- name: Stop the livestream automatically after eight hours
  metastudio.cloud.metastudio_live_job_command:
    project_id: "{{ project_id }}"
    room_id: "{{ live.room_id }}"
    job_id: "{{ live.job_id }}"
    command: RESET_EXIT_CONFIG
    params:
      max_live_duration: 8
      auto_stop_mode: FORCE_EXIT

- name: Read what is being played
  metastudio.cloud.metastudio_live_job_command:
    project_id: "{{ project_id }}"
    room_id: "{{ live.room_id }}"
    job_id: "{{ live.job_id }}"
    command: GET_CURRENT_PLAYING_SCRIPTS
  register: playing
  changed_when: false

- name: Show the scripts' names
  ansible.builtin.debug:
    msg: "{{ playing.result.scene_scripts | map(attribute='script_name') | list }}"
'''

RETURN = r'''
changed:
  description: Whether the command was sent (in check mode, would be).
  returned: always
  type: bool
room_id:
  description: ID of the room.
  returned: always
  type: str
job_id:
  description: ID of the job.
  returned: always
  type: str
state:
  description: State of the job when the task read it.
  returned: always
  type: str
  sample: PROCESSING
command:
  description: The command sent.
  returned: always
  type: str
  sample: INSERT_PLAY_SCRIPT
command_id:
  description: ID the service gave the command; null in check mode.
  returned: always
  type: str
  sample: 2f1ad8a7c1a54f6f8e5b0e1d0a9c3b21
result:
  description:
    - The command's C(result). The API gives it as a string; when that string holds JSON (as for the V(GET_*)
      commands) it is returned parsed, else as the string.
    - Stream keys, output URLs, the callback key and the other secrets the API may put in it are replaced by
      C(********).
    - Null in check mode.
  returned: always
  type: raw
  sample: {scene_scripts: [{script_name: Opening, shoot_scripts: [{sequence_no: 1, title: Hello, text: Welcome}]}]}
result_raw:
  description: The command's C(result) string as the API gave it, with the same secrets masked; null in check mode.
  returned: always
  type: str
  sample: SUCCESS
maybe_applied:
  description: Whether the command may have been carried out although the task failed (its answer was lost).
  returned: failure
  type: bool
request_id:
  description: C(X-Request-Id) of the command call; in check mode, of the read of the job; on failure, of the call that failed.
  returned: always
  type: str
request_ids:
  description: C(X-Request-Id) of every call made by the task, in order.
  returned: always
  type: list
  elements: str
status_code:
  description: HTTP status of the failed call, when the API answered.
  returned: failure
  type: int
  sample: 400
error_code:
  description: The API's C(error_code), such as C(MSS.20020001) (the job does not run).
  returned: failure
  type: str
error_msg:
  description: The API's C(error_msg).
  returned: failure
  type: str
'''

from ansible_collections.metastudio.cloud.plugins.module_utils._endpoint import validate_id
from ansible_collections.metastudio.cloud.plugins.module_utils._errors import InvalidInputError, MetaStudioError
from ansible_collections.metastudio.cloud.plugins.module_utils._live_api import execute_command, show_job
from ansible_collections.metastudio.cloud.plugins.module_utils._live_command import (
    STATE_NOT_ALLOWED,
    check_command,
    parse_result,
    secrets_in,
)
from ansible_collections.metastudio.cloud.plugins.module_utils._live_jobs import NOT_FOUND
from ansible_collections.metastudio.cloud.plugins.module_utils._module import MetaStudioModule
from ansible_collections.metastudio.cloud.plugins.module_utils._rooms_api import resolve_room_id

NOT_RUNNING = ("job %s of room %s is %s, not PROCESSING: commands go only to a running livestream%s")


class LiveJobCommandModule(MetaStudioModule):
    argument_spec = dict(
        room_id=dict(type="str"),
        room_name=dict(type="str"),
        job_id=dict(type="str", required=True),
        command=dict(type="str", required=True),
        params=dict(type="dict"),
        review_config=dict(type="dict"),
    )
    module_kwargs = dict(supports_check_mode=True, mutually_exclusive=[("room_id", "room_name")],
                         required_one_of=[("room_id", "room_name")])

    @staticmethod
    def secrets_in_params(params):
        return secrets_in(params.get("params"))

    def validate(self):
        params = self.params
        validate_id("job_id", params["job_id"])
        if params["room_id"] is not None:
            validate_id("room_id", params["room_id"])
        if params["room_name"] is not None and not params["room_name"].strip():
            raise InvalidInputError("room_name must not be empty")
        check_command(params["command"], params["params"])

    def run(self):
        params = self.params
        room_id = resolve_room_id(self.transport, room_id=params["room_id"], room_name=params["room_name"])
        if room_id is None:
            raise InvalidInputError("no room is named %r (exactly)" % params["room_name"])
        facts = dict(changed=False, room_id=room_id, job_id=params["job_id"], command=params["command"], command_id=None,
                     result=None, result_raw=None, state=None)
        facts["state"], facts["request_id"] = self.read_state(room_id, facts)
        if facts["state"] != "PROCESSING":
            raise MetaStudioError(self.not_running(room_id, facts["state"]), request_id=facts["request_id"], result=facts)
        if self.check_mode:
            facts["changed"] = True
            return facts
        try:
            answer = execute_command(self.transport, room_id, params["job_id"], params["command"], params["params"],
                                     params["review_config"])
        except MetaStudioError as error:
            raise self.command_failure(error, room_id, facts)
        body = answer.body if isinstance(answer.body, dict) else {}
        facts["result"], facts["result_raw"] = parse_result(body.get("result"))
        facts.update(changed=True, command_id=body.get("command_id"), request_id=answer.request_id)
        return facts

    def read_state(self, room_id, facts):
        try:
            read = show_job(self.transport, room_id, self.params["job_id"])
        except MetaStudioError as error:
            if error.not_found:
                raise error.derive(msg=NOT_FOUND % (self.params["job_id"], room_id, error.msg), result=facts)
            raise error.derive(result=facts)
        return (read.body or {}).get("state"), read.request_id

    def not_running(self, room_id, state):
        hint = (": wait until it is, for example with metastudio.cloud.metastudio_live_job state=started wait=true"
                if state == "WAITING" else "")
        return NOT_RUNNING % (self.params["job_id"], room_id, state, hint)

    def command_failure(self, error, room_id, facts):
        """The error to fail with: a lost answer says the command may have run; a refusal re-reads the job."""
        if error.maybe_applied:
            return error.derive(msg="%s. The command may have been carried out; it was not sent again, since a second "
                                    "send could carry it out twice" % error.msg,
                                result=dict(facts, changed=True, maybe_applied=True))
        facts = dict(facts, maybe_applied=False)
        if error.status_code == 400 and error.error_code == STATE_NOT_ALLOWED:
            try:
                facts["state"], dummy = self.read_state(room_id, facts)
            except MetaStudioError:
                pass  # the refusal itself is the failure to report
            return error.derive(msg="%s: %s" % (error.msg, self.not_running(room_id, facts["state"])), result=facts)
        return error.derive(result=facts)


def main():
    LiveJobCommandModule()()


if __name__ == "__main__":
    main()
