# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Polling until things settle, with a deadline.

Internal to the metastudio.cloud collection; may change in any release. Free of Ansible.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import time


def poll_until(pending, refresh, settled, deadline, interval, clock=time.monotonic, sleep=time.sleep, map_fn=map):
    """Refresh the items of ``pending`` every ``interval`` seconds until each is ``settled`` or the
    ``deadline`` (a ``clock()`` value) has passed; return those that never settled.

    ``refresh(item)`` returns the item read again; ``map_fn`` lets a thread pool do the reads.
    """
    pending = [item for item in pending if not settled(item)]
    while pending:
        remaining = deadline - clock()
        if remaining <= 0:
            break
        sleep(min(interval, remaining))
        pending = [item for item in map_fn(refresh, pending) if not settled(item)]
    return pending
