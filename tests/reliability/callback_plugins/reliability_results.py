# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Callback of the reliability suite: every task result, as one JSON line, in RELIABILITY_RESULTS_FILE.

Each line holds the task name, its status (ok, failed, skipped, unreachable), the seconds from the start
of the task to its result, and the result as the module returned it (the same data ``register`` keeps).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "reliability_results"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.path = os.environ.get("RELIABILITY_RESULTS_FILE")
        self.started = {}

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.started[task._uuid] = time.monotonic()

    def record(self, result, status):
        if not self.path:
            return
        began = self.started.get(result._task._uuid)
        line = dict(task=result._task.get_name(), status=status, result=result._result,
                    seconds=None if began is None else round(time.monotonic() - began, 3))
        with open(self.path, "a") as stream:
            stream.write(json.dumps(line, default=str) + "\n")

    def v2_runner_on_ok(self, result):
        self.record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self.record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self.record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self.record(result, "unreachable")
