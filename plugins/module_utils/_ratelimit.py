# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pacing of API calls: per-API token buckets, backoff with jitter, Retry-After.

Internal to the metastudio.cloud collection; may change in any release. Free of Ansible.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import random
import threading
import time
from email.utils import parsedate_to_datetime


def retry_after_seconds(value):
    """Seconds from a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def backoff_delay(attempt, retry_after=None, base=0.5, cap=30.0, rand=random.random):
    """Exponential backoff with equal jitter; Retry-After wins when the server sent one."""
    if retry_after is not None:
        return min(retry_after, cap)
    ceiling = min(cap, base * (2 ** attempt))
    return ceiling / 2 + rand() * ceiling / 2


class RateLimiter(object):
    """Client-side pacing per API, shared by every thread of a module run.

    Each API (operation) gets a token bucket of ``rate`` calls per second. A 429 from the gateway pauses
    every caller of that API together and halves its rate; successes raise it back step by step, so a
    fleet of concurrent calls settles just under whatever limit the account really has.
    """

    def __init__(self, rate=None, clock=time.monotonic, sleep=time.sleep):
        self.max_rate = rate
        self.clock = clock
        self.sleep = sleep
        self._lock = threading.Lock()
        self._apis = {}

    def _api(self, operation):
        api = self._apis.get(operation)
        if api is None:
            api = self._apis[operation] = dict(rate=self.max_rate, next_slot=0.0, paused_until=0.0)
        return api

    def acquire(self, operation):
        """Block until ``operation`` may be called; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                api = self._api(operation)
                now = self.clock()
                start = max(now, api["paused_until"])
                if api["rate"]:
                    start = max(start, api["next_slot"])
                    if start <= now:
                        # At most half a second of burst, so the rest of the gateway's bucket absorbs jitter.
                        api["next_slot"] = max(api["next_slot"], now - 0.5) + 1.0 / api["rate"]
                        return waited
                elif start <= now:
                    return waited
            delay = start - now
            self.sleep(delay)
            waited += delay

    def throttled(self, operation, delay):
        """The gateway said 429: every caller of ``operation`` waits ``delay``, and the rate is halved."""
        with self._lock:
            api = self._api(operation)
            api["paused_until"] = max(api["paused_until"], self.clock() + delay)
            if api["rate"]:
                api["rate"] = max(1.0, api["rate"] / 2)

    def succeeded(self, operation):
        with self._lock:
            api = self._api(operation)
            if api["rate"] and self.max_rate and api["rate"] < self.max_rate:
                api["rate"] = min(self.max_rate, api["rate"] + 1.0)
