# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP server and the Emulator object that owns all state."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import email.utils
import io
import socket
import socketserver
import ssl
import struct
import sys
import tempfile
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from . import admin, api, behaviour as behaviour_module
from .faults import CallLog, FaultBook, Throttle, redact_header, redact_query_value
from .model import Store
from .replies import JSON_TYPE, Reply, apig_error, html_page, json_reply, mss_error, service_error, to_json_bytes
from .signing import percent_decode
from .timeutil import Clock, format_rfc3339

MAX_BODY = 10 * 1024 * 1024
IDLE_TIMEOUT_SECONDS = 120
# Default answers of the "status" fault, by HTTP status.
FAULT_STATUS_ERRORS = {
    500: ("MSS.00000004", "Internal Error"),
    502: ("APIG.0202", "Backend unavailable."),
    503: ("APIG.0204", "Service unavailable."),
    504: ("APIG.0201", "Backend timeout."),
}


class _BodyError(Exception):
    """The request body cannot be read; the gateway refuses such requests."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class ApiRequest:
    """One API call as received, plus the call-log entry being filled in."""

    def __init__(self, handler, method, raw_path, raw_query, body, request_id):
        self.method = method
        self.raw_path = raw_path
        self.raw_query = raw_query
        self.body = body
        self.request_id = request_id
        # Case-insensitive lookups on a plain dict are much cheaper than on the parsed message.
        self._lookup = {}
        header_items = handler.headers.items()
        for name, value in header_items:
            self._lookup.setdefault(name.lower(), value)
        self._scheme = "https" if handler.server.ssl_context is not None else "http"
        self.segments = [percent_decode(part).decode("utf-8", "replace") for part in raw_path.split("/")[1:]]
        self.query = {}
        if raw_query:
            for key, value in parse_qsl(raw_query, keep_blank_values=True):
                self.query.setdefault(key, value)
        self.log = {
            "seq": None, "time": None, "method": method, "path": raw_path, "query": self._logged_query(),
            "operation": None, "headers": _logged_headers(header_items), "status": None, "request_id": request_id,
            "auth": None, "access_key": None, "project_id": None, "room_id": None, "job_id": None,
            "fault": None, "throttled": False, "effect": None, "auth_error": None,
        }

    def header(self, name):
        return self._lookup.get(name.lower())

    def app_user(self):
        value = self._lookup.get("x-app-userid")
        return value.strip() if value is not None and value.strip() else None

    def base_url(self):
        return "%s://%s" % (self._scheme, self._lookup.get("host") or "127.0.0.1")

    def _logged_query(self):
        if not self.raw_query:
            return {}
        logged = {}
        for key, value in parse_qsl(self.raw_query, keep_blank_values=True):
            value = redact_query_value(key, value)
            if key in logged:
                previous = logged[key]
                logged[key] = previous + [value] if isinstance(previous, list) else [previous, value]
            else:
                logged[key] = value
        return logged


def _logged_headers(header_items):
    logged = {}
    for name, value in header_items:
        value = redact_header(name, value)
        logged[name] = logged[name] + ", " + value if name in logged else value
    return logged


def _fault_reply(fault, request, real_reply):
    spec = fault.spec
    kind = fault.kind
    if kind == "reset":
        return Reply(0, action="reset")
    if kind == "html":
        return html_page(spec["status"], BaseHTTPRequestHandler.responses.get(spec["status"], ("Error",))[0])
    if kind == "truncated":
        body = real_reply.body if real_reply is not None and real_reply.body else to_json_bytes({
            "job_id": request.log.get("job_id") or uuid.uuid4().hex, "room_id": request.log.get("room_id"),
            "state": "PROCESSING", "duration": 42.0, "count": 1, "smart_live_jobs": []})
        cut = max(1, len(body) // 2)
        return Reply(200, body[:cut], JSON_TYPE, action="truncated", announced_length=len(body))
    status = spec["status"]
    default_code, default_msg = FAULT_STATUS_ERRORS.get(
        status, ("MSS.00000004", "Internal Error") if status >= 500 else ("MSS.00000003", "Invalid parameter"))
    return service_error(status, spec["error_code"] or default_code, spec["error_msg"] or default_msg,
                         request.request_id)


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
        server_class = _Server6 if ":" in self.host else _Server
        self._server = server_class((self.host, self.port), _Handler, self, context)
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
            self.throttle.configure(None, None)

    def seed(self, document):
        return self.store.seed(document)

    def behaviours(self):
        return dict(self.behaviour)

    def update_behaviour(self, update):
        cleaned = behaviour_module.validate_update(update)
        with self.store.lock:
            merged = dict(self.behaviour)
            merged.update(cleaned)
            self.behaviour = merged
            self.throttle.configure(merged["rate_limit_per_second"], merged["rate_limit_burst"])
        return dict(merged)

    def add_fault(self, spec):
        return self.faults.add(spec).fault_id

    def expire_tokens(self, token=None):
        now = self.clock.now()
        with self.store.lock:
            if token is not None:
                found = self.store.tokens.get(token)
                if found is None:
                    raise admin.AdminError(404, "no such token")
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
                      "stop_effective_time": format_rfc3339(job.stop_at, fraction=True) if job.stopping else None})
        return shown

    def raw_jobs(self, project_id=None):
        now = self.clock.now()
        with self.store.lock:
            jobs = sorted(self.store.jobs.values(), key=lambda job: job.seq)
            return [self._raw_job(job, now) for job in jobs if project_id is None or job.project_id == project_id]

    def raw_job(self, job_id):
        now = self.clock.now()
        with self.store.lock:
            job = self.store.jobs.get(job_id)
            return None if job is None else self._raw_job(job, now)

    def end_job(self, job_id, state="SUCCEED", error_info=None, block_reason=None):
        """End a job on its own now; None if unknown, False if it had already ended."""
        now = self.clock.now()
        with self.store.lock:
            job = self.store.jobs.get(job_id)
            if job is None:
                return None
            job.settle(now)
            if job.ended:
                return False
            job.finish(now, state, error_info, block_reason)
            return self._raw_job(job, now)

    # --- API calls -------------------------------------------------------------

    def process(self, request):
        """Answer one API call: routing, throttling, faults, auth, then the operation."""
        log = request.log
        operation, params = api.route(request.method, request.segments)
        if operation is None:
            segments = request.segments
            if self.behaviour["unknown_route_style"] == "mss" and len(segments) >= 2 and segments[0] == "v1":
                # MetaStudio itself answers, so the gateway authenticates first.
                refused = api.authenticate(self, request, segments[1])
                if refused is not None:
                    return refused
            return api.unknown_route(self, request, params)
        log["operation"] = operation
        for key in ("project_id", "room_id", "job_id"):
            log[key] = params.get(key)
        if operation in api.STATE_CHANGING:
            log["effect"] = "noop"
        latency_ms = self.behaviour["latency_ms"]
        if latency_ms:
            time.sleep(latency_ms / 1000.0)
        if not self.throttle.allow(operation):
            log["throttled"] = True
            return self._throttled(request)
        answer_fault = None
        for fault in self.faults.take(operation):
            log["fault"] = log["fault"] or fault.kind
            if fault.kind == "latency":
                time.sleep(fault.spec["latency_ms"] / 1000.0)
            elif fault.kind == "end_job_first":
                self._end_job_first(params, fault.spec)
            else:
                answer_fault = fault
                log["fault"] = fault.kind
        if answer_fault is not None and answer_fault.spec["apply"] == "before":
            return _fault_reply(answer_fault, request, None)
        if operation == "KeystoneCreateUserTokenByPassword":
            reply = api.create_token(self, request)
        else:
            reply = api.authenticate(self, request, params["project_id"])
            if reply is None:
                reply = api.OPERATION_HANDLERS[operation](self, request, params)
        if answer_fault is not None:
            return _fault_reply(answer_fault, request, reply)
        return reply

    def _throttled(self, request):
        rate = self.throttle.rate
        limit = int(rate) if float(rate).is_integer() else rate
        reply = apig_error(429, "APIG.0308", "The throttling threshold has been reached: policy user over ratelimit, "
                                             "limit:%s, time:1 second" % limit, request.request_id)
        retry_after = self.behaviour["throttle_retry_after_seconds"]
        if retry_after is not None:
            reply.add_header("Retry-After", "%d" % max(0, round(retry_after)))
        return reply

    def _end_job_first(self, params, spec):
        job_id = params.get("job_id")
        if job_id is None:
            return
        now = self.clock.now()
        with self.store.lock:
            job = self.store.jobs.get(job_id)
            if job is not None:
                job.settle(now)
                if not job.ended:
                    job.finish(now, spec["state"], spec["error_info"], spec["block_reason"])


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, handler_class, emulator, ssl_context):
        self.emulator = emulator
        self.ssl_context = ssl_context
        super().__init__(address, handler_class)

    def server_bind(self):
        # HTTPServer.server_bind would do a reverse DNS lookup, which can be slow.
        socketserver.TCPServer.server_bind(self)
        self.server_name = self.server_address[0]
        self.server_port = self.server_address[1]

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, ssl.SSLError, socket.timeout)) and not self.emulator.verbose:
            return
        super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


_DATE_CACHE = [0, ""]


def _http_date():
    second = int(time.time())
    if _DATE_CACHE[0] != second:
        _DATE_CACHE[1] = email.utils.formatdate(second, usegmt=True)
        _DATE_CACHE[0] = second
    return _DATE_CACHE[1]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "api-gateway"
    sys_version = ""
    timeout = IDLE_TIMEOUT_SECONDS

    def setup(self):
        context = self.server.ssl_context
        if context is not None:
            self.request.settimeout(30)
            self.request = context.wrap_socket(self.request, server_side=True)
        super().setup()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def finish(self):
        try:
            super().finish()
        finally:
            if self.server.ssl_context is not None:
                try:
                    self.request.close()
                except OSError:
                    pass

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.emulator.verbose:
            super().log_message(format, *args)

    def send_error(self, code, message=None, explain=None):
        """Malformed requests and unknown methods get gateway-style JSON, with a request id, like any answer."""
        request_id = uuid.uuid4().hex
        # The request body, if any, was not read, so the connection cannot be reused.
        self.close_connection = True
        if code == 501:
            reply = apig_error(404, "APIG.0101", "The API does not exist or has not been published in the environment.",
                               request_id)
        else:
            reply = apig_error(code, "APIG.0201", "API request error.", request_id)
        try:
            self._send(reply, request_id)
        except OSError:
            pass

    def do_GET(self):
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def _read_body(self):
        length = self.headers.get("Content-Length")
        if length is not None:
            try:
                size = int(length)
            except ValueError:
                size = -1
            if size < 0:
                raise _BodyError(400, "API request error.")
            if size > MAX_BODY:
                raise _BodyError(413, "Request entity too large.")
            return self.rfile.read(size) if size else b""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        return b""

    def _read_chunked(self):
        chunks = []
        total = 0
        while True:
            size_line = self.rfile.readline(1024)
            try:
                size = int(size_line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise _BodyError(400, "API request error.") from None
            if size == 0:
                # Skip trailers up to the blank line.
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY:
                raise _BodyError(413, "Request entity too large.")
            chunks.append(self.rfile.read(size))
            self.rfile.readline(8)

    def _handle(self):
        emulator = self.server.emulator
        request_id = uuid.uuid4().hex
        try:
            try:
                body = self._read_body()
            except _BodyError as error:
                self.close_connection = True
                self._send(apig_error(error.status, "APIG.0201", error.message, request_id), request_id)
                return
            target = self.path
            if "://" in target.split("?", 1)[0]:
                # Absolute-form request target: keep only the path and query.
                target = "/" + target.split("://", 1)[1].split("/", 1)[-1] if "/" in target.split("://", 1)[1] else "/"
            raw_path, raw_query = (target.split("?", 1) + [""])[:2]
            if raw_path == admin.PREFIX or raw_path.startswith(admin.PREFIX + "/"):
                status, document = admin.handle(emulator, self.command, raw_path, raw_query, body)
                self._send(json_reply(status, document), request_id)
                return
            request = ApiRequest(self, self.command, raw_path, raw_query, body, request_id)
            try:
                reply = emulator.process(request)
            except Exception:  # pylint: disable=broad-except
                traceback.print_exc()
                reply = mss_error(500, "MSS.00000004", "Internal Error")
            log = request.log
            log["time"] = format_rfc3339(emulator.clock.now(), fraction=True)
            log["status"] = reply.status if reply.action != "reset" else None
            # Record before answering, so a client that reads the log right after the answer sees the call.
            emulator.calls.append(log)
            self._send(reply, request_id)
        except (ConnectionError, socket.timeout):
            self.close_connection = True

    def _send(self, reply, request_id):
        if reply.action == "reset":
            self._reset_connection()
            return
        body = reply.body or b""
        length = reply.announced_length if reply.announced_length is not None else len(body)
        phrase = self.responses.get(reply.status, ("Unknown",))[0]
        lines = ["HTTP/1.1 %d %s" % (reply.status, phrase), "Date: " + _http_date(), "Server: api-gateway"]
        if reply.content_type:
            lines.append("Content-Type: " + reply.content_type)
        lines.append("Content-Length: %d" % length)
        lines.append("X-Request-Id: " + request_id)
        for name, value in reply.headers:
            lines.append("%s: %s" % (name, value))
        if reply.action == "truncated":
            self.close_connection = True
        if self.close_connection:
            lines.append("Connection: close")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if self.command != "HEAD":
            data += body
        self.wfile.write(data)

    def _reset_connection(self):
        """Drop the connection with an RST and no answer."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        # The socket only really closes once its file objects are closed too.
        for stream in (self.rfile, self.wfile):
            try:
                stream.close()
            except OSError:
                pass
        self.connection.close()
        # The base class still flushes and closes these after the request.
        self.rfile = io.BytesIO()
        self.wfile = io.BytesIO()
