# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared stand-ins of the unit tests: ids, a fake clock, transports over responses or scripts."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re
import threading

from ansible_collections.metastudio.cloud.plugins.module_utils._auth import AkSkAuth
from ansible_collections.metastudio.cloud.plugins.module_utils._endpoint import build_endpoint
from ansible_collections.metastudio.cloud.plugins.module_utils._errors import MetaStudioError
from ansible_collections.metastudio.cloud.plugins.module_utils._transport import ApiResponse, Transport

AK = 'HPUAEXAMPLEAK0000001'
SK = 'ExampleSecretKey0000000000000000000000001'
P = '0123456789abcdef0123456789abcdef'
R = '26f065244f754b3aa853b649a21aaf66'
J = 'e87104f76d7546ce8a46ac6b04c49c3c'
R2 = 'a' * 32
J2 = 'b' * 32
J3 = 'c' * 32
HOST = 'metastudio.cn-north-4.myhuaweicloud.com'
BASE = 'https://' + HOST
JOB_URL = BASE + '/v1/%s/smart-live-rooms/%s/smart-live-jobs/%s' % (P, R, J)
STOP_URL = JOB_URL + '/stop'
LIST_URL = BASE + '/v1/%s/smart-live-jobs' % P
ROOM_JOBS_URL = BASE + '/v1/%s/smart-live-rooms/%s/smart-live-jobs' % (P, R)
# Endpoints given as an option: (endpoint, base URL used, Host header sent).
ENDPOINTS = [
    ('https://metastudio.example.test', 'https://metastudio.example.test', 'metastudio.example.test'),
    ('https://metastudio.example.test/', 'https://metastudio.example.test', 'metastudio.example.test'),
    ('http://127.0.0.1:8080', 'http://127.0.0.1:8080', '127.0.0.1:8080'),
    ('https://metastudio.example.test:8443/', 'https://metastudio.example.test:8443', 'metastudio.example.test:8443'),
    ('https://metastudio.example.test:443', 'https://metastudio.example.test:443', 'metastudio.example.test'),
    ('https://[::1]:8443', 'https://[::1]:8443', '[::1]:8443'),
]
MSS_STATE = {'error_code': 'MSS.20020001', 'error_msg': 'the task state does not allow the current operation'}
MSS_INVALID = {'error_code': 'MSS.00000003', 'error_msg': 'Invalid parameter'}


class FakeTime(object):
    """A monotonic clock that only moves when slept on (or when told); records each sleep and when it began."""

    def __init__(self, now=1000.0):
        self.now = now
        self.sleeps = []
        self.started = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        assert seconds >= 0
        self.started.append(self.now)
        self.sleeps.append(seconds)
        self.now += seconds


def make_transport(timer=None, region=None, endpoint=None, **kwargs):
    """A transport that never really sleeps: ``timer`` (a FakeTime) records the delays."""
    kwargs.setdefault('auth', AkSkAuth(AK, SK))
    timer = timer or FakeTime()
    return Transport(kwargs.pop('project_id', P), base_url=build_endpoint(region, endpoint), sleep=timer.sleep,
                     clock=timer.clock, **kwargs)


def job(state, job_id=J, **extra):
    body = dict(job_id=job_id, **extra)
    if state is not None:
        body['state'] = state
    return body


def ok(state, request_id, job_id=J):
    return ApiResponse(200, job(state, job_id), request_id)


def stopped(request_id='rid-stop'):
    return ApiResponse(200, None, request_id)


def page(jobs, request_id, count=None, key='smart_live_jobs'):
    """One page of a listing; ``count`` is the total the API announces (the page's length by default)."""
    return ApiResponse(200, {'count': len(jobs) if count is None else count, key: jobs}, request_id)


def api_error(operation, status, body=None, request_id=None, maybe_applied=False):
    """The MetaStudioError the transport raises for an answer of ``status`` with the API's ``body``."""
    body = body or {}
    code = body.get('error_code')
    return MetaStudioError('%s failed with HTTP %s%s' % (operation, status, ' ' + code if code else ''),
                           status_code=status, error_code=code, error_msg=body.get('error_msg'), request_id=request_id,
                           operation=operation, maybe_applied=maybe_applied)


class FakeTransport(object):
    """Answers transport.call from scripts and records every call as (operation, room_id, job_id).

    ``shows`` and ``stops`` are keyed by job id, ``pages`` by room id (None: the project's job listing) and
    ``rooms`` is the script of ListSmartLiveRooms. Each script is a list of ApiResponse (returned) or
    MetaStudioError (raised); the last one repeats.
    """

    def __init__(self, shows=None, stops=None, pages=None, rooms=None, on_show=None):
        self.scripts = {'ShowSmartLive': dict(shows or {}), 'StopSmartLive': dict(stops or {}),
                        'ListSmartLive': dict(pages or {}), 'ListSmartLiveRooms': {None: list(rooms or [])}}
        self.scripts['ListSmartLiveJobs'] = {None: self.scripts['ListSmartLive'].pop(None, [])}
        self.on_show = on_show
        self.calls = []
        self.queries = []
        self._lock = threading.Lock()

    def call(self, name, query=None, body=None, **ids):
        if name == 'ShowSmartLive' and self.on_show:
            self.on_show()
        key = ids.get('job_id') or ids.get('room_id')
        with self._lock:
            self.calls.append((name, ids.get('room_id'), ids.get('job_id')))
            self.queries.append(dict(query or []))
            script = self.scripts[name][key]
            item = script.pop(0) if len(script) > 1 else script[0]
        if isinstance(item, Exception):
            raise item
        return item

    def names(self):
        return [call[0] for call in self.calls]


def url_pattern(operation, base=BASE, project_id=P):
    """A regex of the URLs of ``operation`` (an Operation), each id placeholder a captured group."""
    path = operation.path.replace('{project_id}', project_id)
    pattern = re.sub(r'\\\{[a-z_]+\\\}', '([^/?]+)', re.escape(path))
    return re.compile('^' + re.escape(base) + pattern + r'(\?.*)?$')
