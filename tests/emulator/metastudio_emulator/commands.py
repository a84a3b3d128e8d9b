# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ExecuteSmartLiveCommand: control a PROCESSING job, one command at a time."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json

from .errors import StateNotAllowed
from .lookup import find_job
from .model import PROCESSING, new_id
from .queries import body_object
from .timeutil import format_rfc3339
from .validation import command_body, live_exit_config


def _playing_scripts(job):
    scripts = (job.config or {}).get("scene_scripts") or []
    return {"scene_scripts": [
        {"script_name": script.get("script_name"), "model_asset_id": script.get("model_asset_id"),
         "shoot_scripts": [{"sequence_no": shoot.get("sequence_no"), "title": shoot.get("title"),
                            "text": (shoot.get("text_config") or {}).get("text")}
                           for shoot in script.get("shoot_scripts") or []]}
        for script in scripts]}


def _carry_out(job, command, params, now):
    """Apply the command to the job; returns the `result` string."""
    if command == "GET_CURRENT_PLAYING_SCRIPTS":
        return json.dumps(_playing_scripts(job), ensure_ascii=False)
    if command == "GET_LIVE_JOB_CONFIG_INFO":
        return json.dumps(job.config or {}, ensure_ascii=False)
    if command == "RESET_EXIT_CONFIG":
        hours = live_exit_config(params)
        job.limit_duration = hours
        job.schedule_auto_end(job.start_time + hours * 3600 if hours else None, "SUCCEED")
    elif command == "REWRITE_PLAY_SCRIPT" and job.config is not None:
        job.config["scene_scripts"] = params["scene_scripts"]
    elif command == "REWRITE_INTERACTION_RULES" and job.config is not None:
        job.config["interaction_rules"] = params["interaction_rules"]
    elif command == "REFRESH_OUTPUT_URL" and job.config is not None:
        for key in ("output_urls", "stream_keys"):
            if key in params:
                job.config[key] = params[key]
    return "SUCCESS"


def execute_smart_live_command(emulator, request, params):
    command, command_params = command_body(body_object(request))
    now = emulator.clock.now()
    with emulator.store.lock:
        job = find_job(emulator, request, params, now)
        if job.state != PROCESSING:
            raise StateNotAllowed()
        result = _carry_out(job, command, command_params, now)
        command_id = new_id()
        job.commands.append({"command_id": command_id, "command": command, "time": format_rfc3339(now, fraction=True)})
    request.log["effect"] = "executed"
    return {"command_id": command_id, "command": command, "result": result}
