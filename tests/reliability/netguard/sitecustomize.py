# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Network guard of the reliability suite, loaded by every Python process the suite starts.

The suite puts this folder first on PYTHONPATH for ansible-playbook and for module runs, so Python imports
this file at start-up. From then on a name lookup or a connection to anything but a loopback address fails
at once, as an unknown host would: a module given a real region name or a stray endpoint can never send a
packet off this machine. When RELIABILITY_NETGUARD_LOG names a file, each process that loads the guard
writes one "loaded" line there, and each refused host one "blocked" line, so tests can see what was tried.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import ipaddress
import os
import socket
import sys

LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
ORIGINAL_GETADDRINFO = socket.getaddrinfo
ORIGINAL_CONNECT = socket.socket.connect
ORIGINAL_CONNECT_EX = socket.socket.connect_ex


def note(kind, text):
    path = os.environ.get("RELIABILITY_NETGUARD_LOG")
    if not path:
        return
    try:
        with open(path, "a") as stream:
            stream.write("%s %d %s\n" % (kind, os.getpid(), text))
    except OSError:
        pass


def is_local(host):
    """True for names and addresses that stay on this machine."""
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    name = str(host).strip().strip("[]").lower().rstrip(".")
    if name in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(name.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def refuse(host):
    note("blocked", repr(host))
    raise socket.gaierror(socket.EAI_NONAME, "the reliability suite's network guard refused %r: only loopback is allowed" % (host,))


def guarded_getaddrinfo(host, *args, **kwargs):
    if not is_local(host):
        refuse(host)
    return ORIGINAL_GETADDRINFO(host, *args, **kwargs)


def _checked(sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple) and not is_local(address[0]):
        refuse(address[0])


def guarded_connect(self, address):
    _checked(self, address)
    return ORIGINAL_CONNECT(self, address)


def guarded_connect_ex(self, address):
    _checked(self, address)
    return ORIGINAL_CONNECT_EX(self, address)


socket.getaddrinfo = guarded_getaddrinfo
socket.socket.connect = guarded_connect
socket.socket.connect_ex = guarded_connect_ex
note("loaded", " ".join(sys.argv)[:300])
