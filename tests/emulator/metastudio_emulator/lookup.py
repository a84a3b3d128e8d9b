# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding rooms and jobs as the API sees them (visibility rules of the behaviours); call with the store lock held."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from .errors import NotFound


def _cleaned_up(emulator, job, now):
    """Whether a TEMP room's ended job is gone (at once, or after the cleanup delay)."""
    return job.ended and now >= (job.end_time or 0) + emulator.behaviour["temp_room_cleanup_delay_seconds"]


def job_visible(emulator, job, app_user, now):
    behaviour = emulator.behaviour
    if behaviour["app_user_scoping"] and job.app_user_id and job.app_user_id != app_user:
        return False
    if behaviour["temp_room_cleanup"] and job.room.room_type == "TEMP" and _cleaned_up(emulator, job, now):
        return False
    return True


def room_visible(emulator, room, now):
    # A TEMP room is cleaned up once it has had jobs and all of them have ended.
    if emulator.behaviour["temp_room_cleanup"] and room.room_type == "TEMP" and room.jobs:
        return not all(_cleaned_up(emulator, job, now) for job in room.jobs)
    return True


def settle_room(room, now):
    for job in room.jobs:
        job.settle(now)


def find_room(emulator, project_id, room_id, now):
    """The visible room, or NotFound."""
    room = emulator.store.rooms.get(room_id)
    if room is None or room.project_id != project_id:
        raise NotFound()
    if room.room_type == "TEMP" and emulator.behaviour["temp_room_cleanup"]:
        # Only then does visibility depend on the state of every job of the room.
        settle_room(room, now)
    if not room_visible(emulator, room, now):
        raise NotFound()
    return room


def find_job(emulator, request, params, now):
    """The visible job of the room in the path, settled, or NotFound."""
    room = find_room(emulator, params["project_id"], params["room_id"], now)
    job = emulator.store.jobs.get(params["job_id"])
    if job is None or job.room is not room:
        raise NotFound()
    job.settle(now)
    if not job_visible(emulator, job, request.app_user(), now):
        raise NotFound()
    return job
