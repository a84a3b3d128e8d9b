# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Emulator object: owns all state, serves it on a background thread, and is what the admin calls control."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import ssl
import tempfile
import threading

from . import behaviour as behaviour_module, pipeline, seed as seed_module
from .admin import AdminError
from .calllog import CallLog
from .faults import FaultBook, Throttle
from .server import make_server
from .store import Store
from .timeutil import Clock, format_rfc3339


class Emulator:
    """The emulated service; `start()` serves it on a background thread.

    >>> with Emulator() as emu:
    ...     print(emu.url)
    """

    def __init__(self, host="127.0.0.1", port=0, tls=False, cert_dir=None, verbose=False, behaviour=None):
        self.host = host
        self.port = port
        self.tls = tls
        self.cert_dir = cert_dir
        self.verbose = verbose
        self.ca_cert = None
        self.clock = Clock()
        self.store = Store(self.clock)
        self.faults = FaultBook()
        self.throttle = Throttle()
        self.calls = CallLog()
        self.behaviour = behaviour_module.defaults()
        self._server = None
        self._thread = None
        if behaviour:
            self.update_behaviour(behaviour)

    # --- lifecycle -----------------------------------------------------------

    def start(self):
        context = None
        if self.tls:
            from . import tlsutil  # pylint: disable=import-outside-toplevel
            directory = self.cert_dir or tempfile.mkdtemp(prefix="metastudio-emulator-tls-")
            self.ca_cert, cert_path, key_path = tlsutil.make_certificates(directory)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert_path, key_path)
        self._server = make_server(self.host, self.port, self, context)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="metastudio-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc_value, exc_traceback):
        self.stop()

    @property
    def url(self):
        host = "[%s]" % self.host if ":" in self.host else self.host
        return "%s://%s:%d" % ("https" if self.tls else "http", host, self.port)

    def address(self):
        return {"url": self.url, "host": self.host, "port": self.port, "pid": None, "tls": self.tls,
                "ca_cert": self.ca_cert}

    # --- control (also used by the admin interface) --------------------------

    def reset(self):
        with self.store.lock:
            self.store.clear()
            self.faults.clear()
            self.calls.clear()
            self.clock.reset()
            self.behaviour = behaviour_module.defaults()
            self.throttle.reset()

    def seed(self, document):
        return seed_module.seed(self.store, document)

    def behaviours(self):
        return dict(self.behaviour)

    def update_behaviour(self, update):
        cleaned = behaviour_module.validate_update(update)
        with self.store.lock:
            merged = dict(self.behaviour)
            merged.update(cleaned)
            self.behaviour = merged
            self.throttle.reset()
        return dict(merged)

    def add_fault(self, spec):
        return self.faults.add(spec).fault_id

    def expire_tokens(self, token=None):
        now = self.clock.now()
        with self.store.lock:
            if token is not None:
                found = self.store.tokens.get(token)
                if found is None:
                    raise AdminError(404, "no such token")
                targets = [found]
            else:
                targets = list(self.store.tokens.values())
            for item in targets:
                item.expires_at = min(item.expires_at, now)
        return len(targets)

    def _raw_job(self, job, now):
        job.settle(now)
        shown = job.render(now)
        shown.update({"project_id": job.project_id, "app_user_id": job.app_user_id,
                      "room_type": job.room.room_type, "stopping": job.stopping,
                      "stop_effective_time": format_rfc3339(job.stop_at, fraction=True) if job.stopping else None,
                      "room_deleted": job.room.room_id not in self.store.rooms,
                      "commands": [dict(command) for command in job.commands]})
        return shown

    def _raw_all(self, table, render, project_id):
        now = self.clock.now()
        with self.store.lock:
            entries = sorted(table.values(), key=lambda entry: entry.seq)
            return [render(entry, now) for entry in entries if project_id is None or entry.project_id == project_id]

    def raw_jobs(self, project_id=None):
        return self._raw_all(self.store.jobs, self._raw_job, project_id)

    def _raw_one(self, table, render, key):
        now = self.clock.now()
        with self.store.lock:
            entry = table.get(key)
            return None if entry is None else render(entry, now)

    def raw_job(self, job_id):
        return self._raw_one(self.store.jobs, self._raw_job, job_id)

    def _raw_room(self, room, now):
        for job in room.jobs:
            job.settle(now)
        shown = room.render_full()
        shown["job_ids"] = [job.job_id for job in room.jobs]
        return shown

    def raw_rooms(self, project_id=None):
        """Every room as show gives it (secrets in clear), with its job ids; cleaned-up TEMP rooms included."""
        return self._raw_all(self.store.rooms, self._raw_room, project_id)

    def raw_room(self, room_id):
        return self._raw_one(self.store.rooms, self._raw_room, room_id)

    def end_job(self, job_id, state="SUCCEED", error_info=None, block_reason=None, after_seconds=None):
        """End a job on its own now (or `after_seconds` from now); None if unknown, False if it had already ended."""
        now = self.clock.now()
        with self.store.lock:
            job = self.store.jobs.get(job_id) if job_id is not None else None
            if job is None:
                return None
            job.settle(now)
            if job.ended:
                return False
            if after_seconds:
                job.schedule_auto_end(now + after_seconds, state, error_info, block_reason)
            else:
                job.finish(now, state, error_info, block_reason)
            return self._raw_job(job, now)

    # --- API calls -------------------------------------------------------------

    def process(self, request):
        """Answer one API call (an ApiRequest) with a Reply."""
        return pipeline.process(self, request)
