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


# Values that grant access wherever they appear: RTC user signatures let anyone join the job's RTC room,
# stream keys let anyone push to the RTMP target (and some platforms put the key into the output URL), the
# report URL carries the event-report credentials and the interaction callback URL its own auth string.
SECRET_FIELDS = ("signature", "stream_keys", "output_urls", "live_event_report_url", "interaction_callback_url")
CALLBACK_CONFIG = "live_event_callback_config"


def _masked(value):
    if isinstance(value, list):
        return [REDACTED if item else item for item in value]
    return REDACTED if value else value


def redact_secrets(document, parent=None):
    """A copy of an API document (a job, a start answer, a room config) with every secret masked.

    The live-event callback key signs callbacks; a callback URL with auth_type NONE embeds its own auth.
    Empty values stay as they are, so a result still shows that none was set.
    """
    if isinstance(document, list):
        return [redact_secrets(item, parent) for item in document]
    if not isinstance(document, dict):
        return document
    redacted = {}
    for name, value in document.items():
        if name in SECRET_FIELDS or (parent == CALLBACK_CONFIG and (
                name == "key" or (name == "live_event_type_callback_url" and document.get("auth_type") == "NONE"))):
            redacted[name] = _masked(value)
        else:
            redacted[name] = redact_secrets(value, name)
    return redacted


def redact_job(job):
    """A copy of a job without the secrets the API returns with it, for module results."""
    return redact_secrets(job)
