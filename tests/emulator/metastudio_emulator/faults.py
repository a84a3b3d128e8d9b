# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Injected faults and per-operation throttling."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import random
import threading
import time
import uuid

from .model import END_STATES
from .routes import OPERATIONS
# Kinds that replace the answer, and kinds that act before a normally handled call.
ANSWER_KINDS = ("status", "html", "truncated", "reset")
PRE_KINDS = ("latency", "end_job_first")
FAULT_KINDS = ANSWER_KINDS + PRE_KINDS


class FaultError(ValueError):
    pass


class Fault:
    def __init__(self, spec):
        self.spec = spec
        self.fault_id = spec["fault_id"]
        self.operation = spec["operation"]
        self.kind = spec["kind"]
        self.remaining = spec["count"]
        self.probability = spec["probability"]

    def describe(self):
        description = dict(self.spec)
        description["remaining"] = self.remaining
        return description


def validate_fault(spec):
    """Return a complete fault description from a request body, or raise FaultError."""
    if not isinstance(spec, dict):
        raise FaultError("fault must be a JSON object")
    known = ("operation", "kind", "count", "probability", "status", "error_code", "error_msg", "latency_ms",
             "state", "error_info", "block_reason", "apply")
    unknown = sorted(set(spec) - set(known))
    if unknown:
        raise FaultError("unknown fault keys %s; known: %s" % (", ".join(unknown), ", ".join(known)))
    operation = spec.get("operation", "*")
    if operation != "*" and operation not in OPERATIONS:
        raise FaultError("operation must be \"*\" or one of %s" % ", ".join(OPERATIONS))
    kind = spec.get("kind")
    if kind not in FAULT_KINDS:
        raise FaultError("kind must be one of %s" % ", ".join(FAULT_KINDS))
    probability = spec.get("probability")
    if probability is not None and (isinstance(probability, bool) or not isinstance(probability, (int, float))
                                    or not 0 <= probability <= 1):
        raise FaultError("probability must be a number in 0..1")
    count = spec.get("count")
    if count is None:
        # With a probability and no count the fault stays until it is deleted.
        count = None if probability is not None else 1
    elif isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise FaultError("count must be an integer >= 1")
    apply_when = spec.get("apply", "before")
    if apply_when not in ("before", "after"):
        raise FaultError("apply must be \"before\" or \"after\"")
    if apply_when == "after" and kind not in ANSWER_KINDS + ("latency",):
        raise FaultError("apply=after only makes sense for kinds %s" % ", ".join(ANSWER_KINDS + ("latency",)))
    status = spec.get("status", 502 if kind == "html" else 500)
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
        raise FaultError("status must be an integer in 400..599")
    latency_ms = spec.get("latency_ms", 1000 if kind == "latency" else 0)
    if isinstance(latency_ms, bool) or not isinstance(latency_ms, (int, float)) or latency_ms < 0:
        raise FaultError("latency_ms must be a number >= 0")
    state = spec.get("state", "SUCCEED")
    if state not in END_STATES:
        raise FaultError("state must be one of %s" % ", ".join(END_STATES))
    for text_key in ("error_code", "error_msg", "block_reason"):
        if spec.get(text_key) is not None and not isinstance(spec[text_key], str):
            raise FaultError("%s must be a string" % text_key)
    if spec.get("error_info") is not None and not isinstance(spec["error_info"], dict):
        raise FaultError("error_info must be an object")
    return {
        "fault_id": uuid.uuid4().hex, "operation": operation, "kind": kind, "count": count,
        "probability": probability, "status": status, "error_code": spec.get("error_code"),
        "error_msg": spec.get("error_msg"), "latency_ms": latency_ms, "state": state,
        "error_info": spec.get("error_info"), "block_reason": spec.get("block_reason"), "apply": apply_when,
    }


class FaultBook:
    def __init__(self):
        self._lock = threading.Lock()
        self._faults = []
        self._random = random.Random()

    def add(self, spec):
        fault = Fault(validate_fault(spec))
        with self._lock:
            self._faults.append(fault)
        return fault

    def describe(self):
        with self._lock:
            return [fault.describe() for fault in self._faults]

    def clear(self):
        with self._lock:
            self._faults = []

    def remove(self, fault_id):
        with self._lock:
            before = len(self._faults)
            self._faults = [fault for fault in self._faults if fault.fault_id != fault_id]
            return len(self._faults) != before

    def take(self, operation):
        """Fire the faults that match this call: every pre-call fault plus the first answer fault."""
        fired = []
        if not self._faults:
            return fired
        with self._lock:
            answer_taken = False
            for fault in self._faults:
                if fault.operation not in ("*", operation):
                    continue
                if fault.kind in ANSWER_KINDS and answer_taken:
                    continue
                if fault.probability is not None and self._random.random() >= fault.probability:
                    continue
                fired.append(fault)
                answer_taken = answer_taken or fault.kind in ANSWER_KINDS
                if fault.remaining is not None:
                    fault.remaining -= 1
            self._faults = [fault for fault in self._faults if fault.remaining is None or fault.remaining > 0]
        return fired


class Throttle:
    """Token buckets by key (project, operation), refilled from a monotonic clock."""

    def __init__(self):
        self._lock = threading.Lock()
        self._buckets = {}

    def reset(self):
        with self._lock:
            self._buckets = {}

    def allow(self, key, rate, burst=None):
        """Take one call from the bucket of `key` holding up to `burst` (default `rate`) calls."""
        if rate is None:
            return True
        with self._lock:
            capacity = max(1.0, float(burst if burst is not None else rate))
            moment = time.monotonic()
            tokens, last = self._buckets.get(key, (capacity, moment))
            tokens = min(capacity, tokens + (moment - last) * rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, moment)
                return True
            self._buckets[key] = (tokens, moment)
            return False
