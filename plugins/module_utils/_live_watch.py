# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Job transitions of a project, observed by polling: the core of the live_jobs event source.

Internal to the metastudio.cloud collection; may change in any release. Free of Ansible.

One poll reads two listings of ListSmartLiveJobs, the running jobs and the jobs created since a
watermark, and compares them with what the previous polls saw. Rules that keep the events true:

- a poll is all or nothing: if any call fails, the poll yields no event and changes nothing, so the
  next poll compares with the last complete view;
- a job that was running and is missing from both listings (a page can shift while it is read) is read
  by itself (ShowSmartLive) before it is said to have ended; a failed read postpones the decision;
- a job first seen after the start already ended is reported once, as ended, only when it was created
  after the first poll (older ones belong to the past);
- the watermark is the newest create_time the service gave, minus a margin, so the clock of this host
  plays no part.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from datetime import datetime, timedelta, timezone

from ansible_collections.metastudio.cloud.plugins.module_utils._errors import MetaStudioError
from ansible_collections.metastudio.cloud.plugins.module_utils._live_api import iter_job_pages, show_job
from ansible_collections.metastudio.cloud.plugins.module_utils._live_transform import RUNNING_STATES, is_running

# Jobs created this long before the newest job seen are listed again, in case the service makes a
# job visible a little after a newer one.
LOOKBACK_SECONDS = 600
JOB_STARTED = "job_started"
JOB_ENDED = "job_ended"


def parse_time(value):
    """A UTC datetime from the API's RFC 3339 text, or None."""
    if not isinstance(value, str) or not value:
        return None
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def format_time(moment):
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_now():
    return format_time(datetime.now(timezone.utc))


class JobView(object):
    """What is known of one job: its last state, its room and when it was created."""

    def __init__(self, job):
        self.job_id = job.get("job_id")
        self.room_id = job.get("room_id")
        self.room_name = job.get("room_name")
        self.state = job.get("state")
        self.create_time = job.get("create_time")
        self.created = parse_time(self.create_time)


class JobWatcher(object):
    """Polls the jobs of one project (or of some of its rooms) and returns the transitions it sees."""

    def __init__(self, transport, project_id, room_ids=None, announce_running=False, page_size=100):
        self.transport = transport
        self.project_id = project_id
        self.room_ids = set(room_ids) if room_ids else None
        self.announce_running = announce_running
        self.page_size = page_size
        self.known = {}
        self.started = False
        self.newest = None
        # The newest create_time of the first poll: a job created later and first seen ended is news.
        self.baseline = None

    def _wanted(self, job):
        return bool(job.get("job_id")) and (self.room_ids is None or job.get("room_id") in self.room_ids)

    def _list(self, since=None, **filters):
        """{job_id: (job, request_id)} of a whole listing; any failed page raises, so nothing half-read is used.
        Jobs created before ``since`` are left out here too, in case the service ignored the filter."""
        found = {}
        cutoff = parse_time(since)
        query = {"create_since": since} if since else None
        for jobs, request_id in iter_job_pages(self.transport, page_size=self.page_size, extra_query=query, **filters):
            for job in jobs:
                created = parse_time(job.get("create_time"))
                if self._wanted(job) and not (cutoff and created and created < cutoff):
                    found[job["job_id"]] = (job, request_id)
        return found

    def _probe_newest(self):
        """Before the first poll: the newest create_time, so that the first listing need not read the
        whole history. If the service ignores the sort, an older time only makes that listing longer."""
        query = {"sort_key": "create_time", "sort_dir": "desc"}
        for jobs, dummy in iter_job_pages(self.transport, page_size=1, extra_query=query):
            times = [parse_time(job.get("create_time")) for job in jobs]
            self.newest = max([moment for moment in times if moment] or [None]) if times else None
            return

    def _since(self):
        if self.newest is None:
            return None
        return format_time(self.newest - timedelta(seconds=LOOKBACK_SECONDS))

    def _read_view(self):
        """The running jobs and the recent jobs, newest state winning when a job is in both."""
        since = self._since()
        recent = self._list(since=since)
        running = self._list(states=list(RUNNING_STATES))
        view = dict(running)
        for job_id, (job, request_id) in recent.items():
            if job_id not in view or not is_running(job.get("state")):
                view[job_id] = (job, request_id)
        return view, since

    def _confirm_gone(self, view):
        """Read each job that was running and is missing from the listings; a failed read raises."""
        for job_id, known in self.known.items():
            if job_id in view or not is_running(known.state):
                continue
            try:
                response = show_job(self.transport, known.room_id, job_id)
            except MetaStudioError as error:
                if not error.not_found:
                    raise
                # The job can no longer be read (a TEMP room cleaned up): it ended, final state unknown.
                view[job_id] = (dict(job_id=job_id, room_id=known.room_id, room_name=known.room_name, state=None,
                                     create_time=known.create_time), error.request_id)
                continue
            job = dict(response.body or {})
            job.setdefault("job_id", job_id)
            job.setdefault("room_id", known.room_id)
            job.setdefault("room_name", known.room_name)
            view[job_id] = (job, response.request_id)

    def poll(self):
        """The transitions since the last complete poll, as event payloads. Raises on any API failure,
        before anything is changed."""
        if not self.started:
            self._probe_newest()
        view, since = self._read_view()
        if self.started:
            self._confirm_gone(view)
        events = []
        for job_id, (job, request_id) in view.items():
            event = self._transition(self.known.get(job_id), job, request_id)
            if event:
                events.append(event)
        self._remember(view, since)
        return events

    def _transition(self, known, job, request_id):
        state = job.get("state")
        previous = known.state if known else None
        if known is None:
            if is_running(state):
                return self._event(JOB_STARTED, job, None, request_id) if self.started or self.announce_running else None
            created = parse_time(job.get("create_time"))
            # Started and ended between two polls: report the end, unless the job predates the first poll.
            if self.started and created is not None and (self.baseline is None or created > self.baseline):
                return self._event(JOB_ENDED, job, None, request_id)
            return None
        if state == previous or not is_running(previous):
            return None
        if is_running(state):
            return self._event(JOB_STARTED, job, previous, request_id)
        return self._event(JOB_ENDED, job, previous, request_id)

    def _event(self, kind, job, previous, request_id):
        return {"metastudio": dict(
            type=kind,
            project_id=self.project_id,
            room_id=job.get("room_id"),
            room_name=job.get("room_name"),
            job_id=job.get("job_id"),
            state=job.get("state"),
            previous_state=previous,
            error_info=job.get("error_info"),
            block_reason=job.get("block_reason"),
            request_id=request_id,
            observed_at=utc_now(),
        )}

    def _remember(self, view, since):
        """Keep the new view; forget ended jobs that the next listings can no longer show."""
        for job_id, (job, dummy) in view.items():
            self.known[job_id] = JobView(job)
            created = self.known[job_id].created
            if created is not None and (self.newest is None or created > self.newest):
                self.newest = created
        cutoff = parse_time(since)
        if cutoff is not None:
            for job_id in [job_id for job_id, known in self.known.items()
                           if not is_running(known.state) and known.created is not None and known.created < cutoff]:
                del self.known[job_id]
        if not self.started:
            self.baseline = self.newest
        self.started = True
