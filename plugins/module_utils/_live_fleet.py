# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Stopping many live jobs at once, concurrently, over one pooled transport.

Internal to the metastudio.cloud collection; may change in any release. Free of Ansible.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.metastudio.cloud.plugins.module_utils._errors import MetaStudioError
from ansible_collections.metastudio.cloud.plugins.module_utils._live_api import iter_job_pages
from ansible_collections.metastudio.cloud.plugins.module_utils._live_jobs import (
    fail_result,
    job_result,
    mark_timed_out,
    read_job,
    refresh,
    stop_read_job,
)
from ansible_collections.metastudio.cloud.plugins.module_utils._live_transform import RUNNING_STATES, is_running
from ansible_collections.metastudio.cloud.plugins.module_utils._waiter import poll_until


class FleetStop(object):
    """Stop many jobs concurrently over the transport's pooled session.

    Each job is read before it is stopped. Rooms holding several of the jobs are read with one paginated
    listing of their running jobs instead of one read per job, which keeps the reads off the critical
    path: after the stops, each job is read once more, in the same worker, to see it end.
    """

    def __init__(self, transport, concurrency=10, check_mode=False, wait=True, wait_timeout=300, wait_sleep=3,
                 clock=time.monotonic, sleep=time.sleep):
        self.transport = transport
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

        def list_room(room_id):
            try:
                pages = iter_job_pages(self.transport, room_id=room_id, states=RUNNING_STATES)
                return [(job, request_id) for page, request_id in pages for job in page]
            except MetaStudioError:
                return []  # each job is then read on its own, which reports any error per job

        listed = {}
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
        result = job_result(room_id, job_id, {}, None)
        try:
            if target in listed:
                job, request_id = listed[target]
                result = job_result(room_id, job_id, job, request_id)
            else:
                result = read_job(self.transport, room_id, job_id)
            stop_read_job(self.transport, result, self.check_mode)
        except MetaStudioError as error:
            result.update(error.result)
            return fail_result(result, error)
        if self.wait and result["changed"] and is_running(result["state"]):
            refresh(self.transport, result)
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
                pending = [result for result in results if not result["failed"]]
                still_running = poll_until(
                    pending, lambda result: refresh(self.transport, result),
                    lambda result: result["failed"] or not is_running(result["state"]),
                    started + self.wait_timeout, self.wait_sleep, clock=self.clock, sleep=self.sleep, map_fn=pool.map)
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
        return self._run_listed(iter_job_pages(self.transport, room_id=room_id, states=RUNNING_STATES), room_id=room_id)

    def run_project(self, rooms=None):
        """Stop every running job of the project, or of the given rooms (ids or exact names), found with
        one paginated listing of the project."""
        return self._run_listed(iter_job_pages(self.transport, states=RUNNING_STATES), rooms=rooms)
