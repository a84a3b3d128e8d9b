# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulated entities (projects, credentials, users, tokens, rooms, jobs) and their API views.

Job states are evaluated lazily: each job keeps the instants at which it is
due to change (start of processing, effective stop, automatic end) and
`settle()` applies the ones that have passed whenever the job is read. No
timer threads are needed, so thousands of jobs cost nothing while idle.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import copy
import hashlib
import re
import secrets
import string
import uuid

from .timeutil import format_rfc3339

WAITING = "WAITING"
PROCESSING = "PROCESSING"
RUNNING_STATES = (WAITING, PROCESSING)
END_STATES = ("SUCCEED", "FAILED", "BLOCKED", "CANCELED")
ALL_JOB_STATES = RUNNING_STATES + END_STATES
FUTURE_STATE_PATTERN = re.compile(r"^[A-Z][A-Z_]{0,31}$")
AUTO_END_STATES = ("SUCCEED", "FAILED", "BLOCKED", "CANCELED")
ROOM_TYPES = ("NORMAL", "TEMP", "TEMPLATE")

DEFAULT_ERROR_INFO = {"error_code": "MSS.20010001", "error_msg": "The livestream job failed."}
DEFAULT_BLOCK_REASON = "The livestream was blocked for violating content rules."
DEFAULT_REGION = "cn-north-4"


def new_id():
    return uuid.uuid4().hex


def _random_text(alphabet, length):
    return "".join(secrets.choice(alphabet) for position in range(length))


def new_access_key():
    return _random_text(string.ascii_uppercase + string.digits, 20)


def new_secret_key():
    return _random_text(string.ascii_letters + string.digits, 40)


def new_token():
    # Real IAM tokens are long opaque base64 strings starting with "MII".
    return "MII" + secrets.token_urlsafe(1200)


class Project:
    def __init__(self, project_id, name):
        self.project_id = project_id
        self.name = name
        self.domain_id = None
        # None: the behaviours decide; else a `rate_limits` value for this project only.
        self.rate_limits = None


class Credential:
    def __init__(self, access_key, secret_key, security_token=None, expires_at=None, project_ids=None):
        self.access_key = access_key
        self.secret_key = secret_key
        self.security_token = security_token
        self.expires_at = expires_at
        self.project_ids = frozenset(project_ids or ())

    def allows(self, project_id):
        return not self.project_ids or project_id in self.project_ids


class User:
    def __init__(self, domain_name, name, password, project_ids=None):
        self.domain_name = domain_name
        self.name = name
        self.password = password
        self.project_ids = frozenset(project_ids or ())
        self.user_id = hashlib.sha256(("user:%s:%s" % (domain_name, name)).encode("utf-8")).hexdigest()[:32]
        self.domain_id = domain_id_for(domain_name)

    def allows(self, project_id):
        return not self.project_ids or project_id in self.project_ids


def domain_id_for(domain_name):
    """A stable fake domain id derived from the account name."""
    return hashlib.sha256(("domain:%s" % domain_name).encode("utf-8")).hexdigest()[:32]


class Token:
    def __init__(self, token, project_id, issued_at, expires_at, user=None):
        self.token = token
        self.project_id = project_id
        self.issued_at = issued_at
        self.expires_at = expires_at
        self.user = user


# The fields of the room body (CreateSmartLiveRoomReq, also the PUT body), in the API's order.
ROOM_FIELDS = ("room_name", "room_description", "room_type", "scene_scripts", "interaction_config",
               "interaction_rules", "play_policy", "video_config", "output_urls", "stream_keys",
               "backup_model_asset_ids", "live_event_callback_config", "rtc_callback_config", "review_config",
               "shared_config", "view_mode", "co_streamer_config", "priv_data", "relation_live_platform_info")
# Set by the service; a room read back and PUT again carries them.
ROOM_READ_ONLY_FIELDS = ("room_id", "project_id", "create_time", "update_time", "cover_url", "thumbnail",
                         "room_state", "confirm_state", "script_version", "error_info", "model_infos",
                         "last_job_start_time", "last_job_end_time", "last_job_status")
# What show answers for a field the room body left out.
_ROOM_DEFAULTS = {"scene_scripts": [], "interaction_rules": [], "output_urls": [], "stream_keys": [],
                  "backup_model_asset_ids": [], "room_description": ""}
MASK = "******"


class Room:
    def __init__(self, room_id, project_id, room_name, room_type, created, seq):
        self.room_id = room_id
        self.project_id = project_id
        self.spec = {"room_name": room_name, "room_type": room_type}
        self.created = created
        self.updated = created
        self.seq = seq
        self.script_version = None
        self.jobs = []
        self.set_spec(self.spec, created)

    @property
    def room_name(self):
        return self.spec["room_name"]

    @room_name.setter
    def room_name(self, value):
        self.spec["room_name"] = value

    @property
    def room_type(self):
        return self.spec.get("room_type") or "NORMAL"

    @room_type.setter
    def room_type(self, value):
        self.spec["room_type"] = value

    def set_spec(self, spec, now):
        """Take a room body (already checked) as the room's own; server-set identities are filled in."""
        kept = dict((key, copy.deepcopy(spec[key])) for key in ROOM_FIELDS if spec.get(key) is not None)
        kept.setdefault("room_type", "NORMAL")
        for index, script in enumerate(kept.get("scene_scripts") or []):
            script.setdefault("script_id", "%s-script-%d" % (self.room_id[:8], index + 1))
        for index, rule in enumerate(kept.get("interaction_rules") or []):
            rule.setdefault("rule_index", "%d" % (index + 1))
        self.spec = kept
        self.updated = now
        # A new script version on every write; the previous one is never repeated.
        version = "%d" % int(now * 1000)
        self.script_version = version if version != self.script_version else "%s-%d" % (version, self.seq)

    def view_mode(self):
        config = self.spec.get("video_config") or {}
        if config.get("width") and config.get("height"):
            return "LANDSCAPE" if config["width"] > config["height"] else "VERTICAL"
        return self.spec.get("view_mode") or "VERTICAL"

    def model_infos(self):
        assets = [script["model_asset_id"] for script in self.spec.get("scene_scripts") or []
                  if script.get("model_asset_id")]
        backups = list(self.spec.get("backup_model_asset_ids") or [])
        return [{"model_asset_id": asset, "asset_name": None, "backup_model_asset_ids": backups} for asset in assets]

    def last_job(self):
        if not self.jobs:
            return None
        return max(self.jobs, key=lambda job: (job.created, job.seq))

    def render_summary(self):
        """The room as ListSmartLiveRooms shows it; its jobs must be settled first."""
        last = self.last_job()
        return {
            "room_id": self.room_id,
            "project_id": self.project_id,
            "room_name": self.room_name,
            "room_type": self.room_type,
            "room_state": "ENABLE",
            "view_mode": self.view_mode(),
            "error_info": None,
            "shared_config": self.spec.get("shared_config"),
            "room_description": self.spec.get("room_description", ""),
            "cover_url": None,
            "thumbnail": None,
            "model_infos": self.model_infos(),
            "create_time": format_rfc3339(self.created),
            "update_time": format_rfc3339(max(self.updated, last.lastupdate if last else self.updated)),
            "last_job_start_time": format_rfc3339(last.start_time) if last else None,
            "last_job_end_time": format_rfc3339(last.end_time) if last else None,
            "last_job_status": last.state if last else None,
            "priv_data": self.spec.get("priv_data"),
            "confirm_state": "CONFIRMED",
        }

    def render_full(self, mask_secrets=False):
        """The room as ShowSmartLiveRoom (and UpdateSmartLiveRoom) show it: every body field in full, stream
        keys and the callback key included unless `mask_secrets`; its jobs must be settled first."""
        shown = self.render_summary()
        for key in ROOM_FIELDS:
            shown[key] = copy.deepcopy(self.spec.get(key, _ROOM_DEFAULTS.get(key)))
        shown["view_mode"] = self.view_mode()
        shown["script_version"] = self.script_version
        platform = shown["relation_live_platform_info"]
        if platform:
            shown["relation_live_platform_info"] = {"platform_id": platform.get("platform_id"), "platform": None,
                                                    "account": None, "live_id": platform.get("live_id")}
        if mask_secrets:
            shown["stream_keys"] = [MASK for key in shown["stream_keys"]]
            if (shown["live_event_callback_config"] or {}).get("key"):
                shown["live_event_callback_config"]["key"] = MASK
        return shown


class Job:
    """One livestream job; `settle(now)` brings its state up to date."""

    def __init__(self, job_id, room, created, seq, app_user_id=None):
        self.job_id = job_id
        self.room = room
        self.project_id = room.project_id
        self.created = created
        self.seq = seq
        self.app_user_id = app_user_id
        self.state = WAITING
        self.start_time = None
        self.end_time = None
        self.lastupdate = created
        self.processing_at = None
        self.stop_at = None
        self.stop_state = None
        self.auto_end_at = None
        self.auto_end_state = None
        self.auto_end_error_info = None
        self.auto_end_block_reason = None
        self.error_info = None
        self.block_reason = None
        self.limit_duration = 0
        self.live_event_callback_config = None
        self.rtc_callback_config = None
        self.co_streamer_config = None
        # The room as the job took it at start, with the start body's fields on top (lifecycle question 5).
        self.config = None
        # Control commands carried out: [{"command_id", "command", "time"}] (never their params).
        self.commands = []
        self._fixed = None

    @property
    def ended(self):
        return self.state not in RUNNING_STATES

    @property
    def stopping(self):
        return self.stop_at is not None and not self.ended

    def settle(self, now):
        """Apply, in time order, every scheduled change due at or before `now`."""
        if self.ended:
            return
        events = []
        if self.state == WAITING and self.processing_at is not None:
            events.append((self.processing_at, 0))
        if self.stop_at is not None:
            events.append((self.stop_at, 1))
        if self.auto_end_at is not None:
            events.append((self.auto_end_at, 2))
        events.sort()
        for when, kind in events:
            if when > now:
                break
            if kind == 0:
                self.state = PROCESSING
                self.start_time = when
                self.lastupdate = when
            elif kind == 1:
                self.finish(when, self.stop_state)
                return
            else:
                self.finish(when, self.auto_end_state, self.auto_end_error_info, self.auto_end_block_reason)
                return

    def finish(self, when, state, error_info=None, block_reason=None):
        """End the job at `when` in the terminal `state`."""
        self.state = state
        self.end_time = when
        self.lastupdate = when
        if state == "FAILED":
            self.error_info = dict(error_info or DEFAULT_ERROR_INFO)
        elif error_info:
            self.error_info = dict(error_info)
        if state == "BLOCKED":
            self.block_reason = block_reason or DEFAULT_BLOCK_REASON
        elif block_reason:
            self.block_reason = block_reason
        self.processing_at = None
        self.stop_at = None
        self.auto_end_at = None

    def schedule_auto_end(self, when, state, error_info=None, block_reason=None):
        self.auto_end_at = when
        self.auto_end_state = state
        self.auto_end_error_info = error_info
        self.auto_end_block_reason = block_reason

    def place_in_state(self, state, now, start_time=None, end_time=None, error_info=None, block_reason=None):
        """Put a freshly seeded job directly into `state` with consistent times."""
        if state == WAITING:
            return
        if start_time is None:
            start_time = min(self.created + 1.0, max(now, self.created))
        self.state = PROCESSING
        self.start_time = start_time
        self.lastupdate = start_time
        if state != PROCESSING:
            if end_time is None:
                end_time = max(start_time, now)
            self.finish(end_time, state, error_info, block_reason)

    def duration(self, now):
        if self.start_time is None:
            return 0.0
        finish = self.end_time if self.end_time is not None else now
        return round(max(0.0, finish - self.start_time), 3)

    def _fixed_parts(self):
        """Parts of the job view that never change, built once."""
        if self._fixed is None:
            digest = hashlib.sha256(self.job_id.encode("utf-8")).hexdigest()
            ctime = int(self.created)
            users = [
                {"user_type": user_type, "user_id": "%s-%s" % (user_type.lower(), digest[index * 8:index * 8 + 8]),
                 "signature": digest[16:48], "ctime": ctime}
                for index, user_type in enumerate(("CAPTURE", "ANIMATION", "RENDER", "PLAYER"))
            ]
            report_url = "https://metastudio-live-event.cn-north-4.myhuaweicloud.com/v1/%s/smart-live-jobs/%s/live-event-report" % (
                self.project_id, self.job_id)
            self._fixed = ({"app_id": digest[:24], "room_id": self.job_id, "users": users}, report_url)
        return self._fixed

    def render(self, now):
        """The job as ShowSmartLive and the list calls show it."""
        duration = self.duration(now)
        rtc_room_info, report_url = self._fixed_parts()
        return {
            "job_id": self.job_id,
            "room_id": self.room.room_id,
            "room_name": self.room.room_name,
            "state": self.state,
            "duration": duration,
            "start_time": format_rfc3339(self.start_time),
            "end_time": format_rfc3339(self.end_time),
            "error_info": dict(self.error_info) if self.error_info else None,
            "create_time": format_rfc3339(self.created),
            "lastupdate_time": format_rfc3339(self.lastupdate),
            "rtc_room_info": rtc_room_info,
            "live_event_report_url": report_url,
            "live_event_callback_config": self.live_event_callback_config,
            "rtc_callback_config": self.rtc_callback_config,
            "stream_duration": duration,
            "block_reason": self.block_reason,
            "cover_url": None,
            "co_streamer_config": self.co_streamer_config,
            "live_job_log": None,
            "relation_live_platform_info": None,
            "used_resource_type": "ONDEMAND",
            "is_ai_mark_on": False,
        }
