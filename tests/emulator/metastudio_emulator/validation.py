# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documented constraints of the room body, the StartSmartLive body and the control commands' params.

Each check raises ValidationFailed naming the field (400 MSS.10000003). Fields the API does not know are
ignored, as the service ignores them.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from .errors import ValidationFailed
from .model import ROOM_TYPES

LIVE_RESOLUTIONS = ((1920, 1080), (1080, 1920))
PLAY_TYPES = ("APPEND", "INSERT", "PLAY_NOW")
PLAY_ROLES = ("STREAMER", "CO_STREAMER")
MAX_EXIT_HOURS = 168


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def text(document, key, where, required=False, minimum=0, maximum=None):
    value = document.get(key)
    if value is None:
        if required:
            raise ValidationFailed("%s%s is required" % (where, key))
        return None
    if not isinstance(value, str) or len(value) < minimum or (maximum is not None and len(value) > maximum):
        raise ValidationFailed("%s%s must be a string of %d..%s characters" % (where, key, minimum, maximum or "n"))
    return value


def integer(document, key, where, minimum, maximum, required=False):
    value = document.get(key)
    if value is None:
        if required:
            raise ValidationFailed("%s%s is required" % (where, key))
        return None
    if not _is_int(value) or not minimum <= value <= maximum:
        raise ValidationFailed("%s%s must be an integer in %d..%d" % (where, key, minimum, maximum))
    return value


def choice(document, key, where, allowed):
    value = document.get(key)
    if value is not None and value not in allowed:
        raise ValidationFailed("%s%s must be one of %s" % (where, key, ", ".join(allowed)))
    return value


def flag(document, key, where):
    value = document.get(key)
    if value is not None and not isinstance(value, bool):
        raise ValidationFailed("%s%s must be true or false" % (where, key))
    return value


def obj(document, key, where, required=False):
    value = document.get(key)
    if value is None:
        if required:
            raise ValidationFailed("%s%s is required" % (where, key))
        return None
    if not isinstance(value, dict):
        raise ValidationFailed("%s%s must be an object" % (where, key))
    return value


def items(document, key, where, maximum=None, required=False, of=dict):
    value = document.get(key)
    if value is None:
        if required:
            raise ValidationFailed("%s%s is required" % (where, key))
        return []
    if not isinstance(value, list) or not all(isinstance(item, of) for item in value):
        raise ValidationFailed("%s%s must be a list of %s" % (where, key, "objects" if of is dict else "strings"))
    if maximum is not None and len(value) > maximum:
        raise ValidationFailed("%s%s takes at most %d entries" % (where, key, maximum))
    return value


def enum_items(document, key, where, allowed):
    for value in items(document, key, where, of=str):
        if value not in allowed:
            raise ValidationFailed("%s%s has an unknown value %s" % (where, key, value))


# --- shared parts ------------------------------------------------------------


def video_config(document, where=""):
    """Livestream video: 1920x1080 or 1080x1920, bitrate 1000..8000 kbps, H264, no subtitles."""
    config = obj(document, "video_config", where)
    if config is None:
        return
    inner = where + "video_config."
    width = integer(config, "width", inner, 1, 10000, required=True)
    height = integer(config, "height", inner, 1, 10000, required=True)
    if (width, height) not in LIVE_RESOLUTIONS:
        raise ValidationFailed("%swidth x height must be 1920x1080 or 1080x1920 for a livestream" % inner)
    integer(config, "bitrate", inner, 1000, 8000, required=True)
    choice(config, "codec", inner, ("H264",))
    choice(config, "clip_mode", inner, ("RESIZE", "CROP"))
    if config.get("is_subtitle_enable"):
        raise ValidationFailed("%sis_subtitle_enable: subtitles are not supported for livestreams" % inner)


def play_policy(document, where=""):
    policy = obj(document, "play_policy", where) or {}
    inner = where + "play_policy."
    integer(policy, "repeat_count", inner, -1, 2147483647)
    flag(policy, "auto_play_script", inner)
    choice(policy, "play_mode", inner, ("TEXT", "AUDIO", "NO_PRESET"))
    choice(policy, "random_play_mode", inner, ("NONE", "SCENE", "SCRIPT_ITEM", "SCENE_AND_SCRIPT_ITEM"))
    live_exit_config(obj(policy, "live_exit_config", inner) or {})


def live_exit_config(config):
    """Returns max_live_duration in hours (0 when unset). Its message names the field alone, as before."""
    hours = config.get("max_live_duration")
    if hours is not None and (not _is_int(hours) or not 0 <= hours <= MAX_EXIT_HOURS):
        raise ValidationFailed("max_live_duration")
    choice(config, "auto_stop_mode", "live_exit_config.", ("FORCE_EXIT", "NEED_CONFIRM"))
    integer(config, "max_exception_waiting_duration", "live_exit_config.", 0, 86400)
    return hours or 0


def output(document, where=""):
    """One RTMP target at most; keys parallel to the URLs."""
    urls = items(document, "output_urls", where, maximum=1, of=str)
    keys = items(document, "stream_keys", where, maximum=1, of=str)
    if keys and not urls:
        raise ValidationFailed("%sstream_keys needs output_urls" % where)


def event_callback(document, where=""):
    config = obj(document, "live_event_callback_config", where) or {}
    inner = where + "live_event_callback_config."
    text(config, "live_event_type_callback_url", inner, maximum=2048)
    choice(config, "auth_type", inner, ("NONE", "MSS_A", "MSS_A_HEAD", "MEITUAN_DEFAULT"))
    text(config, "key", inner, maximum=32)
    enum_items(config, "callback_event_type", inner,
               ("SHOOT_SCRIPT_SWITCH", "RTMP_STREAM_STATE_CHANGE", "REPLY_COMMAND_FINISH"))


def streaming_parts(document, where=""):
    """The fields a room and a start body share."""
    video_config(document, where)
    play_policy(document, where)
    output(document, where)
    event_callback(document, where)
    choice(document, "view_mode", where, ("LANDSCAPE", "VERTICAL"))
    enum_items(obj(document, "rtc_callback_config", where) or {}, "rtc_callback_event_type",
               where + "rtc_callback_config.", ("LIVE_PROGRESS", "REPLY_COMMAND_FINISH"))
    choice(obj(document, "co_streamer_config", where) or {}, "streamer_action", where + "co_streamer_config.",
           ("SILENCE", "VOLUME_DOWN"))


# --- room --------------------------------------------------------------------


def scene_scripts(document, where=""):
    for index, script in enumerate(items(document, "scene_scripts", where, maximum=100)):
        inner = "%sscene_scripts[%d]." % (where, index)
        text(script, "script_name", inner, required=True, minimum=1, maximum=256)
        text(script, "script_description", inner, maximum=1024)
        text(script, "model_asset_id", inner, maximum=64)
        voice = obj(script, "voice_config", inner)
        if voice is not None:
            text(voice, "voice_asset_id", inner + "voice_config.", required=True, minimum=1, maximum=256)
        for number, shoot in enumerate(items(script, "shoot_scripts", inner, required=True)):
            shoot_where = "%sshoot_scripts[%d]." % (inner, number)
            text(shoot, "title", shoot_where, maximum=256)
            config = obj(shoot, "text_config", shoot_where)
            if config is not None:
                text(config, "text", shoot_where + "text_config.", required=True, maximum=131072)


def interaction_rules(document, where=""):
    for index, rule in enumerate(items(document, "interaction_rules", where)):
        inner = "%sinteraction_rules[%d]." % (where, index)
        text(rule, "rule_name", inner, maximum=256)
        flag(rule, "enabled", inner)
        integer(rule, "event_type", inner, 0, 100)


def room_body(document):
    """A CreateSmartLiveRoom / UpdateSmartLiveRoom body; room_name is required on both."""
    text(document, "room_name", "", required=True, minimum=1, maximum=256)
    text(document, "room_description", "", maximum=1024)
    choice(document, "room_type", "", ROOM_TYPES)
    text(document, "priv_data", "", maximum=8192)
    for asset in items(document, "backup_model_asset_ids", "", maximum=5, of=str):
        if len(asset) > 64:
            raise ValidationFailed("backup_model_asset_ids entries must be at most 64 characters")
    platform = obj(document, "relation_live_platform_info", "")
    if platform is not None:
        text(platform, "platform_id", "relation_live_platform_info.", required=True, minimum=1)
        text(platform, "live_id", "relation_live_platform_info.", required=True, minimum=1)
    scene_scripts(document)
    interaction_rules(document)
    streaming_parts(document)


# --- start -------------------------------------------------------------------


def start_body(document):
    """A StartSmartLive body (every field optional); returns (max_live_duration hours, single_job_in_room)."""
    streaming_parts(document)
    text(document, "interaction_callback_url", "", maximum=2048)
    run_config = obj(document, "job_run_config", "") or {}
    choice(run_config, "allow_resource_type", "job_run_config.", ("PERIOD", "ONDEMAND", "UNLIMITED", "ONE_TIME"))
    single = flag(run_config, "single_job_in_room", "job_run_config.")
    policy = document.get("play_policy") or {}
    return live_exit_config(policy.get("live_exit_config") or {}), bool(single)


# --- commands ----------------------------------------------------------------


def _play_params(params, where):
    choice(params, "play_type", where, PLAY_TYPES)
    choice(params, "play_role", where, PLAY_ROLES)
    text(params, "rule_index", where, maximum=64)


def _insert_play_script(params):
    # The published shape is PlayTextInfo with text_config {text}; a bare "text" is accepted too, since
    # no source settles the shape (lifecycle reference, section 6.1).
    config = obj(params, "text_config", "params.")
    if config is None:
        text(params, "text", "params.", required=True, minimum=1, maximum=131072)
    else:
        text(config, "text", "params.text_config.", required=True, minimum=1, maximum=131072)
    _play_params(params, "params.")


def _insert_play_audio(params):
    text(params, "audio_url", "params.", required=True, minimum=1, maximum=2048)
    _play_params(params, "params.")


def _rewrite_play_script(params):
    items(params, "scene_scripts", "params.", required=True)
    scene_scripts(params, "params.")


def _rewrite_interaction_rules(params):
    items(params, "interaction_rules", "params.", required=True)
    interaction_rules(params, "params.")


def _refresh_output_url(params):
    output(params, "params.")


def _reset_exit_config(params):
    live_exit_config(params)


# Commands whose params have a documented shape; the others take any object.
COMMAND_PARAMS = {
    "INSERT_PLAY_SCRIPT": _insert_play_script,
    "INSERT_PLAY_AUDIO": _insert_play_audio,
    "REWRITE_PLAY_SCRIPT": _rewrite_play_script,
    "REWRITE_INTERACTION_RULES": _rewrite_interaction_rules,
    "REFRESH_OUTPUT_URL": _refresh_output_url,
    "RESET_EXIT_CONFIG": _reset_exit_config,
}


def command_body(document):
    """An ExecuteSmartLiveCommand body; returns (command, params). Unknown commands pass: the list grows."""
    command = text(document, "command", "", required=True, minimum=1, maximum=64)
    params = obj(document, "params", "") or {}
    check = COMMAND_PARAMS.get(command)
    if check is not None:
        check(params)
    return command, params
