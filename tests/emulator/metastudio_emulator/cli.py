# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Command line: run the emulator until SIGTERM or SIGINT."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import argparse
import json
import os
import signal
import sys
import tempfile
import threading

from .behaviour import BehaviourError, parse_cli_assignment
from .seed import SeedError
from .emulator import Emulator


def build_parser():
    parser = argparse.ArgumentParser(prog="run_emulator.py", description="Local MetaStudio API emulator.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, loopback only)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: 0, a free port)")
    parser.add_argument("--address-file", help="write {url, host, port, pid, tls, ca_cert} here as JSON once bound")
    parser.add_argument("--pid-file", help="write the process id here; removed on exit")
    parser.add_argument("--seed", help="JSON file with a seed document (as POST /_emulator/seed takes)")
    parser.add_argument("--behaviour", "--behavior", action="append", nargs="+", default=[], metavar="KEY=VALUE",
                        help="set a behaviour; VALUE is parsed as JSON when possible")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a freshly generated certificate")
    parser.add_argument("--cert-dir", help="where to write the TLS files (default: a new temporary directory)")
    parser.add_argument("--quiet", action="store_true", help="print nothing but the URL")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return parser


def _write_atomically(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(prefix=".emulator-", dir=directory)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _remove(path):
    if path:
        try:
            os.unlink(path)
        except OSError:
            pass


def main(argv=None):
    args = build_parser().parse_args(argv)
    behaviours = {}
    try:
        for group in args.behaviour:
            for assignment in group:
                name, value = parse_cli_assignment(assignment)
                behaviours[name] = value
        emulator = Emulator(host=args.host, port=args.port, tls=args.tls, cert_dir=args.cert_dir,
                            verbose=args.verbose, behaviour=behaviours)
        if args.seed:
            with open(args.seed, encoding="utf-8") as stream:
                emulator.seed(json.load(stream))
    except (BehaviourError, SeedError, ValueError, OSError) as error:
        sys.stderr.write("run_emulator: %s\n" % error)
        return 2

    # A stale address file from an earlier run must not be mistaken for this one.
    _remove(args.address_file)
    stop_requested = threading.Event()

    def request_stop(signal_number, frame):
        del frame
        stop_requested.set()
        if not args.quiet:
            sys.stderr.write("run_emulator: signal %d, stopping\n" % signal_number)

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    emulator.start()
    try:
        if args.pid_file:
            _write_atomically(args.pid_file, "%d\n" % os.getpid())
        address = emulator.address()
        address["pid"] = os.getpid()
        if args.address_file:
            _write_atomically(args.address_file, json.dumps(address, indent=2) + "\n")
        sys.stdout.write(emulator.url + "\n")
        sys.stdout.flush()
        if not args.quiet:
            sys.stderr.write("run_emulator: MetaStudio emulator listening on %s (pid %d)\n" % (emulator.url, os.getpid()))
        while not stop_requested.wait(0.25):
            pass
    finally:
        emulator.stop()
        _remove(args.pid_file)
    return 0
