# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator clock (which tests can pin or shift) and RFC 3339 helpers."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import calendar
import datetime
import functools
import math
import re
import threading
import time

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$")


class Clock:
    """Wall-clock time plus an offset, or a pinned instant; all job timings read it."""

    def __init__(self):
        self._lock = threading.Lock()
        self._offset = 0.0
        self._pinned = None

    def now(self):
        pinned = self._pinned
        if pinned is not None:
            return pinned
        return time.time() + self._offset

    def signing_now(self):
        """What X-Sdk-Date is checked against: the pinned instant, else the real time.

        Shifting the clock (advance, offset) fast-forwards jobs and tokens
        without breaking clients that sign with the real time.
        """
        pinned = self._pinned
        return pinned if pinned is not None else time.time()

    def pin(self, epoch):
        """Freeze the clock at `epoch` (None unfreezes and keeps the current offset)."""
        with self._lock:
            if epoch is None:
                if self._pinned is not None:
                    self._offset = self._pinned - time.time()
                self._pinned = None
            else:
                self._pinned = float(epoch)

    def advance(self, seconds):
        with self._lock:
            if self._pinned is not None:
                self._pinned += seconds
            else:
                self._offset += seconds

    def set_offset(self, seconds):
        with self._lock:
            self._offset = float(seconds)

    def reset(self):
        with self._lock:
            self._offset = 0.0
            self._pinned = None

    def describe(self):
        current = self.now()
        return {
            "now": format_rfc3339(current, fraction=True),
            "epoch": current,
            "pinned": self._pinned is not None,
            "offset_seconds": self._offset,
        }


def format_rfc3339(epoch, fraction=False):
    """Format epoch seconds as UTC RFC 3339 with a Z, e.g. 2021-01-10T08:43:17Z."""
    if epoch is None:
        return None
    if fraction:
        moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=epoch)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%06dZ" % moment.microsecond
    return _whole_seconds(int(math.floor(epoch)))


@functools.lru_cache(maxsize=8192)
def _whole_seconds(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def parse_rfc3339(text):
    """Return epoch seconds for an RFC 3339 date-time; a missing offset means UTC. Raises ValueError."""
    if not isinstance(text, str):
        raise ValueError("expected an RFC 3339 string, got %r" % (text,))
    match = _RFC3339.match(text.strip())
    if not match:
        raise ValueError("%r is not an RFC 3339 date-time" % text)
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    fraction = float(match.group(7)) if match.group(7) else 0.0
    # datetime validates the calendar fields (month 13, day 32 and so on).
    moment = datetime.datetime(year, month, day, hour, minute, second)
    epoch = calendar.timegm(moment.timetuple()) + fraction
    zone = match.group(8)
    if zone and zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        epoch -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return epoch
