# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Idempotent stop of MetaStudio live jobs, one or a whole fleet.

Internal to the metastudio.cloud collection; may change in any release. Free of Ansible.

Each job ends with one outcome: ``stopped`` (this run stopped it, or may have), ``unchanged`` (it had
already ended), ``missing`` (the API knows no such job: a wrong id, or a job removed with its TEMP room
after it ended; the API answers both alike) or ``failed`` (it could not be confirmed ended).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.metastudio.cloud.plugins.module_utils._endpoint import validate_id
from ansible_collections.metastudio.cloud.plugins.module_utils._errors import InvalidInputError, MetaStudioError
from ansible_collections.metastudio.cloud.plugins.module_utils._live_api import show_job, stop_job
from ansible_collections.metastudio.cloud.plugins.module_utils._live_transform import is_running
from ansible_collections.metastudio.cloud.plugins.module_utils._rooms_api import iter_rooms

# Errors after which reading the job cannot tell us more: the credentials themselves are refused.
AUTH_STATUSES = (401, 403)
NOT_FOUND = ("job %s of room %s was not found (%s). Either an id is wrong, or the job has ended and was removed "
             "with its room, as a TEMP room is after its job ends: the API answers both the same way")


def job_result(room_id, job_id, job, request_id):
    state = job.get("state")
    return dict(room_id=room_id, room_name=job.get("room_name"), job_id=job_id, changed=False, failed=False,
                missing=False, previous_state=state, state=state, job=job, request_id=request_id)


def _error_facts(error):
    return dict(msg=error.msg, status_code=error.status_code, error_code=error.error_code, error_msg=error.error_msg,
                request_id=error.request_id)


def fail_result(result, error):
    result.update(_error_facts(error), failed=True)
    return result


def outcome(result):
    """stopped, unchanged, missing or failed: see the module docstring."""
    if result["failed"]:
        return "failed"
    if result["missing"]:
        return "missing"
    return "stopped" if result["changed"] else "unchanged"


def read_job(transport, room_id, job_id):
    """The result dict of one job read on its own (ShowSmartLive), ready for stop_read_job; a job the API
    does not know gives a result marked missing."""
    try:
        read = show_job(transport, room_id, job_id)
    except MetaStudioError as error:
        if not error.not_found:
            raise
        result = job_result(room_id, job_id, {}, None)
        result.update(_error_facts(error), missing=True, msg=NOT_FOUND % (job_id, room_id, error.msg))
        return result
    return job_result(room_id, job_id, read.body or {}, read.request_id)


def stop_read_job(transport, result, check_mode=False):
    """Given the result of a fresh read of a job, stop it unless it has already ended.

    ``changed`` is true only when our stop ended the job, or may have: when an attempt whose answer was
    lost is followed by an ended job, we cannot rule out that our stop did it, and we never report a
    job we stopped as unchanged.
    """
    if result["missing"] or not is_running(result["previous_state"]):
        return result
    if check_mode:
        result["changed"] = True
        return result
    try:
        stop = stop_job(transport, result["room_id"], result["job_id"])
    except MetaStudioError as error:
        if error.status_code in AUTH_STATUSES:
            raise
        return _reconcile_stop(transport, result, error)
    result.update(changed=True, request_id=stop.request_id)
    return result


def _reconcile_stop(transport, result, error):
    """The stop was refused (the job ended meanwhile) or its answer was lost: the job's state tells."""
    try:
        reread = show_job(transport, result["room_id"], result["job_id"])
    except MetaStudioError as read_error:
        if not read_error.not_found:
            raise error.derive(msg="%s; reading the job afterwards failed too: %s" % (error.msg, read_error.msg),
                               result=dict(result, changed=error.maybe_applied))
        # Gone: it ended and its TEMP room was cleaned up, by our stop when that may have been applied.
        result.update(state=None, changed=error.maybe_applied, request_id=read_error.request_id)
        return result
    job = reread.body or {}
    result.update(job=job, state=job.get("state"))
    if is_running(result["state"]):
        raise error.derive(result=dict(result, changed=error.maybe_applied))
    result.update(changed=error.maybe_applied,
                  request_id=(error.maybe_applied and error.request_id) or reread.request_id)
    return result


def refresh(transport, result):
    """Read the job of ``result`` again; a failed read marks the result failed rather than raising.

    A job that this run stopped and that can no longer be found has ended: its TEMP room was cleaned up.
    """
    try:
        response = show_job(transport, result["room_id"], result["job_id"])
    except MetaStudioError as error:
        if error.not_found and result["changed"]:
            result["state"] = None
            return result
        return fail_result(result, error.derive(
            msg="stop was sent, but the job could not be read afterwards: %s" % error.msg))
    result["job"] = response.body or {}
    result["state"] = result["job"].get("state")
    return result


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


def classify_idle_rooms(transport, rooms, results):
    """(idle, unknown): the entries of ``rooms`` (ids or names) that matched no job of ``results``,
    split by whether such a room exists. The rooms are listed only when some entry matched no job."""
    seen = set(result["room_id"] for result in results) | set(result["room_name"] for result in results)
    unmatched = [room for room in dict.fromkeys(rooms) if room not in seen]
    if not unmatched:
        return [], []
    existing = set()
    for room in iter_rooms(transport):
        existing.update((room.get("room_id"), room.get("room_name")))
    return [room for room in unmatched if room in existing], [room for room in unmatched if room not in existing]


def state_after(result, check_mode=False):
    """The state to show as "after" in diff mode: the one read, or "stopped" while the stop is pending
    or the job is gone since."""
    if result["changed"] and (check_mode or result["state"] is None or is_running(result["state"])):
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
