# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Control commands for a running livestream (ExecuteSmartLiveCommand): checks of the documented
commands' params, the secrets inside them, and what a command's answer means.

Internal to the metastudio.cloud collection; may change in any release. Free of Ansible.

The list of commands grows (the SDKs disagree on it), so unknown commands are sent as given; the params
of the documented ones are checked before any request.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import re

from ansible_collections.metastudio.cloud.plugins.module_utils._errors import InvalidInputError
from ansible_collections.metastudio.cloud.plugins.module_utils._live_transform import REDACTED, redact_secrets

COMMAND_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")
PLAY_TYPES = ("APPEND", "INSERT", "PLAY_NOW")
PLAY_ROLES = ("STREAMER", "CO_STREAMER")
AUTO_STOP_MODES = ("FORCE_EXIT", "NEED_CONFIRM", "SEGMENT_END", "SCENE_END", "SCRIPT_END")
MAX_EXIT_HOURS = 168
# What the API answers a command for a job that does not run: "the task state does not allow the operation".
STATE_NOT_ALLOWED = "MSS.20020001"


def _text(params, key, where, required=False, maximum=None):
    value = params.get(key)
    if value is None:
        if required:
            raise InvalidInputError("%s needs params.%s" % (where, key))
        return
    if not isinstance(value, str) or not value or (maximum and len(value) > maximum):
        raise InvalidInputError("%s: params.%s must be a non-empty string%s" % (
            where, key, " of at most %d characters" % maximum if maximum else ""))


def _choice(params, key, where, allowed):
    if params.get(key) is not None and params[key] not in allowed:
        raise InvalidInputError("%s: params.%s must be one of %s, got %r" % (where, key, ", ".join(allowed), params[key]))


def _play(params, where):
    _choice(params, "play_type", where, PLAY_TYPES)
    _choice(params, "play_role", where, PLAY_ROLES)
    _text(params, "rule_index", where, maximum=64)


def _insert_play_script(params, where):
    config = params.get("text_config")
    if config is None and params.get("text") is None:
        raise InvalidInputError("%s needs the text to speak: params.text_config.text" % where)
    if config is not None:
        if not isinstance(config, dict):
            raise InvalidInputError("%s: params.text_config must be a dict with text" % where)
        _text(config, "text", where + " text_config", required=True, maximum=131072)
    else:
        _text(params, "text", where, required=True, maximum=131072)
    _play(params, where)


def _insert_play_audio(params, where):
    _text(params, "audio_url", where, required=True, maximum=2048)
    _play(params, where)


def _list_of_dicts(params, key, where):
    value = params.get(key)
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise InvalidInputError("%s needs params.%s, a list of dicts shaped as the room's %s" % (where, key, key))
    return value


def _rewrite_play_script(params, where):
    for index, script in enumerate(_list_of_dicts(params, "scene_scripts", where)):
        inner = "%s scene_scripts[%d]" % (where, index)
        _text(script, "script_name", inner, required=True, maximum=256)
        if not isinstance(script.get("shoot_scripts"), list):
            raise InvalidInputError("%s needs shoot_scripts, a list of paragraphs" % inner)


def _rewrite_interaction_rules(params, where):
    _list_of_dicts(params, "interaction_rules", where)


def _refresh_output_url(params, where):
    urls, keys = params.get("output_urls") or [], params.get("stream_keys") or []
    if not isinstance(urls, list) or not isinstance(keys, list) or not urls:
        raise InvalidInputError("%s needs params.output_urls, a list with one RTMP URL (and stream_keys, one key for it)" % where)
    if len(urls) > 1 or len(keys) > len(urls):
        raise InvalidInputError("%s: the API takes one output URL and at most one stream key" % where)


def _reset_exit_config(params, where):
    hours = params.get("max_live_duration")
    if hours is not None and (isinstance(hours, bool) or not isinstance(hours, int) or not 0 <= hours <= MAX_EXIT_HOURS):
        raise InvalidInputError("%s: params.max_live_duration must be whole hours from 0 to %d, got %r" % (
            where, MAX_EXIT_HOURS, hours))
    _choice(params, "auto_stop_mode", where, AUTO_STOP_MODES)


# The commands whose params the API documents; every other command is sent with its params as given.
CHECKS = {
    "INSERT_PLAY_SCRIPT": _insert_play_script,
    "INSERT_PLAY_AUDIO": _insert_play_audio,
    "REWRITE_PLAY_SCRIPT": _rewrite_play_script,
    "REWRITE_INTERACTION_RULES": _rewrite_interaction_rules,
    "REFRESH_OUTPUT_URL": _refresh_output_url,
    "RESET_EXIT_CONFIG": _reset_exit_config,
}


def check_command(command, params):
    """Refuse a malformed command name, or params a documented command cannot take, before any request."""
    if not isinstance(command, str) or not COMMAND_PATTERN.match(command):
        raise InvalidInputError("command %r is not a command name such as INSERT_PLAY_SCRIPT (capitals, digits and _)"
                                % (command,))
    check = CHECKS.get(command)
    if check is not None:
        check(params or {}, command)


def secrets_in(params):
    """The secret strings inside a command's params: stream keys, and output URLs that may embed them."""
    found = []
    if isinstance(params, dict):
        for key in ("stream_keys", "output_urls"):
            values = params.get(key)
            if isinstance(values, list):
                found.extend(value for value in values if isinstance(value, str) and value)
    return found


def _masked_strings(original, redacted):
    """The strings of ``original`` that the redaction replaced in ``redacted``."""
    if isinstance(original, dict) and isinstance(redacted, dict):
        return [value for key in original for value in _masked_strings(original[key], redacted.get(key))]
    if isinstance(original, list) and isinstance(redacted, list):
        return [value for pair in zip(original, redacted) for value in _masked_strings(*pair)]
    return [original] if isinstance(original, str) and original and original != REDACTED and redacted == REDACTED else []


def parse_result(raw):
    """(result, raw) of a command's ``result`` string: result is the JSON it holds, parsed (GET_* commands
    answer with JSON in a string), else the string itself; both with the secrets in it masked."""
    if not isinstance(raw, str):
        return redact_secrets(raw), raw
    try:
        parsed = json.loads(raw)
    except ValueError:
        return raw, raw
    redacted = redact_secrets(parsed)
    for secret in sorted(set(_masked_strings(parsed, redacted)), key=len, reverse=True):
        # Also the form JSON may give it, with escapes.
        for form in (secret, json.dumps(secret)[1:-1]):
            raw = raw.replace(form, REDACTED)
    return redacted, raw
