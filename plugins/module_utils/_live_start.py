# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Start a livestream in a room at most once: the ``state: started`` logic.

Internal to the metastudio.cloud collection; may change in any release. Free of Ansible.

StartSmartLive has no idempotency token, so a start whose answer was lost is never resent blindly:

1. The room's running jobs are listed. One that runs is the answer: nothing is sent.
2. The room's jobs created since a moment well before now are listed too: the *snapshot*. The moment is
   the server's time (the listing's ``Date`` header, else this machine's clock) minus SINCE_MARGIN, so a
   clock on either side that is off by less than the margin changes nothing.
3. One StartSmartLive. When its answer is lost, the same two listings are made again. A job that is not
   in the snapshot, or any running job (none ran before), was created since just before our start: ours,
   or another client's started in the same seconds (the API cannot tell them apart). One such job is
   adopted and reported changed. Several of them fail the task, naming them all.
4. No new job: the start may still be carried out late (a read timeout, a gateway 504). It is sent once
   more only when ``job_run_config.single_job_in_room`` is true: the service then refuses whichever of the
   two comes second while the first runs, so the room never holds two livestreams. Otherwise the task fails,
   saying the livestream may have been started.

A start refused with a 4xx never took effect: when the room has a running job by then (another client
won the race, and single_job_in_room refused ours), that job is adopted, unchanged by us.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import email.utils
import time

from ansible_collections.metastudio.cloud.plugins.module_utils._errors import InvalidInputError, MetaStudioError
from ansible_collections.metastudio.cloud.plugins.module_utils._live_api import list_room_jobs, show_job, start_job
from ansible_collections.metastudio.cloud.plugins.module_utils._live_jobs import AUTH_STATUSES
from ansible_collections.metastudio.cloud.plugins.module_utils._live_transform import RUNNING_STATES, is_running
from ansible_collections.metastudio.cloud.plugins.module_utils._waiter import poll_until

# The StartSmartLive body fields a task may give, named as the API names them.
BODY_FIELDS = ("video_config", "play_policy", "output_urls", "stream_keys", "interaction_callback_url",
               "live_event_callback_config", "rtc_callback_config", "view_mode", "co_streamer_config", "job_run_config")
# Far more than any clock difference a signed request survives (the gateway refuses 15 minutes): only
# jobs created in this window are listed, and those already there before the start are told apart by id.
SINCE_MARGIN = 3600
LIVE_RESOLUTIONS = ((1920, 1080), (1080, 1920))
MAX_EXIT_HOURS = 168
RESOURCE_TYPES = ("PERIOD", "ONDEMAND", "UNLIMITED", "ONE_TIME")
AUTH_TYPES = ("NONE", "MSS_A", "MSS_A_HEAD", "MEITUAN_DEFAULT")


def _drop_none(value):
    """The value without the None entries that unset suboptions leave in dicts."""
    if isinstance(value, dict):
        return dict((key, _drop_none(item)) for key, item in value.items() if item is not None)
    return value


def build_start_body(options):
    """The StartSmartLive body from the task's options; single_job_in_room is true unless given."""
    body = dict((name, _drop_none(options[name])) for name in BODY_FIELDS if options.get(name) is not None)
    run_config = dict(body.get("job_run_config") or {})
    run_config.setdefault("single_job_in_room", True)
    body["job_run_config"] = run_config
    return body


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _check_video(video):
    size = (video.get("width"), video.get("height"))
    if size not in LIVE_RESOLUTIONS:
        raise InvalidInputError("video_config needs width and height of 1920 x 1080 or 1080 x 1920 for a livestream, got %s x %s"
                                % size)
    if not _is_int(video.get("bitrate")) or not 1000 <= video["bitrate"] <= 8000:
        raise InvalidInputError("video_config.bitrate must be a whole number of kbps from 1000 to 8000 for a livestream, got %r"
                                % video.get("bitrate"))
    if video.get("is_subtitle_enable"):
        raise InvalidInputError("video_config.is_subtitle_enable: subtitles are not supported for livestreams")


def _check_exit(play_policy):
    exit_config = play_policy.get("live_exit_config")
    if exit_config is None:
        return
    if not isinstance(exit_config, dict):
        raise InvalidInputError("play_policy.live_exit_config must be a dict")
    hours = exit_config.get("max_live_duration")
    if hours is not None and (not _is_int(hours) or not 0 <= hours <= MAX_EXIT_HOURS):
        raise InvalidInputError("play_policy.live_exit_config.max_live_duration must be whole hours from 0 (no limit) to %d, got %r"
                                % (MAX_EXIT_HOURS, hours))


def check_start_body(body):
    """Refuse, before any request, what the API documents as invalid in a StartSmartLive body."""
    if "video_config" in body:
        _check_video(body["video_config"])
    if "play_policy" in body:
        _check_exit(body["play_policy"])
    urls, keys = body.get("output_urls") or [], body.get("stream_keys") or []
    if len(urls) > 1:
        raise InvalidInputError("output_urls takes one RTMP URL: the API supports a single output, got %d" % len(urls))
    if any(not isinstance(url, str) or not url.strip() for url in urls):
        raise InvalidInputError("output_urls must hold a non-empty RTMP URL")
    if len(keys) > len(urls):
        raise InvalidInputError("stream_keys needs output_urls: one key for each output URL")
    if len(body.get("interaction_callback_url") or "") > 2048:
        raise InvalidInputError("interaction_callback_url must be at most 2048 characters")
    if len((body.get("live_event_callback_config") or {}).get("key") or "") > 32:
        raise InvalidInputError("live_event_callback_config.key must be at most 32 characters")


def server_time(response, wall_clock=time.time):
    """Seconds since the epoch by the server's Date header, else by this machine's clock."""
    try:
        return email.utils.parsedate_to_datetime(response.headers.get("Date")).timestamp()
    except (TypeError, ValueError, AttributeError):
        return wall_clock()


def rfc3339(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _newest(jobs):
    return sorted(jobs, key=lambda job: job.get("create_time") or "")[-1]


def _ids(jobs):
    return ", ".join(str(job.get("job_id")) for job in jobs)


class LiveStart(object):
    """Make sure a room has a running job, starting one at most once (see the module docstring).

    ``run()`` returns the result: changed, outcome (started or unchanged), room_id, job_id, job, state,
    previous_state, request_id and warnings. It raises MetaStudioError, with the facts known in its
    result, when the job cannot be confirmed started.
    """

    def __init__(self, transport, room_id, body, check_mode=False, wait=True, wait_timeout=300, wait_sleep=3,
                 clock=time.monotonic, sleep=time.sleep, wall_clock=time.time):
        self.transport = transport
        self.room_id = room_id
        self.body = body
        self.check_mode = check_mode
        self.wait = wait
        self.wait_timeout = wait_timeout
        self.wait_sleep = wait_sleep
        self.clock = clock
        self.sleep = sleep
        self.wall_clock = wall_clock
        self.single_job = bool((body.get("job_run_config") or {}).get("single_job_in_room"))
        self.warnings = []

    def run(self):
        try:
            running, listing = list_room_jobs(self.transport, self.room_id, states=RUNNING_STATES)
        except MetaStudioError as error:
            if error.not_found:
                raise error.derive(msg="room %s was not found: %s" % (self.room_id, error.msg))
            raise
        result = dict(room_id=self.room_id, changed=False, outcome="unchanged", job_id=None, job={}, state=None,
                      previous_state=None, request_id=listing.request_id)
        if running:
            job = _newest(running)
            if len(running) > 1:
                self.warnings.append("room %s has %d running jobs (%s); the newest one is returned" % (
                    self.room_id, len(running), _ids(running)))
            result.update(job_id=job.get("job_id"), job=job, state=job.get("state"), previous_state=job.get("state"))
            return self._finish(result)
        if self.check_mode:
            result.update(changed=True, outcome="started")
            return self._finish(result)
        since = rfc3339(server_time(listing, self.wall_clock) - SINCE_MARGIN)
        snapshot, dummy = list_room_jobs(self.transport, self.room_id, create_since=since)
        job, changed, request_id = self._start(since, set(job.get("job_id") for job in snapshot))
        result.update(changed=changed, outcome="started" if changed else "unchanged", job_id=job.get("job_id"),
                      job=job, state=job.get("state"), request_id=request_id)
        return self._finish(result)

    def _start(self, since, known):
        """(job, changed, request_id) of the one start: sent, adopted after a lost answer, or refused."""
        for attempt in (1, 2):
            try:
                return self._send()
            except MetaStudioError as error:
                if error.status_code in AUTH_STATUSES:
                    raise
                if not error.maybe_applied:
                    return self._after_refusal(error, lost_before=attempt > 1)
                found = self._reconcile(error, since, known)
                if found is not None:
                    return found
                if attempt > 1 or not self.single_job:
                    raise self._lost(error, attempt)
                self.warnings.append(
                    "%s. No job has appeared in room %s since, so the start is sent once more: with "
                    "single_job_in_room true the service refuses it while the first one runs, should that be "
                    "carried out late" % (error.msg, self.room_id))
        raise AssertionError("unreachable")

    def _send(self):
        response = start_job(self.transport, self.room_id, self.body)
        job = dict(response.body) if isinstance(response.body, dict) else {}
        if not job.get("job_id"):
            # Carried out, but which job it made is unknown: as good as a lost answer.
            raise MetaStudioError("StartSmartLive answered HTTP %s without a job_id" % response.status_code,
                                  status_code=response.status_code, request_id=response.request_id,
                                  operation="StartSmartLive", maybe_applied=True)
        job.setdefault("room_id", self.room_id)
        return job, True, response.request_id

    def _after_refusal(self, error, lost_before):
        """A refused start took no effect; a job that runs in the room by now was started by someone else
        (or by our earlier attempt whose answer was lost)."""
        running, listing = list_room_jobs(self.transport, self.room_id, states=RUNNING_STATES)
        if not running:
            raise error
        job = _newest(running)
        self.warnings.append("StartSmartLive was refused (%s), and room %s now has job %s running, started %s" % (
            error.msg, self.room_id, job.get("job_id"),
            "by this task's earlier start, whose answer was lost, or by another client" if lost_before
            else "by another client meanwhile"))
        return job, lost_before, listing.request_id

    def _reconcile(self, error, since, known):
        """After a lost answer: the one job created since just before the start, or None when none was."""
        created, dummy = list_room_jobs(self.transport, self.room_id, create_since=since)
        running, listing = list_room_jobs(self.transport, self.room_id, states=RUNNING_STATES)
        new = dict((job["job_id"], job) for job in created + running
                   if job.get("job_id") and job["job_id"] not in known)
        if not new:
            return None
        candidates = [job for job in new.values() if is_running(job.get("state"))] or list(new.values())
        if len(candidates) > 1:
            raise error.derive(msg="%s. Room %s has %d jobs created since just before this start (%s): this task "
                                   "cannot tell which one it started, and started none again" % (
                                       error.msg, self.room_id, len(candidates), _ids(candidates)),
                               result=dict(changed=True, outcome="unknown", room_id=self.room_id, job_id=None,
                                           new_job_ids=[job["job_id"] for job in candidates]))
        job = candidates[0]
        self.warnings.append("%s. Job %s, created in room %s since just before the start, is taken as the one it "
                             "started; nothing was sent again" % (error.msg, job["job_id"], self.room_id))
        return job, True, error.request_id or listing.request_id

    def _lost(self, error, attempt):
        why = (" a third time: both answers were lost" if attempt > 1 else
               ", since with job_run_config.single_job_in_room false a second start could run a second livestream")
        return error.derive(
            msg="%s. The livestream may have been started: no job has appeared in room %s since just before the start, "
                "but the service can still carry out a start whose answer was lost. It was not sent again%s. Run the "
                "task again in a minute: it adopts a job that has appeared, and starts one only in a room with none" % (
                    error.msg, self.room_id, why),
            result=dict(changed=True, outcome="unknown", room_id=self.room_id, job_id=None))

    def _finish(self, result):
        if not self.check_mode and result["job_id"]:
            self._settle(result)
        result["warnings"] = self.warnings
        return result

    def _refresh(self, result):
        try:
            read = show_job(self.transport, self.room_id, result["job_id"])
        except MetaStudioError as error:
            raise error.derive(msg="job %s of room %s: %s" % (result["job_id"], self.room_id, error.msg),
                               result=dict(result, warnings=self.warnings))
        result["job"] = dict(result["job"], **(read.body or {}))
        result.update(state=result["job"].get("state"), request_id=result["request_id"] if result["changed"]
                      else read.request_id)
        return result

    def _settle(self, result):
        """Read a job we started (its state is not in the start answer); with wait, until it leaves
        WAITING. A job that ends instead of running fails the task with the reason the API gives."""
        if result["changed"] or (self.wait and result["state"] == "WAITING"):
            self._refresh(result)
        if self.wait:
            poll_until([result], self._refresh, lambda item: item["state"] != "WAITING", self.clock() + self.wait_timeout,
                       self.wait_sleep, clock=self.clock, sleep=self.sleep)
        job = result["job"]
        if not is_running(result["state"]):
            reason = job.get("error_info") or {}
            raise MetaStudioError(
                "job %s of room %s ended %s instead of going live: %s" % (
                    result["job_id"], self.room_id, result["state"],
                    job.get("block_reason") or reason.get("error_msg") or "the API gives no reason"),
                error_code=reason.get("error_code"), error_msg=reason.get("error_msg") or job.get("block_reason"),
                request_id=result["request_id"], result=dict(result, warnings=self.warnings))
        if self.wait and result["state"] == "WAITING":
            raise MetaStudioError("job %s of room %s is still WAITING after %s seconds (wait_timeout)" % (
                result["job_id"], self.room_id, self.wait_timeout), request_id=result["request_id"],
                result=dict(result, warnings=self.warnings))
