# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Smart-live rooms as desired state: the room body, comparison with the room as read, the PUT body,
redaction of the room's secrets, and finding the room made by a create whose answer was lost.

Internal to the metastudio.cloud collection; may change in any release. Free of Ansible.

Paths name a place in a room: a tuple of keys, with ``[]`` standing for any element of a list.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import copy
import json
import uuid

from ansible_collections.metastudio.cloud.plugins.module_utils._errors import InvalidInputError
from ansible_collections.metastudio.cloud.plugins.module_utils._live_transform import REDACTED
from ansible_collections.metastudio.cloud.plugins.module_utils._rooms_api import find_rooms_by_name

# The room body (CreateSmartLiveRoomReq, also the PUT body), by the type of each field.
TEXT_FIELDS = ("room_name", "room_description", "room_type", "view_mode", "priv_data")
LIST_FIELDS = ("scene_scripts", "interaction_rules", "output_urls", "stream_keys", "backup_model_asset_ids")
TEXT_LIST_FIELDS = ("output_urls", "stream_keys", "backup_model_asset_ids")
DICT_FIELDS = ("interaction_config", "play_policy", "video_config", "live_event_callback_config", "rtc_callback_config",
               "review_config", "shared_config", "co_streamer_config", "relation_live_platform_info")
BODY_FIELDS = TEXT_FIELDS + LIST_FIELDS + DICT_FIELDS
ROOM_TYPES = ("NORMAL", "TEMP", "TEMPLATE")
# Set by the service (show also gives the list-only ones): never compared, never sent.
READ_ONLY_FIELDS = ("room_id", "project_id", "create_time", "update_time", "cover_url", "thumbnail", "room_state",
                    "confirm_state", "script_version", "error_info", "model_infos", "last_job_start_time",
                    "last_job_end_time", "last_job_status")
# Derived by the service from video_config; sent back only when the definition gives it.
DERIVED_FIELDS = ("view_mode",)
# Identities the service fills into list elements: not compared, so that a definition exported from a room
# (which carries them) and one written by hand (which does not) both match the room.
SERVER_SET_KEYS = {
    ("scene_scripts", "[]"): ("script_id",),
    ("interaction_rules", "[]"): ("rule_index",),
}
# Lists whose order the API does not care about, compared as sets.
UNORDERED_LISTS = (
    ("live_event_callback_config", "callback_event_type"),
    ("rtc_callback_config", "rtc_callback_event_type"),
    ("shared_config", "allowed_project_ids"),
)
# Secrets the service may return masked (lifecycle open question 4): write-only when it does.
WRITE_ONLY_PATHS = (("stream_keys", "[]"), ("output_urls", "[]"), ("live_event_callback_config", "key"))
# Every secret of the room body (masked in what leaves the collection).
SECRET_PATHS = WRITE_ONLY_PATHS + (("priv_data",), ("live_event_callback_config", "live_event_type_callback_url"))
PLATFORM_KEYS = ("platform_id", "live_id")
CREATE_MARKER_PREFIX = "metastudio.cloud:create:"


def _path_text(path):
    return ".".join(path).replace(".[]", "[]")


def desired_body(definition, room_name=None):
    """The room body asked for: ``definition`` without its read-only fields, with ``room_name`` in it.

    A field given as None is to be removed from the room. Unknown fields and wrong types are refused, before
    any request: a misspelt field would otherwise be ignored by the service and differ on every run.
    """
    body = dict((key, value) for key, value in (definition or {}).items() if key not in READ_ONLY_FIELDS)
    unknown = sorted(key for key in body if key not in BODY_FIELDS)
    if unknown:
        raise InvalidInputError("definition has fields the room body does not know: %s; known: %s" % (
            ", ".join(unknown), ", ".join(BODY_FIELDS)))
    if room_name is not None:
        # The option wins, so that one definition can serve several rooms.
        body["room_name"] = room_name
    _check_types(body)
    masked = sorted(set(_path_text(path) for path in _masked_paths(body, secrets=SECRET_PATHS)))
    if masked:
        raise InvalidInputError("definition.%s holds a mask (asterisks) where the secret belongs, as in a room this "
                                "collection returned: give the secret itself, or leave the field out" % masked[0])
    return body


def _check_types(body):
    for key, value in body.items():
        if value is None:
            if key == "room_name":
                raise InvalidInputError("room_name cannot be removed: every room has a name")
            continue
        expected = str if key in TEXT_FIELDS else list if key in LIST_FIELDS else dict
        if not isinstance(value, expected):
            raise InvalidInputError("definition.%s must be a %s, got %s" % (
                key, {str: "string", list: "list", dict: "dict"}[expected], type(value).__name__))
        if key in TEXT_LIST_FIELDS and not all(isinstance(item, str) for item in value):
            raise InvalidInputError("definition.%s must be a list of strings" % key)
    name = body.get("room_name")
    if name is not None and not 1 <= len(name) <= 256:
        raise InvalidInputError("room_name must have 1 to 256 characters, got %d" % len(name))
    if body.get("room_type") not in (None,) + ROOM_TYPES:
        raise InvalidInputError("room_type must be one of %s, got %r" % (", ".join(ROOM_TYPES), body["room_type"]))


def is_masked(value):
    """Whether ``value`` is a secret the service returned masked (a string of asterisks only)."""
    return isinstance(value, str) and bool(value) and not value.strip("*")


def _empty(value):
    return value is None or value == "" or value == [] or value == {}


def _canonical(value):
    return json.dumps(value, sort_keys=True)


def _same_scalar(desired, current):
    # True == 1 in Python, but not for the API.
    if isinstance(desired, bool) or isinstance(current, bool):
        return isinstance(desired, bool) and isinstance(current, bool) and desired == current
    return desired == current


def _same(desired, current, path, update_secrets):
    """Whether the room value ``current`` already is what ``desired`` asks for (keys not given are not
    compared)."""
    if desired is None:
        return _empty(current)
    if path in WRITE_ONLY_PATHS and is_masked(current):
        # The service hides the value, so it cannot be compared: update_secrets says what to assume.
        return update_secrets == "on_create"
    if isinstance(desired, dict):
        current = current if isinstance(current, dict) else {}
        ignored = SERVER_SET_KEYS.get(path, ())
        return all(_same(value, current.get(key), path + (key,), update_secrets)
                   for key, value in desired.items() if key not in ignored)
    if isinstance(desired, list):
        if not isinstance(current, list):
            return not desired and _empty(current)
        if path in UNORDERED_LISTS:
            return set(_canonical(item) for item in desired) == set(_canonical(item) for item in current)
        return len(desired) == len(current) and all(
            _same(wanted, found, path + ("[]",), update_secrets) for wanted, found in zip(desired, current))
    return _same_scalar(desired, current)


def differences(desired, current, update_secrets="on_create"):
    """The fields of ``desired`` that the room ``current`` (as shown) does not have as asked, in the API's order."""
    return [key for key in BODY_FIELDS
            if key in desired and not _same(desired[key], current.get(key), (key,), update_secrets)]


def _without_none(value):
    if isinstance(value, dict):
        return dict((key, _without_none(item)) for key, item in value.items() if item is not None)
    if isinstance(value, list):
        return [_without_none(item) for item in value]
    return value


def _merge(current, desired):
    """``desired`` deep-merged onto ``current``: dicts key by key, a None removes the key, anything else
    (lists included) replaces."""
    if not (isinstance(desired, dict) and isinstance(current, dict)):
        return copy.deepcopy(desired)
    merged = dict(current)
    for key, value in desired.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = _merge(current.get(key), value)
    return merged


def _masked_paths(value, path=(), secrets=WRITE_ONLY_PATHS):
    """Paths among ``secrets`` where ``value`` holds a mask instead of the secret."""
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _masked_paths(item, path + (key,), secrets)]
    if isinstance(value, list):
        return [found for item in value for found in _masked_paths(item, path + ("[]",), secrets)]
    return [path] if path in secrets and is_masked(value) else []


def update_body(current, desired):
    """The PUT body: the room as read without what the service sets, the desired fields merged onto it.

    The PUT replaces the whole room, so every field kept must be sent. A secret that the service returned
    masked cannot be sent back (it would become the mask): the definition must give it, or this refuses.
    """
    base = dict((key, value) for key, value in current.items()
                if key not in READ_ONLY_FIELDS and key not in DERIVED_FIELDS)
    body = _without_none(_merge(base, desired))
    platform = body.get("relation_live_platform_info")
    if isinstance(platform, dict):
        # Show gives the platform's details; the body takes only these two.
        body["relation_live_platform_info"] = dict((key, platform[key]) for key in PLATFORM_KEYS if key in platform)
    masked = sorted(set(_path_text(path) for path in _masked_paths(body)))
    if masked:
        raise InvalidInputError(
            "the service returns %s masked, so updating the room would replace them with the mask: give them in "
            "definition (the update sends the whole room)" % ", ".join(masked))
    return body


def predicted_room(current, body):
    """The room as it will read after ``body`` is PUT: what the service sets, then the body."""
    room = dict((key, value) for key, value in current.items() if key in READ_ONLY_FIELDS + DERIVED_FIELDS)
    room.update(copy.deepcopy(body))
    return room


def create_body(desired, marker=None):
    """The create body: the desired fields that are set, and the create marker in priv_data when the
    definition does not set priv_data."""
    body = _without_none(desired)
    if marker is not None and "priv_data" not in desired:
        body["priv_data"] = marker
    return body


def new_create_marker():
    """A value for priv_data that tells the room this run creates from any other room of the same name."""
    return CREATE_MARKER_PREFIX + uuid.uuid4().hex


def find_created_room(transport, room_name, priv_data):
    """The rooms that a create of ``room_name`` with ``priv_data`` may have made, read from the listing
    (which gives priv_data) by exact name and equal priv_data."""
    return [room for room in find_rooms_by_name(transport, room_name)
            if (room.get("priv_data") or "") == (priv_data or "")]


def secret_values(room, with_priv_data=True):
    """The secret strings of a room or room body, to be masked wherever they could appear.

    priv_data is free text that may be as short as a word, and every occurrence of a masked value is masked,
    even inside ids: leave it out for rooms read from the service (their priv_data is redacted where returned).
    """
    room = room or {}
    values = []
    for key in ("stream_keys", "output_urls"):
        # Also a definition not yet checked: a string where the list belongs is masked as a whole.
        given = room.get(key)
        values.extend(given if isinstance(given, list) else [given])
    if with_priv_data:
        values.append(room.get("priv_data"))
    callback = room.get("live_event_callback_config")
    if isinstance(callback, dict):
        values.append(callback.get("key"))
        if _callback_url_is_secret(callback):
            values.append(callback.get("live_event_type_callback_url"))
    return [value for value in values if isinstance(value, str) and value and not is_masked(value)]


def _callback_url_is_secret(callback):
    # With auth_type NONE (the default) the URL carries its own credentials.
    return callback.get("auth_type") in (None, "", "NONE")


def _redact_text(value):
    return REDACTED if isinstance(value, str) and value else value


def redact_room(room):
    """A copy of a room (or part of one) without its secrets, for results, diffs and messages: stream keys,
    output URLs (some platforms put the key in them), priv_data, the callback key, and the callback URL when
    it carries its own credentials."""
    room = copy.deepcopy(room or {})
    for key in ("stream_keys", "output_urls"):
        if isinstance(room.get(key), list):
            room[key] = [_redact_text(value) for value in room[key]]
    if "priv_data" in room:
        room["priv_data"] = _redact_text(room["priv_data"])
    callback = room.get("live_event_callback_config")
    if isinstance(callback, dict):
        if "key" in callback:
            callback["key"] = _redact_text(callback["key"])
        if _callback_url_is_secret(callback) and "live_event_type_callback_url" in callback:
            callback["live_event_type_callback_url"] = _redact_text(callback["live_event_type_callback_url"])
    return room


def room_diff(before, after, fields):
    """Diff-mode before/after of ``fields``, redacted."""
    def pick(room):
        return redact_room(dict((key, room[key]) for key in fields if room and room.get(key) is not None))
    return dict(before=pick(before), after=pick(after))
