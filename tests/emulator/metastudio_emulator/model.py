# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""In-memory state: projects, credentials, users, tokens, rooms and jobs.

Job states are evaluated lazily: each job keeps the instants at which it is
due to change (start of processing, effective stop, automatic end) and
`settle()` applies the ones that have passed whenever the job is read. No
timer threads are needed, so thousands of jobs cost nothing while idle.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import hashlib
import re
import secrets
import string
import threading
import uuid

from .timeutil import format_rfc3339, parse_rfc3339

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


class SeedError(ValueError):
    """A seed document is invalid; the message names the offending item."""


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


class Room:
    def __init__(self, room_id, project_id, room_name, room_type, created, seq):
        self.room_id = room_id
        self.project_id = project_id
        self.room_name = room_name
        self.room_type = room_type
        self.created = created
        self.updated = created
        self.seq = seq
        self.jobs = []

    def last_job(self):
        if not self.jobs:
            return None
        return max(self.jobs, key=lambda job: (job.created, job.seq))


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


class Store:
    """All emulator state, guarded by one lock (`self.lock`)."""

    def __init__(self, clock):
        self.clock = clock
        self.lock = threading.RLock()
        self.projects = {}
        self.credentials = {}
        self.users = {}
        self.tokens = {}
        self.rooms = {}
        self.jobs = {}
        self._seq = 0

    def clear(self):
        with self.lock:
            self.projects.clear()
            self.credentials.clear()
            self.users.clear()
            self.tokens.clear()
            self.rooms.clear()
            self.jobs.clear()
            self._seq = 0

    def next_seq(self):
        self._seq += 1
        return self._seq

    # --- lookups -------------------------------------------------------

    def jobs_of_project(self, project_id):
        return [job for job in self.jobs.values() if job.project_id == project_id]

    def rooms_of_project(self, project_id):
        return [room for room in self.rooms.values() if room.project_id == project_id]

    def find_project_by_name(self, name):
        matches = [project for project in self.projects.values() if project.name == name]
        return matches[0] if len(matches) == 1 else None

    def ensure_project(self, project_id, name=None, created_ids=None):
        project = self.projects.get(project_id)
        if project is None:
            project = Project(project_id, name or self._free_project_name())
            self.projects[project_id] = project
            if created_ids is not None:
                created_ids.append(project_id)
        elif name:
            project.name = name
        return project

    def _free_project_name(self):
        used = set(project.name for project in self.projects.values())
        if DEFAULT_REGION not in used:
            return DEFAULT_REGION
        suffix = 1
        while "%s_sub%d" % (DEFAULT_REGION, suffix) in used:
            suffix += 1
        return "%s_sub%d" % (DEFAULT_REGION, suffix)

    def add_room(self, project_id, room_id=None, room_name=None, room_type="NORMAL", created=None):
        room_id = room_id or new_id()
        room = Room(room_id, project_id, room_name or "room-%s" % room_id[:8], room_type,
                    created if created is not None else self.clock.now(), self.next_seq())
        self.rooms[room_id] = room
        return room

    def add_job(self, room, job_id=None, created=None, app_user_id=None):
        job = Job(job_id or new_id(), room, created if created is not None else self.clock.now(),
                  self.next_seq(), app_user_id)
        self.jobs[job.job_id] = job
        room.jobs.append(job)
        room.updated = max(room.updated, job.created)
        return job

    def remove_job(self, job):
        self.jobs.pop(job.job_id, None)
        if job in job.room.jobs:
            job.room.jobs.remove(job)

    # --- seeding -------------------------------------------------------

    def seed(self, document):
        """Add the items of a seed document; returns what was created."""
        if not isinstance(document, dict):
            raise SeedError("seed body must be a JSON object")
        known = ("projects", "credentials", "users", "tokens", "rooms", "jobs", "generate")
        unknown = sorted(set(document) - set(known))
        if unknown:
            raise SeedError("unknown seed keys %s; known: %s" % (", ".join(unknown), ", ".join(known)))
        with self.lock:
            snapshot = self._snapshot()
            try:
                return self._seed(document)
            except SeedError:
                self._restore(snapshot)
                raise

    def _snapshot(self):
        return (dict(self.projects), dict(self.credentials), dict(self.users), dict(self.tokens),
                dict(self.rooms), dict(self.jobs), self._seq,
                dict((room_id, list(room.jobs)) for room_id, room in self.rooms.items()))

    def _restore(self, snapshot):
        (self.projects, self.credentials, self.users, self.tokens, self.rooms, self.jobs, self._seq,
         room_jobs) = snapshot
        for room_id, jobs in room_jobs.items():
            self.rooms[room_id].jobs = jobs

    def _seed(self, document):
        now = self.clock.now()
        result = {"projects": [], "credentials": [], "users": [], "tokens": [], "rooms": [], "jobs": []}
        created_projects = result["projects"]
        for index, item in enumerate(_items(document, "projects")):
            project_id = _opt_text(item, "project_id", "projects", index) or new_id()
            self.ensure_project(project_id, _opt_text(item, "name", "projects", index), created_projects)
        for index, item in enumerate(_items(document, "credentials")):
            result["credentials"].append(self._seed_credential(item, index, now, created_projects))
        for index, item in enumerate(_items(document, "users")):
            result["users"].append(self._seed_user(item, index, created_projects))
        for index, item in enumerate(_items(document, "tokens")):
            result["tokens"].append(self._seed_token(item, index, now, created_projects))
        for index, item in enumerate(_items(document, "rooms")):
            room = self._seed_room(item, index, now, created_projects)
            result["rooms"].append(_room_summary(room))
        for index, item in enumerate(_items(document, "jobs")):
            job = self._seed_job(item, index, now, created_projects, result["rooms"])
            result["jobs"].append(_job_summary(job))
        generate = document.get("generate")
        if generate is not None:
            self._generate(generate, now, created_projects, result)
        return result

    def _default_project(self, created_projects):
        if self.projects:
            return next(iter(self.projects))
        project_id = new_id()
        self.ensure_project(project_id, None, created_projects)
        return project_id

    def _seed_credential(self, item, index, now, created_projects):
        where = "credentials"
        expires_at = _opt_time(item, "expires_at", where, index)
        if expires_at is None and item.get("expires_in") is not None:
            expires_at = now + _number(item, "expires_in", where, index)
        project_ids = _id_list(item, "project_ids", where, index)
        for project_id in project_ids:
            self.ensure_project(project_id, None, created_projects)
        credential = Credential(
            _opt_text(item, "access_key", where, index) or new_access_key(),
            _opt_text(item, "secret_key", where, index) or new_secret_key(),
            _opt_text(item, "security_token", where, index),
            expires_at,
            project_ids,
        )
        self.credentials[credential.access_key] = credential
        return {"access_key": credential.access_key, "secret_key": credential.secret_key,
                "security_token": credential.security_token, "expires_at": format_rfc3339(expires_at),
                "project_ids": sorted(project_ids)}

    def _seed_user(self, item, index, created_projects):
        where = "users"
        project_ids = _id_list(item, "project_ids", where, index)
        for project_id in project_ids:
            self.ensure_project(project_id, None, created_projects)
        user = User(_opt_text(item, "domain_name", where, index) or "example-domain",
                    _opt_text(item, "name", where, index) or "user-%s" % new_id()[:8],
                    _opt_text(item, "password", where, index) or secrets.token_urlsafe(12),
                    project_ids)
        self.users[(user.domain_name, user.name)] = user
        return {"domain_name": user.domain_name, "name": user.name, "user_id": user.user_id,
                "domain_id": user.domain_id, "project_ids": sorted(project_ids)}

    def _seed_token(self, item, index, now, created_projects):
        where = "tokens"
        project_id = _opt_text(item, "project_id", where, index) or self._default_project(created_projects)
        self.ensure_project(project_id, None, created_projects)
        expires_in = _number(item, "expires_in", where, index, 3600)
        token = Token(_opt_text(item, "token", where, index) or new_token(), project_id, now, now + expires_in)
        self.tokens[token.token] = token
        return {"token": token.token, "project_id": project_id, "expires_at": format_rfc3339(token.expires_at)}

    def _seed_room(self, item, index, now, created_projects):
        where = "rooms"
        room_id = _opt_text(item, "room_id", where, index)
        project_id = _opt_text(item, "project_id", where, index)
        existing = self.rooms.get(room_id) if room_id else None
        if existing is not None and project_id and existing.project_id != project_id:
            raise SeedError("rooms[%d]: room %s already exists in project %s" % (index, room_id, existing.project_id))
        project_id = project_id or (existing.project_id if existing else self._default_project(created_projects))
        self.ensure_project(project_id, None, created_projects)
        room_type = _opt_text(item, "room_type", where, index) or "NORMAL"
        if room_type not in ROOM_TYPES:
            raise SeedError("rooms[%d].room_type must be one of %s" % (index, ", ".join(ROOM_TYPES)))
        created = _opt_time(item, "create_time", where, index)
        if existing is not None:
            existing.room_name = _opt_text(item, "room_name", where, index) or existing.room_name
            existing.room_type = room_type
            return existing
        return self.add_room(project_id, room_id, _opt_text(item, "room_name", where, index), room_type,
                             created if created is not None else now)

    def _seed_job(self, item, index, now, created_projects, created_rooms):
        where = "jobs"
        if not isinstance(item, dict):
            raise SeedError("jobs[%d] must be an object" % index)
        job_id = _opt_text(item, "job_id", where, index)
        if job_id and job_id in self.jobs:
            raise SeedError("jobs[%d]: job %s already exists" % (index, job_id))
        room_id = _opt_text(item, "room_id", where, index)
        project_id = _opt_text(item, "project_id", where, index)
        room = self.rooms.get(room_id) if room_id else None
        if room is not None and project_id and room.project_id != project_id:
            raise SeedError("jobs[%d]: room %s belongs to project %s" % (index, room_id, room.project_id))
        if room is None:
            project_id = project_id or self._default_project(created_projects)
            self.ensure_project(project_id, None, created_projects)
            room = self.add_room(project_id, room_id, _opt_text(item, "room_name", where, index), "NORMAL", now)
            created_rooms.append(_room_summary(room))
        state = _opt_text(item, "state", where, index) or PROCESSING
        # A state outside the documented five plays one the service may add later; it counts as ended.
        if state not in ALL_JOB_STATES and not FUTURE_STATE_PATTERN.match(state):
            raise SeedError("jobs[%d].state must be one of %s, or another upper-case name" % (index, ", ".join(ALL_JOB_STATES)))
        created = _opt_time(item, "create_time", where, index)
        job = self.add_job(room, job_id, created if created is not None else now,
                           _opt_text(item, "app_user_id", where, index))
        start_time = _opt_time(item, "start_time", where, index)
        end_time = _opt_time(item, "end_time", where, index)
        self.place_in_state(job, state, now, start_time, end_time,
                            _opt_dict(item, "error_info", where, index), _opt_text(item, "block_reason", where, index))
        if state == WAITING and item.get("processing_after_seconds") is not None:
            job.processing_at = now + _number(item, "processing_after_seconds", where, index)
        auto_end = item.get("auto_end")
        if auto_end is not None:
            self._seed_auto_end(job, auto_end, index, now)
        return job

    def place_in_state(self, job, state, now, start_time=None, end_time=None, error_info=None, block_reason=None):
        """Put a freshly seeded job directly into `state` with consistent times."""
        if state == WAITING:
            return
        if start_time is None:
            start_time = min(job.created + 1.0, max(now, job.created))
        job.state = PROCESSING
        job.start_time = start_time
        job.lastupdate = start_time
        if state != PROCESSING:
            if end_time is None:
                end_time = max(start_time, now)
            job.finish(end_time, state, error_info, block_reason)

    def _seed_auto_end(self, job, auto_end, index, now):
        where = "jobs[%d].auto_end" % index
        if not isinstance(auto_end, dict):
            raise SeedError("%s must be an object" % where)
        after = auto_end.get("after_seconds", 0)
        if isinstance(after, bool) or not isinstance(after, (int, float)) or after < 0:
            raise SeedError("%s.after_seconds must be a number >= 0" % where)
        state = auto_end.get("state", "SUCCEED")
        if state not in AUTO_END_STATES:
            raise SeedError("%s.state must be one of %s" % (where, ", ".join(AUTO_END_STATES)))
        error_info = auto_end.get("error_info")
        if error_info is not None and not isinstance(error_info, dict):
            raise SeedError("%s.error_info must be an object" % where)
        job.schedule_auto_end(now + after, state, error_info, auto_end.get("block_reason"))

    def _generate(self, spec, now, created_projects, result):
        if not isinstance(spec, dict):
            raise SeedError("generate must be an object")
        project_id = spec.get("project_id") or self._default_project(created_projects)
        self.ensure_project(project_id, None, created_projects)
        room_count = _count(spec, "rooms", 50)
        job_count = _count(spec, "jobs", 1000)
        states = spec.get("state", PROCESSING)
        states = [states] if isinstance(states, str) else states
        if not isinstance(states, list) or not states or any(state not in ALL_JOB_STATES for state in states):
            raise SeedError("generate.state must be a job state or a list of them (%s)" % ", ".join(ALL_JOB_STATES))
        prefix = spec.get("room_name_prefix", "room-")
        if not isinstance(prefix, str):
            raise SeedError("generate.room_name_prefix must be a string")
        if job_count and not room_count:
            raise SeedError("generate: jobs need at least one room")
        width = max(4, len(str(room_count)))
        rooms = []
        for index in range(room_count):
            room = self.add_room(project_id, None, "%s%0*d" % (prefix, width, index + 1), "NORMAL",
                                 now - 86400 * 7 + index)
            rooms.append(room)
            result["rooms"].append(_room_summary(room))
        for index in range(job_count):
            # Spread creation times one minute apart in the past so sorting and date filters mean something.
            job = self.add_job(rooms[index % room_count], None, now - 60.0 * (job_count - index))
            self.place_in_state(job, states[index % len(states)], now)
            result["jobs"].append(_job_summary(job))


def _room_summary(room):
    return {"room_id": room.room_id, "room_name": room.room_name, "project_id": room.project_id,
            "room_type": room.room_type}


def _job_summary(job):
    return {"job_id": job.job_id, "room_id": job.room.room_id, "project_id": job.project_id, "state": job.state}


def _items(document, key):
    items = document.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        raise SeedError("%s must be a list" % key)
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise SeedError("%s[%d] must be an object" % (key, index))
    return items


def _opt_text(item, key, where, index):
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise SeedError("%s[%d].%s must be a string" % (where, index, key))
    return value


def _opt_dict(item, key, where, index):
    value = item.get(key)
    if value is not None and not isinstance(value, dict):
        raise SeedError("%s[%d].%s must be an object" % (where, index, key))
    return value


def _opt_time(item, key, where, index):
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    try:
        return parse_rfc3339(value)
    except ValueError as error:
        raise SeedError("%s[%d].%s: %s" % (where, index, key, error)) from error


def _number(item, key, where, index, default=None):
    value = item.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise SeedError("%s[%d].%s must be a number >= 0" % (where, index, key))
    return value


def _id_list(item, key, where, index):
    value = item.get(key) or []
    if not isinstance(value, list) or not all(isinstance(entry, str) for entry in value):
        raise SeedError("%s[%d].%s must be a list of strings" % (where, index, key))
    return value


def _count(spec, key, default):
    value = spec.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 1000000:
        raise SeedError("generate.%s must be an integer in 0..1000000" % key)
    return value
