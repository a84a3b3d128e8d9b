# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Live job operations: show, list, start and stop. They return documents and raise domain errors."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import copy

from .errors import Refused, StateNotAllowed
from .lookup import find_job, find_room, job_visible, room_visible, settle_room
from .model import ALL_JOB_STATES, PROCESSING, WAITING
from .queries import body_object, choice_param, list_param, page_params, time_param
from .validation import start_body
SORT_ORDERS = {
    "create_time": lambda job: (int(job.created), job.seq),
    "update_time": lambda job: (int(job.lastupdate), job.seq),
    "asset_order": lambda job: job.seq,
}


def show_smart_live(emulator, request, params):
    now = emulator.clock.now()
    with emulator.store.lock:
        return find_job(emulator, request, params, now).render(now)


def list_smart_live(emulator, request, params):
    return _list_jobs(emulator, request, params, room_scoped=True)


def list_smart_live_jobs(emulator, request, params):
    return _list_jobs(emulator, request, params, room_scoped=False)


def _job_filter(query, room_scoped):
    """A predicate for the list calls' filters, from the query; bad values raise InvalidParameter."""
    states = list_param(query, "state", ALL_JOB_STATES)
    since = time_param(query, "create_since")
    until = time_param(query, "create_until")
    room_name = None if room_scoped else query.get("room_name")

    def wanted(job):
        if states is not None and job.state not in states:
            return False
        if room_name and room_name.lower() not in job.room.room_name.lower():
            return False
        # Compare at the one-second precision that create_time is shown with.
        created = int(job.created)
        return not ((since is not None and created < int(since)) or (until is not None and created > until))
    return wanted


def _list_jobs(emulator, request, params, room_scoped):
    query = request.query
    offset, limit = page_params(query)
    sort_key = choice_param(query, "sort_key", "create_time", tuple(SORT_ORDERS))
    descending = choice_param(query, "sort_dir", "asc", ("asc", "desc"), lower=True) == "desc"
    wanted = _job_filter(query, room_scoped)
    now = emulator.clock.now()
    app_user = request.app_user()
    with emulator.store.lock:
        if room_scoped:
            candidates = find_room(emulator, params["project_id"], params["room_id"], now).jobs
        else:
            candidates = emulator.store.jobs_of_project(params["project_id"])
        matches = []
        for job in candidates:
            job.settle(now)
            if job_visible(emulator, job, app_user, now) and room_visible(emulator, job.room, now) and wanted(job):
                matches.append(job)
        matches.sort(key=SORT_ORDERS[sort_key], reverse=descending)
        page = [job.render(now) for job in matches[offset:offset + limit]]
    return {"count": len(matches), "smart_live_jobs": page}


def _check_room_free(emulator, room, single_job):
    """Refuse a start in a room with a running job when single_job_in_room (or the behaviour) says so."""
    behaviour = emulator.behaviour
    if not any(not job.ended for job in room.jobs):
        return
    if single_job or behaviour["busy_room_start"] == "refused":
        raise Refused(behaviour["busy_room_error_status"], behaviour["busy_room_error_code"],
                      behaviour["busy_room_error_msg"])


def _schedule_start(emulator, job, now, exit_hours):
    behaviour = emulator.behaviour
    job.processing_at = now + behaviour["start_delay_seconds"]
    job.limit_duration = exit_hours
    outcome = behaviour["started_job_outcome"]
    if outcome != PROCESSING:
        # The job ends while starting, before it ever reaches PROCESSING.
        job.processing_at = None
        job.schedule_auto_end(now + behaviour["start_delay_seconds"], outcome)
    elif exit_hours:
        job.schedule_auto_end(job.processing_at + exit_hours * 3600, "SUCCEED")
    job.settle(now)


def start_smart_live(emulator, request, params):
    body = body_object(request)
    exit_hours, single_job = start_body(body)
    now = emulator.clock.now()
    with emulator.store.lock:
        room = find_room(emulator, params["project_id"], params["room_id"], now)
        settle_room(room, now)
        _check_room_free(emulator, room, single_job)
        job = emulator.store.add_job(room, None, now, request.app_user())
        _schedule_start(emulator, job, now, exit_hours)
        # The start body wins for this job; the room fills what it leaves out (lifecycle question 5).
        for key in ("live_event_callback_config", "rtc_callback_config", "co_streamer_config"):
            value = body.get(key) if isinstance(body.get(key), dict) else room.spec.get(key)
            setattr(job, key, copy.deepcopy(value))
        job.config = room.render_full()
        job.config.update(copy.deepcopy(dict((key, value) for key, value in body.items() if key in job.config)))
        shown = job.render(now)
    request.log["effect"] = "started"
    request.log["job_id"] = job.job_id
    return {
        "job_id": job.job_id,
        "rtc_room_info": shown["rtc_room_info"],
        "live_event_report_url": shown["live_event_report_url"],
        "live_event_callback_config": shown["live_event_callback_config"],
        "live_warning_info": [],
        "limit_duration": exit_hours,
    }


def stop_smart_live(emulator, request, params):
    behaviour = emulator.behaviour
    # A successful stop has no body (documented); the behaviour may play "{}".
    done = {} if behaviour["stop_response_body"] == "json" else None
    now = emulator.clock.now()
    with emulator.store.lock:
        job = find_job(emulator, request, params, now)
        if job.ended:
            if behaviour["stop_ended_response"] == "ok":
                return done
            raise StateNotAllowed()
        if job.stopping:
            # Already stopping: the service accepts the repeated call.
            return done
        if job.state == WAITING and behaviour["stop_waiting"] == "error":
            raise StateNotAllowed()
        job.stop_at = now + behaviour["stop_delay_seconds"]
        job.stop_state = behaviour["stop_final_state"]
        job.settle(now)
    request.log["effect"] = "stopped"
    return done
