# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Calls of the smart-live job APIs, one thin function per operation.

Internal to the metastudio.cloud collection; may change in any release. Free of Ansible.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.metastudio.cloud.plugins.module_utils._paginate import iter_pages


def show_job(transport, room_id, job_id):
    """ShowSmartLive: the job as the service sees it."""
    return transport.call("ShowSmartLive", room_id=room_id, job_id=job_id)


def stop_job(transport, room_id, job_id):
    """StopSmartLive: ask a running job to end."""
    return transport.call("StopSmartLive", room_id=room_id, job_id=job_id)


def start_job(transport, room_id, body):
    """StartSmartLive: start a new job in the room. Never resent after a lost answer (see _operations)."""
    return transport.call("StartSmartLive", body=body, room_id=room_id)


def execute_command(transport, room_id, job_id, command, params=None, review_config=None):
    """ExecuteSmartLiveCommand: one control command to a running job. Never resent after a lost answer."""
    body = {"command": command}
    if params is not None:
        body["params"] = params
    if review_config is not None:
        body["review_config"] = review_config
    return transport.call("ExecuteSmartLiveCommand", body=body, room_id=room_id, job_id=job_id)


def iter_job_pages(transport, room_id=None, states=None, room_name=None, page_size=100, extra_query=None,
                   responses=None):
    """Pages of jobs of a room (ListSmartLive) or of the project (ListSmartLiveJobs), as (jobs, request_id).

    ``states`` is sent as the API's comma-separated filter and also applied here, so a service that
    ignored the filter would still give the right jobs. Each ApiResponse is appended to ``responses``
    when a list is given.
    """
    query = dict(extra_query or {})
    if states:
        query["state"] = ",".join(states)
    if room_name and room_id is None:
        query["room_name"] = room_name

    def fetch(offset, limit):
        page_query = sorted(dict(query, offset=offset, limit=limit).items())
        if room_id is None:
            response = transport.call("ListSmartLiveJobs", query=page_query)
        else:
            response = transport.call("ListSmartLive", query=page_query, room_id=room_id)
        if responses is not None:
            responses.append(response)
        return response

    for jobs, request_id in iter_pages(fetch, "smart_live_jobs", page_size):
        yield [job for job in jobs if not states or job.get("state") in states], request_id


def list_room_jobs(transport, room_id, states=None, create_since=None):
    """(every job of the room that matches the filters, the first page's ApiResponse, whose Date header
    tells the server's time)."""
    responses = []
    extra_query = {"create_since": create_since} if create_since else None
    jobs = [job for page, dummy in iter_job_pages(transport, room_id=room_id, states=states, extra_query=extra_query,
                                                  responses=responses)
            for job in page]
    return jobs, responses[0]


def iter_jobs(transport, **filters):
    """Every job of a room or of the project; see iter_job_pages."""
    for jobs, dummy in iter_job_pages(transport, **filters):
        yield from jobs
