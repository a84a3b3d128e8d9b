# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Event source of ansible-rulebook: transitions of the MetaStudio smart-live jobs of a project."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
short_description: Events when MetaStudio smart-live jobs start and end
description:
  - Polls the smart-live jobs of a Huawei Cloud MetaStudio project (ListSmartLiveJobs, every page) and puts
    one event on the queue for each transition it observes, under the key C(metastudio).
  - Event C(type) is V(job_started) when a job is first seen running (WAITING or PROCESSING) after the first
    poll, or moves from WAITING to PROCESSING; V(job_ended) when a job that was running reaches any other
    state (SUCCEED, FAILED, BLOCKED, CANCELED, or a state the service adds later), or when a job created after
    the first poll is first seen already ended.
  - "Each event carries C(project_id), C(room_id), C(room_name), C(job_id), C(state), C(previous_state),
    C(error_info), C(block_reason), C(request_id) (of the call that showed the transition) and C(observed_at)
    (UTC, RFC 3339). C(state) is null when a job that was running can no longer be read at all, as when the
    service cleans up a TEMP room."
  - Each poll lists the running jobs and the jobs created since shortly before the newest job seen
    (C(create_since)); a job that was running and is missing from both is read by itself before it is said to
    have ended, so a page that shifted while it was read never makes a false event.
  - API faults do not stop the source. A poll that fails emits nothing; the source logs the error with its
    error code, HTTP status and request ID, waits (doubling up to O(max_backoff)) and polls again.
  - Connection options, environment variables and the choice of authentication method are those of the
    modules (see M(metastudio.cloud.metastudio_live_job)). Secrets never appear in an event or a log line.
  - The calls run in a worker thread, so the rulebook's event loop is never blocked.
options:
  interval:
    description: Seconds between the start of two polls.
    type: float
    default: 10
  rooms:
    description:
      - Room ids or exact room names whose jobs are watched (a name watches every room of that name). They are
        resolved once, at start; an entry that names no room stops the source. Default every room of the project.
    type: list
    elements: str
  announce_running:
    description:
      - Also emit V(job_started) for the jobs already running at the first poll. Without it, those jobs only give
        their V(job_ended).
    type: bool
    default: false
  max_backoff:
    description: Longest wait, in seconds, between two polls after failed polls.
    type: float
    default: 300
  project_id:
    description: Project to watch. If not set, E(HUAWEICLOUD_SDK_PROJECT_ID) is used, then E(HW_PROJECT_ID).
    type: str
  region:
    description: Region such as V(cn-north-4). If not set, E(HW_REGION_NAME) is used, and then V(cn-north-4).
    type: str
  endpoint:
    description: Base URL of the API, overriding O(region). If not set, E(HW_METASTUDIO_ENDPOINT) is used.
    type: str
  access_key:
    description:
      - Access key. If not set, E(HUAWEICLOUD_SDK_AK), then E(HW_ACCESS_KEY) (see the notes on the choice of method).
      - The other credential options are those of the modules, with the same environment variables
        (C(secret_key), C(security_token), C(auth_token), C(iam_username), C(iam_password), C(iam_domain_name),
        C(iam_endpoint)), as are C(app_user_id), C(validate_certs), C(ca_path), C(timeout), C(retries) and
        C(rate_limit).
    type: str
notes:
  - Credentials given in the rulebook win over the environment; when none is given, access keys from the
    environment come first, then E(HW_AUTH_TOKEN), then an IAM password. Prefer the environment (or a vault) to
    clear secrets in a rulebook.
  - An error in the options (an unknown option, a bad value, missing credentials, a room that does not
    exist) stops the source at once with a message, since waiting would not fix it.
  - Needs C(requests), like the modules.
'''

EXAMPLES = r'''
- name: Restart a livestream that fails
  hosts: localhost
  sources:
    - metastudio.cloud.live_jobs:
        interval: 10
        rooms: ["Spring sale"]
  rules:
    - name: A job ended FAILED
      condition: event.metastudio.type == "job_ended" and event.metastudio.state == "FAILED"
      action:
        run_playbook:
          name: metastudio.cloud.restart_room
          extra_vars:
            room_id: "{{ event.metastudio.room_id }}"
'''

import asyncio
import logging
import os
import sys


def _collections_root():
    """The folder holding ansible_collections/ for this file:
    <root>/ansible_collections/metastudio/cloud/extensions/eda/plugins/event_source/live_jobs.py."""
    path = os.path.abspath(__file__)
    for dummy in range(8):
        path = os.path.dirname(path)
    return path


# ansible-rulebook runs this file by path, with no collection loader: the collection's module_utils become
# importable from the collections folder this file is installed in.
if os.path.isdir(os.path.join(_collections_root(), "ansible_collections")) and _collections_root() not in sys.path:
    sys.path.insert(0, _collections_root())

from ansible_collections.metastudio.cloud.plugins.module_utils._errors import (  # noqa: E402 pylint: disable=wrong-import-position
    InvalidInputError,
    MetaStudioError,
)
from ansible_collections.metastudio.cloud.plugins.module_utils._live_watch import JobWatcher  # noqa: E402 pylint: disable=wrong-import-position
from ansible_collections.metastudio.cloud.plugins.module_utils._options import (  # noqa: E402 pylint: disable=wrong-import-position
    CONNECTION_OPTIONS,
    OptionAdapter,
)
from ansible_collections.metastudio.cloud.plugins.module_utils._rooms_api import iter_rooms  # noqa: E402 pylint: disable=wrong-import-position

LOGGER = logging.getLogger("metastudio.cloud.live_jobs")
SOURCE_OPTIONS = dict(interval=10.0, rooms=None, announce_running=False, max_backoff=300.0)
ALIASES = dict(ak="access_key", sk="secret_key")


class SourceSettings(object):
    """The source's own options, checked, and the connection adapter."""

    def __init__(self, args):
        args = dict((ALIASES.get(key, key), value) for key, value in (args or {}).items())
        unknown = sorted(set(args) - set(SOURCE_OPTIONS) - set(CONNECTION_OPTIONS))
        if unknown:
            raise InvalidInputError("live_jobs: unknown option(s) %s" % ", ".join(unknown))
        self.interval = _positive(args, "interval")
        self.max_backoff = max(_positive(args, "max_backoff"), self.interval)
        self.announce_running = args.get("announce_running", False)
        if not isinstance(self.announce_running, bool):
            raise InvalidInputError("live_jobs: announce_running must be true or false")
        self.rooms = _room_list(args.get("rooms"))
        self.adapter = OptionAdapter(dict((name, args.get(name)) for name in CONNECTION_OPTIONS))


def _positive(args, name):
    value = args.get(name, SOURCE_OPTIONS[name])
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise InvalidInputError("live_jobs: %s must be a number of seconds above 0, got %r" % (name, value))
    return float(value)


def _room_list(rooms):
    if rooms is None:
        return []
    if isinstance(rooms, str):
        rooms = rooms.split(",")
    if not isinstance(rooms, list) or not all(isinstance(room, str) for room in rooms):
        raise InvalidInputError("live_jobs: rooms must be a list of room ids or names")
    return [room.strip() for room in rooms if room.strip()]


def _masked(text, secrets):
    for secret in secrets:
        text = text.replace(secret, "********")
    return text


def describe(error):
    """One log line for an API error: message, error code, HTTP status and request ID."""
    return "%s (error_code=%s, status=%s, request_id=%s)" % (
        error.msg, error.error_code, error.status_code, error.request_id)


def resolve_rooms(transport, rooms):
    """Room ids for the ids and exact names given (a name may name several rooms); an entry that names no
    room is a mistake in the rulebook, not a room that is idle."""
    if not rooms:
        return []
    wanted = set(rooms)
    ids, matched = set(), set()
    for room in iter_rooms(transport):
        for key in (room.get("room_id"), room.get("room_name")):
            if key in wanted and room.get("room_id"):
                ids.add(room["room_id"])
                matched.add(key)
    unknown = sorted(wanted - matched)
    if unknown:
        raise InvalidInputError("live_jobs: rooms names no room of the project by id or exact name: %s" % ", ".join(unknown))
    return sorted(ids)


async def _start(settings, secrets):
    """The watcher, once its rooms are known; API faults on the way are retried after a pause."""
    transport = settings.adapter.build_transport(pool_size=2)
    delay = settings.interval
    while True:
        try:
            room_ids = await asyncio.to_thread(resolve_rooms, transport, settings.rooms)
            return JobWatcher(transport, settings.adapter.project_id(), room_ids or None, settings.announce_running)
        except InvalidInputError:
            raise
        except MetaStudioError as error:
            LOGGER.error(_masked("live_jobs: cannot resolve the rooms yet: %s; retrying in %.0f s" % (
                describe(error), delay), secrets))
        await asyncio.sleep(delay)
        delay = min(delay * 2, settings.max_backoff)


async def main(queue, args):
    """Entry point of ansible-rulebook: poll forever, one event per transition."""
    settings = SourceSettings(args)
    secrets = settings.adapter.secret_values()
    watcher = await _start(settings, secrets)
    LOGGER.info("live_jobs: watching %s of project %s every %g s", "%d rooms" % len(watcher.room_ids)
                if watcher.room_ids else "every room", watcher.project_id, settings.interval)
    delay = settings.interval
    while True:
        loop = asyncio.get_running_loop()
        began = loop.time()
        try:
            events = await asyncio.to_thread(watcher.poll)
        except MetaStudioError as error:
            LOGGER.error(_masked("live_jobs: poll failed, no event emitted: %s; next poll in %.0f s" % (
                describe(error), delay), secrets))
            await asyncio.sleep(delay)
            delay = min(delay * 2, settings.max_backoff)
            continue
        delay = settings.interval
        for event in events:
            await queue.put(event)
        await asyncio.sleep(max(0.0, settings.interval - (loop.time() - began)))
