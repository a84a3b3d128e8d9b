# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Domain errors raised by the operations, and the one place that turns them into the API's error answers."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from .replies import iam_error, mss_error, service_error

STATE_NOT_ALLOWED = ("MSS.20020001", "The task state does not allow the current operation. Check the task state.")


class ApiError(Exception):
    """An operation refused the call; `answer(behaviour, request_id)` gives the error reply."""

    def answer(self, behaviour, request_id):
        raise NotImplementedError


class NotFound(ApiError):
    """The job or room does not exist (or is not visible); the behaviours say how the service answers."""

    def answer(self, behaviour, request_id):
        return service_error(behaviour["not_found_status"], behaviour["not_found_error_code"],
                             behaviour["not_found_error_msg"], request_id)


class StateNotAllowed(ApiError):
    """The job's state does not allow the operation."""

    def answer(self, behaviour, request_id):
        return mss_error(400, *STATE_NOT_ALLOWED)


class InvalidParameter(ApiError):
    """A query or path parameter is wrong: 400 MSS.00000003 naming it."""

    def answer(self, behaviour, request_id):
        return mss_error(400, "MSS.00000003", "Invalid parameter: %s" % self)


class InvalidBody(ApiError):
    """The body is not a JSON object."""

    def answer(self, behaviour, request_id):
        return mss_error(400, "MSS.00000002", "Invalid body")


class ValidationFailed(ApiError):
    """A body field breaks a documented constraint: 400 MSS.10000003 naming it."""

    def answer(self, behaviour, request_id):
        return mss_error(400, "MSS.10000003", "Parameter validation abnormal: %s" % self)


class Refused(ApiError):
    """A refusal whose status and code a behaviour chose (e.g. a second job in a single-job room)."""

    def __init__(self, status, error_code, error_msg):
        super().__init__(error_msg)
        self.status = status
        self.error_code = error_code
        self.error_msg = error_msg

    def answer(self, behaviour, request_id):
        return service_error(self.status, self.error_code, self.error_msg, request_id)


class IamRefused(Refused):
    """IAM refuses a token request, with its own error body (the code is IAM's title)."""

    def answer(self, behaviour, request_id):
        return iam_error(self.status, self.error_code, self.error_msg, request_id)
