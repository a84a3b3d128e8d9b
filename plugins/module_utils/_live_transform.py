# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Job states and what leaves the collection of a job: redaction of the secrets the API returns.

Internal to the metastudio.cloud collection; may change in any release. Free of Ansible.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re

RUNNING_STATES = ("WAITING", "PROCESSING")
# A state is one word of capitals; anything else (such as a comma) would change the API's filter.
STATE_PATTERN = re.compile(r"^[A-Z][A-Z_]{0,31}$")
REDACTED = "********"


def is_running(state):
    """True when a job in ``state`` can still be stopped. Unknown values count as ended."""
    return state in RUNNING_STATES


def redact_job(job):
    """A copy of a job without the secrets the API returns with it, for module results.

    RTC user signatures let anyone join the job's RTC room, and the live-event callback key signs
    callbacks: neither belongs in logs or registered variables.
    """
    job = dict(job)
    rtc = job.get("rtc_room_info")
    if isinstance(rtc, dict) and isinstance(rtc.get("users"), list):
        users = [dict(user, signature=REDACTED) if isinstance(user, dict) and user.get("signature") else user
                 for user in rtc["users"]]
        job["rtc_room_info"] = dict(rtc, users=users)
    callback = job.get("live_event_callback_config")
    if isinstance(callback, dict) and callback.get("key"):
        job["live_event_callback_config"] = dict(callback, key=REDACTED)
    return job
