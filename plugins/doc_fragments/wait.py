# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


class ModuleDocFragment(object):
    # Options for waiting until jobs have ended.
    DOCUMENTATION = r'''
options:
  wait:
    description:
      - Whether to wait, after a stop, until the job has reached a final state.
      - The service may accept a stop before the job has ended; without waiting, the returned job can still
        show V(PROCESSING).
      - With O(state=started), whether to wait until the job is V(PROCESSING) (live). Without waiting the
        job is read once, and can show V(WAITING).
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for the job to end (or, with O(state=started), to go live) before the task
        fails, reporting the last state seen (0 to 604800, a week). For several jobs, one wait_timeout covers them
        all, counted from the first stop.
    type: int
    default: 300
  wait_sleep:
    description:
      - Seconds between two reads of the job while waiting.
    type: float
    default: 3
'''
