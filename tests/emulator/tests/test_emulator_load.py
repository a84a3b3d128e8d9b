# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small load check: many signed calls over one keep-alive connection."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import http.client
import json
import time
from urllib.parse import urlsplit

from emulator_testlib import AK, PROJECT, SK, encoded_query, sdk_date, sign


def test_two_thousand_keep_alive_calls(api, admin):
    jobs = admin.seed({"generate": {"project_id": PROJECT, "rooms": 20, "jobs": 1000}})["jobs"]
    parts = urlsplit(api.base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    calls = 2000
    failures = []
    started = time.monotonic()
    for index in range(calls):
        job = jobs[index % len(jobs)]
        if index % 10 == 9:
            path, query = "/v1/%s/smart-live-jobs" % PROJECT, [("limit", 20), ("offset", index % 900)]
        else:
            path, query = "/v1/%s/smart-live-rooms/%s/smart-live-jobs/%s" % (PROJECT, job["room_id"], job["job_id"]), []
        headers = sign("GET", parts.netloc, path, query, {"Content-Type": "application/json", "X-Project-Id": PROJECT},
                       b"", AK, SK, sdk_date())
        connection.request("GET", path + ("?" + encoded_query(query) if query else ""), headers=headers)
        response = connection.getresponse()
        document = json.loads(response.read())
        expected_ok = document.get("count") == 1001 if query else document.get("job_id") == job["job_id"]
        if response.status != 200 or not expected_ok or response.will_close:
            failures.append((index, response.status, document))
    elapsed = time.monotonic() - started
    connection.close()
    print("\n%d signed keep-alive calls in %.2f s: %.0f calls/s (client and server share one process)"
          % (calls, elapsed, calls / elapsed))
    assert not failures, failures[:5]
    logged = admin.calls()
    assert len(logged) == calls and all(call["status"] == 200 for call in logged)
