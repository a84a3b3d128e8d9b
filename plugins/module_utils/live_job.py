# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Idempotent stop of MetaStudio live jobs, one or a whole fleet, on top of MetaStudioClient.

Internal to the metastudio.cloud collection; may change in any release. Free of Ansible.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.metastudio.cloud.plugins.module_utils.client import (
    RUNNING_STATES,
    InvalidInputError,
    MetaStudioError,
    is_running,
    validate_id,
)

# Errors after which reading the job cannot tell us more: the credentials themselves are refused.
AUTH_STATUSES = (401, 403)


def _job_result(room_id, job_id, job, request_id):
    state = job.get("state")
    return dict(room_id=room_id, room_name=job.get("room_name"), job_id=job_id, changed=False, failed=False,
                previous_state=state, state=state, job=job, request_id=request_id)


def _fail_result(result, error):
    result.update(failed=True, msg=error.msg, status_code=error.status_code, error_code=error.error_code,
                  error_msg=error.error_msg)
    if error.request_id:
        result["request_id"] = error.request_id
    return result


def stop_read_job(client, result, check_mode=False):
    """Given the result of a fresh read of a job, stop it unless it has already ended.

    ``changed`` is true only when our stop ended the job, or may have: when an attempt whose answer was
    lost is followed by an ended job, we cannot rule out that our stop did it, and we never report a
    job we stopped as unchanged.
    """
    room_id, job_id = result["room_id"], result["job_id"]
    if not is_running(result["previous_state"]):
        return result
    if check_mode:
        result["changed"] = True
        return result
    try:
        stop = client.stop_job(room_id, job_id)
    except MetaStudioError as error:
        if error.status_code in AUTH_STATUSES:
            raise
        # Refused (the job ended meanwhile) or the answer was lost: the job's state tells what happened.
        try:
            reread = client.show_job(room_id, job_id)
        except MetaStudioError as read_error:
            # We cannot tell whether the job ended; keep what the stop may have done.
            error.result = dict(result, changed=error.maybe_applied)
            error.msg += "; reading the job afterwards failed too: %s" % read_error.msg
            error.args = (error.msg,)
            raise error
        job = reread.body or {}
        result.update(job=job, state=job.get("state"))
        if is_running(result["state"]):
            error.result = dict(result, changed=error.maybe_applied)
            raise error
        if error.maybe_applied:
            result.update(changed=True, request_id=error.request_id or reread.request_id)
        else:
            result["request_id"] = reread.request_id
        return result
    result.update(changed=True, request_id=stop.request_id)
    return result


def read_job(client, room_id, job_id):
    """The result dict of one job read on its own (ShowSmartLive), ready for stop_read_job."""
    read = client.show_job(room_id, job_id)
    return _job_result(room_id, job_id, read.body or {}, read.request_id)


def refresh(client, result):
    """Read the job of ``result`` again; a failed read marks the result failed rather than raising."""
    try:
        response = client.show_job(result["room_id"], result["job_id"])
    except MetaStudioError as error:
        error.msg = "stop was sent, but the job could not be read afterwards: %s" % error.msg
        return _fail_result(result, error)
    result["job"] = response.body or {}
    result["state"] = result["job"].get("state")
    return result


def wait_for_end(client, results, deadline, wait_sleep, clock=time.monotonic, sleep=time.sleep, map_fn=map):
    """Poll the jobs of ``results`` that still run, every ``wait_sleep`` seconds, until each has ended or
    the ``deadline`` (a ``clock()`` value) has passed. Results are updated in place; those still running
    at the deadline are marked failed, and returned.
    """
    pending = [result for result in results if not result["failed"] and is_running(result["state"])]
    while pending:
        remaining = deadline - clock()
        if remaining <= 0:
            break
        sleep(min(wait_sleep, remaining))
        pending = [result for result in map_fn(lambda result: refresh(client, result), pending)
                   if not result["failed"] and is_running(result["state"])]
    return pending


def mark_timed_out(results, wait_timeout):
    for result in results:
        result.update(failed=True, msg="job %s of room %s was asked to stop but is still %s after %s seconds (wait_timeout)" % (
            result["job_id"], result["room_id"], result["state"], wait_timeout))


def normalize_targets(jobs):
    """Validated, de-duplicated (room_id, job_id) pairs from a list of job dicts, in the order given."""
    targets = []
    seen = set()
    for index, job in enumerate(jobs):
        if not isinstance(job, dict) or not job.get("room_id") or not job.get("job_id"):
            raise InvalidInputError("jobs[%d] must be a dict with room_id and job_id, got %r" % (index, job))
        key = (validate_id("jobs[%d].room_id" % index, job["room_id"]), validate_id("jobs[%d].job_id" % index, job["job_id"]))
        if key not in seen:
            seen.add(key)
            targets.append(key)
    return targets


class FleetStop(object):
    """Stop many jobs concurrently over the client's pooled session.

    Each job is read before it is stopped. Rooms holding several of the jobs are read with one paginated
    listing of their running jobs instead of one read per job, which keeps the reads off the critical
    path: after the stops, each job is read once more, in the same worker, to see it end.
    """

    def __init__(self, client, concurrency=10, check_mode=False, wait=True, wait_timeout=300, wait_sleep=3,
                 clock=time.monotonic, sleep=time.sleep):
        self.client = client
        self.concurrency = concurrency
        self.check_mode = check_mode
        self.wait = wait and not check_mode
        self.wait_timeout = wait_timeout
        self.wait_sleep = wait_sleep
        self.clock = clock
        self.sleep = sleep

    def _listed_running(self, targets, map_fn):
        """{(room_id, job_id): (job, request_id)} for the wanted jobs found running in room listings."""
        wanted = set(targets)
        rooms = {}
        for room_id, job_id in targets:
            rooms[room_id] = rooms.get(room_id, 0) + 1
        listed = {}

        def list_room(room_id):
            try:
                return [(job, request_id) for page, request_id in self.client.iter_pages(room_id=room_id, states=RUNNING_STATES)
                        for job in page]
            except MetaStudioError:
                return []  # each job is then read on its own, which reports any error per job

        several = [room_id for room_id, count in rooms.items() if count > 1]
        for room_id, found in zip(several, map_fn(list_room, several)):
            for job, request_id in found:
                key = (room_id, job.get("job_id"))
                if key in wanted and is_running(job.get("state")):
                    listed[key] = (dict(job, room_id=room_id), request_id)
        return listed

    def _settle(self, target, listed):
        room_id, job_id = target
        # What is known of the job if even its first read fails.
        result = _job_result(room_id, job_id, {}, None)
        try:
            if target in listed:
                job, request_id = listed[target]
                result = _job_result(room_id, job_id, job, request_id)
            else:
                result = read_job(self.client, room_id, job_id)
            stop_read_job(self.client, result, self.check_mode)
        except MetaStudioError as error:
            result.update(error.result)
            return _fail_result(result, error)
        if self.wait and result["changed"] and is_running(result["state"]):
            refresh(self.client, result)
        return result

    def run(self, targets, listed=None):
        """Stop every target; return the list of results, in the order of the targets."""
        if not targets:
            return []
        workers = max(1, min(self.concurrency, len(targets)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            if listed is None:
                listed = self._listed_running(targets, pool.map)
            started = self.clock()
            results = list(pool.map(lambda target: self._settle(target, listed), targets))
            if self.wait:
                still_running = wait_for_end(self.client, results, started + self.wait_timeout, self.wait_sleep,
                                             clock=self.clock, sleep=self.sleep, map_fn=pool.map)
                mark_timed_out(still_running, self.wait_timeout)
        return results

    def _run_listed(self, pages, room_id=None, rooms=None):
        """Stop the running jobs of the listing ``pages``, those of ``rooms`` (ids or names) when given.

        The listing is the read that precedes each stop, so the jobs are not read or listed again first.
        """
        listed = {}
        targets = []
        for page, request_id in pages:
            for job in page:
                job = dict(job, room_id=room_id) if room_id else job
                if not (job.get("job_id") and job.get("room_id") and is_running(job.get("state"))):
                    continue
                if rooms is not None and job["room_id"] not in rooms and job.get("room_name") not in rooms:
                    continue
                key = (job["room_id"], job["job_id"])
                if key not in listed:
                    targets.append(key)
                    listed[key] = (job, request_id)
        return self.run(targets, listed)

    def run_room(self, room_id):
        """Stop every running job of a room, found with one paginated listing of the room."""
        return self._run_listed(self.client.iter_pages(room_id=room_id, states=RUNNING_STATES), room_id=room_id)

    def run_project(self, rooms=None):
        """Stop every running job of the project, or of the given rooms (ids or exact names), found with
        one paginated listing of the project."""
        return self._run_listed(self.client.iter_pages(states=RUNNING_STATES), rooms=rooms)


def state_after(result, check_mode=False):
    """The state to show as "after" in diff mode: the one read, or "stopped" while the stop is pending."""
    if result["changed"] and (check_mode or is_running(result["state"])):
        return "stopped"
    return result["state"]


def diff_for(results, check_mode=False):
    """Before/after states of the given job results, for diff mode, keyed by room_id/job_id."""
    before, after = {}, {}
    for result in results:
        key = "%s/%s" % (result["room_id"], result["job_id"])
        before[key] = result["previous_state"]
        after[key] = state_after(result, check_mode)
    return dict(before=before, after=after)
