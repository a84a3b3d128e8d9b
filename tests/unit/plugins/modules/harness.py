# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs a module class as Ansible would, with its arguments patched in, against a small fake API.

exit_json and fail_json raise instead of exiting, so a test gets the result; warnings are collected.
The fake API answers the job and room operations over HTTP mocked by responses, from a little state:
a stop ends a running job (and removes it with its room when the room is TEMP), a job it does not know is answered as the API does (400 MSS.00000003).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.metastudio.cloud.plugins.module_utils._operations import OPERATIONS
from ansible_collections.metastudio.cloud.tests.unit.fakes import BASE, MSS_INVALID, MSS_STATE, P, url_pattern

TOKEN = 'MIIexampletoken-never-shown'
CONNECTION = dict(project_id=P, auth_token=TOKEN, endpoint=BASE, retries=0)


class ModuleExit(Exception):
    """exit_json or fail_json was called: args[0] is the result, with failed set as Ansible would."""


def run_module(module_class, args, check_mode=False, diff=False, masked=None):
    """The result of running ``module_class`` with ``args`` (connection options included by the caller).

    ``masked``, a set, receives the values the module would mask in its output (its no_log values).
    """
    warnings = []
    masked = set() if masked is None else masked

    def exit_json(self, **result):
        masked.update(self.no_log_values)
        raise ModuleExit(dict(result, failed=False, warnings=warnings))

    def fail_json(self, msg, **result):
        masked.update(self.no_log_values)
        raise ModuleExit(dict(result, msg=msg, failed=True, warnings=warnings))

    def warn(self, warning, *args, **kwargs):
        warnings.append(warning)

    module_args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    with patch_module_args(module_args), mock.patch.multiple(basic.AnsibleModule, exit_json=exit_json,
                                                             fail_json=fail_json, warn=warn):
        try:
            module_class()()
        except ModuleExit as done:
            return done.args[0]
    raise AssertionError('the module returned without exit_json or fail_json')


class FakeApi(object):
    """Jobs and rooms behind the job and room operations, routed by the OPERATIONS table.

    ``jobs`` are dicts with room_id, job_id and state (and any other field); ``faults`` maps
    (operation, job_id) to the (status, body) to answer instead. Every call is recorded as
    (operation, room_id, job_id); each answer carries a request id naming the operation and job.
    """

    def __init__(self, mock_http, jobs=(), rooms=(), faults=None):
        self.jobs = dict(((job['room_id'], job['job_id']), dict(job)) for job in jobs)
        self.rooms = list(rooms)
        self.faults = dict(faults or {})
        self.calls = []
        handlers = dict(ShowSmartLive=self.show, StopSmartLive=self.stop, ListSmartLive=self.list_room,
                        ListSmartLiveJobs=self.list_project, ListSmartLiveRooms=self.list_rooms)
        for name, handler in handlers.items():
            operation = OPERATIONS[name]
            mock_http.add_callback(operation.method, url_pattern(operation), callback=self._route(name, handler))

    def names(self):
        return [call[0] for call in self.calls]

    def _route(self, name, handler):
        pattern = url_pattern(OPERATIONS[name])

        def callback(request):
            ids = list(pattern.match(request.url).groups()[:-1])  # the last group is the query
            room_id, job_id = (ids + [None, None])[:2]
            self.calls.append((name, room_id, job_id))
            request_id = 'rid-%s-%s' % (name, job_id or room_id or 'project')
            if (name, job_id) in self.faults:
                status, body = self.faults[(name, job_id)]
            else:
                status, body = handler(room_id, job_id, dict(parse_qsl(urlsplit(request.url).query)))
            return status, {'X-Request-Id': request_id}, json.dumps(body) if body is not None else ''
        return callback

    def show(self, room_id, job_id, query):
        found = self.jobs.get((room_id, job_id))
        return (200, found) if found else (400, MSS_INVALID)

    def stop(self, room_id, job_id, query):
        found = self.jobs.get((room_id, job_id))
        if not found:
            return 400, MSS_INVALID
        if found['state'] not in ('WAITING', 'PROCESSING'):
            return 400, MSS_STATE
        found['state'] = 'CANCELED'
        if found.get('room_type') == 'TEMP':
            # A TEMP room goes away with its job, and the job with it.
            del self.jobs[(room_id, job_id)]
        return 200, None

    def _listing(self, jobs, query, key='smart_live_jobs'):
        states = query.get('state', '').split(',') if query.get('state') else None
        jobs = [job for job in jobs if not states or job.get('state') in states]
        offset, limit = int(query.get('offset', 0)), int(query.get('limit', 100))
        return 200, {'count': len(jobs), key: jobs[offset:offset + limit]}

    def list_room(self, room_id, job_id, query):
        return self._listing([job for key, job in self.jobs.items() if key[0] == room_id], query)

    def list_project(self, room_id, job_id, query):
        return self._listing(list(self.jobs.values()), query)

    def list_rooms(self, room_id, job_id, query):
        return self._listing(self.rooms, query, key='smart_live_rooms')
