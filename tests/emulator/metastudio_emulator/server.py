# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP transport: reads requests, hands API calls to the emulator and admin calls to the admin interface,
and writes the replies (including dropped connections and truncated bodies)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import email.utils
import io
import socket
import socketserver
import ssl
import struct
import sys
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import admin
from .replies import apig_error, json_reply, mss_error
from .request import ApiRequest
from .timeutil import format_rfc3339

MAX_BODY = 10 * 1024 * 1024
IDLE_TIMEOUT_SECONDS = 120


class _BodyError(Exception):
    """The request body cannot be read; the gateway refuses such requests."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


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


def make_server(host, port, emulator, ssl_context):
    """A bound server (IPv6 when the host is an IPv6 address); serve_forever() serves it."""
    server_class = _Server6 if ":" in host else _Server
    return server_class((host, port), _Handler, emulator, ssl_context)


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
            if reply.delay_seconds:
                time.sleep(reply.delay_seconds)
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
