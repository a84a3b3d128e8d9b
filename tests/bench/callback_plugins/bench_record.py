# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Callback of the benchmark: task timings and the counts of the MetaStudio module results, as JSON."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
name: bench_record
type: aggregate
short_description: Record task timings and MetaStudio results for tests/bench/run_bench.py
description:
  - Writes, at the end of the playbook, one JSON document to the file named by the environment variable
    E(BENCH_RECORD_FILE) with every task's name, action, status, start and end time (monotonic seconds), loop
    item counts, and for the metastudio.cloud modules the sizes of their result lists.
  - Nothing is written when E(BENCH_RECORD_FILE) is not set.
requirements:
  - enabled in configuration
'''

import json
import os
import time

from ansible.plugins.callback import CallbackBase

# Result keys whose size (a list) or value is kept for the benchmark.
LIST_KEYS = ("jobs", "results", "stopped", "unchanged", "failed_jobs", "request_ids")
VALUE_KEYS = ("msg", "status_code", "error_code")


def _action(task):
    return getattr(task, "resolved_action", None) or task.action


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_record"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.tasks = []
        self.by_uuid = {}
        self.started = time.monotonic()

    def _entry(self, task):
        entry = self.by_uuid.get(task._uuid)  # pylint: disable=protected-access
        if entry is None:
            entry = dict(name=task.get_name(), action=_action(task), start=time.monotonic(), end=None, status=None,
                         items_ok=0, items_failed=0, items_skipped=0, summary={})
            self.by_uuid[task._uuid] = entry  # pylint: disable=protected-access
            self.tasks.append(entry)
        return entry

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._entry(task)

    def _finish(self, result, status):
        entry = self._entry(result._task)  # pylint: disable=protected-access
        payload = result._result  # pylint: disable=protected-access
        entry.update(end=time.monotonic(), status=status, changed=bool(payload.get("changed")))
        if entry["action"].endswith((".metastudio_live_job", ".metastudio_live_job_info")):
            summary = dict((key, len(payload[key])) for key in LIST_KEYS if isinstance(payload.get(key), list))
            summary.update((key, payload[key]) for key in VALUE_KEYS if payload.get(key) is not None)
            entry["summary"] = summary
        elif status == "failed" and payload.get("msg"):
            entry["summary"] = dict(msg=str(payload["msg"])[:500])

    def v2_runner_on_ok(self, result):
        self._finish(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._finish(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._finish(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._finish(result, "unreachable")

    def v2_runner_item_on_ok(self, result):
        self._entry(result._task)["items_ok"] += 1  # pylint: disable=protected-access

    def v2_runner_item_on_failed(self, result):
        self._entry(result._task)["items_failed"] += 1  # pylint: disable=protected-access

    def v2_runner_item_on_skipped(self, result):
        self._entry(result._task)["items_skipped"] += 1  # pylint: disable=protected-access

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("BENCH_RECORD_FILE")
        if not path:
            return
        with open(path, "w") as stream:
            # epoch_offset turns the monotonic times into Unix times, to line them up with the emulator's call log.
            json.dump(dict(started=self.started, ended=time.monotonic(), epoch_offset=time.time() - time.monotonic(),
                           tasks=self.tasks), stream, indent=1)
