# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Seed documents: check them and add what they describe to the store, all or nothing."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import secrets

from .behaviour import BehaviourError, rate_limits
from .errors import ValidationFailed
from .model import (ALL_JOB_STATES, AUTO_END_STATES, FUTURE_STATE_PATTERN, PROCESSING, ROOM_FIELDS, ROOM_TYPES,
                    WAITING, Credential, Token, User, new_access_key, new_id, new_secret_key, new_token)
from .timeutil import format_rfc3339, parse_rfc3339
from .validation import room_body

SEED_KEYS = ("projects", "credentials", "users", "tokens", "rooms", "jobs", "generate")


class SeedError(ValueError):
    """A seed document is invalid; the message names the offending item."""


def seed(store, document):
    """Add the items of a seed document to `store`; returns what was created. A bad document adds nothing."""
    if not isinstance(document, dict):
        raise SeedError("seed body must be a JSON object")
    unknown = sorted(set(document) - set(SEED_KEYS))
    if unknown:
        raise SeedError("unknown seed keys %s; known: %s" % (", ".join(unknown), ", ".join(SEED_KEYS)))
    with store.lock:
        snapshot = store.snapshot()
        try:
            return _Seeding(store).run(document)
        except SeedError:
            store.restore(snapshot)
            raise


class _Seeding:
    def __init__(self, store):
        self.store = store

    def run(self, document):
        now = self.store.clock.now()
        result = {"projects": [], "credentials": [], "users": [], "tokens": [], "rooms": [], "jobs": []}
        created_projects = result["projects"]
        for index, item in enumerate(_items(document, "projects")):
            self._seed_project(item, index, created_projects)
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
        # One object, or a list of them (e.g. one per project).
        for spec in generate if isinstance(generate, list) else ([] if generate is None else [generate]):
            self._generate(spec, now, created_projects, result)
        return result

    def _seed_project(self, item, index, created_projects):
        project_id = _opt_text(item, "project_id", "projects", index) or new_id()
        project = self.store.ensure_project(project_id, _opt_text(item, "name", "projects", index), created_projects)
        if "rate_limits" in item:
            try:
                project.rate_limits = rate_limits(item["rate_limits"])
            except BehaviourError as error:
                raise SeedError("projects[%d].rate_limits %s" % (index, error)) from error

    def _default_project(self, created_projects):
        if self.store.projects:
            return next(iter(self.store.projects))
        project_id = new_id()
        self.store.ensure_project(project_id, None, created_projects)
        return project_id

    def _seed_credential(self, item, index, now, created_projects):
        where = "credentials"
        expires_at = _opt_time(item, "expires_at", where, index)
        if expires_at is None and item.get("expires_in") is not None:
            expires_at = now + _number(item, "expires_in", where, index)
        project_ids = _id_list(item, "project_ids", where, index)
        for project_id in project_ids:
            self.store.ensure_project(project_id, None, created_projects)
        credential = Credential(
            _opt_text(item, "access_key", where, index) or new_access_key(),
            _opt_text(item, "secret_key", where, index) or new_secret_key(),
            _opt_text(item, "security_token", where, index),
            expires_at,
            project_ids,
        )
        self.store.credentials[credential.access_key] = credential
        return {"access_key": credential.access_key, "secret_key": credential.secret_key,
                "security_token": credential.security_token, "expires_at": format_rfc3339(expires_at),
                "project_ids": sorted(project_ids)}

    def _seed_user(self, item, index, created_projects):
        where = "users"
        project_ids = _id_list(item, "project_ids", where, index)
        for project_id in project_ids:
            self.store.ensure_project(project_id, None, created_projects)
        user = User(_opt_text(item, "domain_name", where, index) or "example-domain",
                    _opt_text(item, "name", where, index) or "user-%s" % new_id()[:8],
                    _opt_text(item, "password", where, index) or secrets.token_urlsafe(12),
                    project_ids)
        self.store.users[(user.domain_name, user.name)] = user
        return {"domain_name": user.domain_name, "name": user.name, "user_id": user.user_id,
                "domain_id": user.domain_id, "project_ids": sorted(project_ids)}

    def _seed_token(self, item, index, now, created_projects):
        where = "tokens"
        project_id = _opt_text(item, "project_id", where, index) or self._default_project(created_projects)
        self.store.ensure_project(project_id, None, created_projects)
        expires_in = _number(item, "expires_in", where, index, 3600)
        token = Token(_opt_text(item, "token", where, index) or new_token(), project_id, now, now + expires_in)
        self.store.tokens[token.token] = token
        return {"token": token.token, "project_id": project_id, "expires_at": format_rfc3339(token.expires_at)}

    def _seed_room(self, item, index, now, created_projects):
        where = "rooms"
        room_id = _opt_text(item, "room_id", where, index)
        project_id = _opt_text(item, "project_id", where, index)
        existing = self.store.rooms.get(room_id) if room_id else None
        if existing is not None and project_id and existing.project_id != project_id:
            raise SeedError("rooms[%d]: room %s already exists in project %s" % (index, room_id, existing.project_id))
        project_id = project_id or (existing.project_id if existing else self._default_project(created_projects))
        self.store.ensure_project(project_id, None, created_projects)
        room_type = _opt_text(item, "room_type", where, index) or "NORMAL"
        if room_type not in ROOM_TYPES:
            raise SeedError("rooms[%d].room_type must be one of %s" % (index, ", ".join(ROOM_TYPES)))
        created = _opt_time(item, "create_time", where, index)
        room = existing
        if room is None:
            room = self.store.add_room(project_id, room_id, _opt_text(item, "room_name", where, index), room_type,
                                       created if created is not None else now)
        spec = dict(room.spec)
        spec.update((key, item[key]) for key in ROOM_FIELDS if item.get(key) is not None)
        spec["room_type"] = room_type
        try:
            room_body(spec)
        except ValidationFailed as error:
            raise SeedError("rooms[%d]: %s" % (index, error)) from error
        room.set_spec(spec, room.created if existing is None else now)
        return room

    def _seed_job(self, item, index, now, created_projects, created_rooms):
        where = "jobs"
        if not isinstance(item, dict):
            raise SeedError("jobs[%d] must be an object" % index)
        job_id = _opt_text(item, "job_id", where, index)
        if job_id and job_id in self.store.jobs:
            raise SeedError("jobs[%d]: job %s already exists" % (index, job_id))
        room_id = _opt_text(item, "room_id", where, index)
        project_id = _opt_text(item, "project_id", where, index)
        room = self.store.rooms.get(room_id) if room_id else None
        if room is not None and project_id and room.project_id != project_id:
            raise SeedError("jobs[%d]: room %s belongs to project %s" % (index, room_id, room.project_id))
        if room is None:
            project_id = project_id or self._default_project(created_projects)
            self.store.ensure_project(project_id, None, created_projects)
            room = self.store.add_room(project_id, room_id, _opt_text(item, "room_name", where, index), "NORMAL", now)
            created_rooms.append(_room_summary(room))
        state = _opt_text(item, "state", where, index) or PROCESSING
        # A state outside the documented five plays one the service may add later; it counts as ended.
        if state not in ALL_JOB_STATES and not FUTURE_STATE_PATTERN.match(state):
            raise SeedError("jobs[%d].state must be one of %s, or another upper-case name" % (index, ", ".join(ALL_JOB_STATES)))
        created = _opt_time(item, "create_time", where, index)
        job = self.store.add_job(room, job_id, created if created is not None else now,
                                 _opt_text(item, "app_user_id", where, index))
        start_time = _opt_time(item, "start_time", where, index)
        end_time = _opt_time(item, "end_time", where, index)
        job.place_in_state(state, now, start_time, end_time,
                           _opt_dict(item, "error_info", where, index), _opt_text(item, "block_reason", where, index))
        if state == WAITING and item.get("processing_after_seconds") is not None:
            job.processing_at = now + _number(item, "processing_after_seconds", where, index)
        auto_end = item.get("auto_end")
        if auto_end is not None:
            self._seed_auto_end(job, auto_end, index, now)
        return job

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
            raise SeedError("generate must be an object or a list of objects")
        project_id = spec.get("project_id") or self._default_project(created_projects)
        self.store.ensure_project(project_id, None, created_projects)
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
            room = self.store.add_room(project_id, None, "%s%0*d" % (prefix, width, index + 1), "NORMAL",
                                       now - 86400 * 7 + index)
            rooms.append(room)
            result["rooms"].append(_room_summary(room))
        for index in range(job_count):
            # Spread creation times one minute apart in the past so sorting and date filters mean something.
            job = self.store.add_job(rooms[index % room_count], None, now - 60.0 * (job_count - index))
            job.place_in_state(states[index % len(states)], now)
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
