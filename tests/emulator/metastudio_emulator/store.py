# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""All emulator state in memory, behind one lock: add, find and delete."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import threading

from .model import DEFAULT_REGION, Job, Project, Room, new_id


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
            for table in (self.projects, self.credentials, self.users, self.tokens, self.rooms, self.jobs):
                table.clear()
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

    # --- changes -------------------------------------------------------

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

    def delete_room(self, room):
        """Forget a room. Its jobs stay on record (and any still running runs on) but can no longer be reached
        through the room."""
        self.rooms.pop(room.room_id, None)

    # --- snapshots (a failed seed leaves nothing behind) ----------------

    def snapshot(self):
        return (dict(self.projects), dict(self.credentials), dict(self.users), dict(self.tokens),
                dict(self.rooms), dict(self.jobs), self._seq,
                dict((room_id, list(room.jobs)) for room_id, room in self.rooms.items()))

    def restore(self, snapshot):
        (self.projects, self.credentials, self.users, self.tokens, self.rooms, self.jobs, self._seq,
         room_jobs) = snapshot
        for room_id, jobs in room_jobs.items():
            self.rooms[room_id].jobs = jobs
