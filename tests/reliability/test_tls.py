# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS: the emulator serves HTTPS with a throw-away CA (run_emulator.py --tls, as a separate process).

With validate_certs true (the default) the self-signed endpoint is refused with a clear message about
TLS and certificates, before any API call reaches it; ca_path set to the emulator's CA, or validate_certs
false, both work.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import signal
import ssl
import subprocess
import sys
import time
from urllib.request import Request, urlopen

import pytest

from harness import (BOOK, PROJECT_ID, PYTHON, ROOM_ID, ROOT, SECRET_KEY, ACCESS_KEY, assert_clean_result, assert_no_traceback,
                     job_spec, lab_defaults, module_args, run_module, run_playbook, stop_task)

sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

from metastudio_emulator import tlsutil  # noqa: E402  pylint: disable=wrong-import-position

RUN_EMULATOR = os.path.join(ROOT, "tests", "emulator", "run_emulator.py")


class TlsEmulator(object):
    """run_emulator.py --tls in its own process, driven through its admin interface."""

    def __init__(self, directory):
        self.address_file = os.path.join(directory, "address.json")
        self.process = subprocess.Popen([PYTHON, RUN_EMULATOR, "--tls", "--quiet", "--address-file", self.address_file,
                                         "--cert-dir", directory], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while not os.path.exists(self.address_file):
            assert self.process.poll() is None, self.process.stderr.read().decode()
            assert time.monotonic() < deadline, "the TLS emulator did not start"
            time.sleep(0.05)
        with open(self.address_file) as stream:
            address = json.load(stream)
        self.url, self.ca_cert = address["url"], address["ca_cert"]
        self.context = ssl.create_default_context(cafile=self.ca_cert)

    def admin(self, path, body=None, method="POST"):
        data = None if body is None else json.dumps(body).encode()
        request = Request(self.url + "/_emulator/" + path, data=data, method=method, headers={"Content-Type": "application/json"})
        with urlopen(request, context=self.context, timeout=10) as response:
            return json.loads(response.read().decode())

    def prepare(self, jobs):
        self.absorb()
        self.admin("reset")
        self.admin("seed", {"projects": [{"project_id": PROJECT_ID, "name": "cn-north-4"}],
                            "credentials": [{"access_key": ACCESS_KEY, "secret_key": SECRET_KEY}], "jobs": jobs})

    def calls(self):
        return self.admin("calls", method="GET")["calls"]

    def job(self, job_id):
        return self.admin("jobs/" + job_id, method="GET")

    def absorb(self):
        BOOK.add(self.calls())
        self.admin("calls", method="DELETE")

    def close(self):
        self.absorb()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(name="tls_lab")
def tls_lab_fixture(tmp_path):
    emulator = TlsEmulator(str(tmp_path / "tls"))
    yield emulator
    emulator.close()


@pytest.fixture(name="other_ca")
def other_ca_fixture(tmp_path):
    directory = str(tmp_path / "other-ca")
    os.makedirs(directory)
    return tlsutil.make_certificates(directory)[0]


def test_tls_verification(tls_lab, lab, workdir, collections, other_ca):
    jobs = [job_spec("job-tls-%d" % index) for index in range(4)]
    tls_lab.prepare(jobs)
    lab.prepare(jobs=[job_spec("job-plain")])
    plain_url = lab.url
    tasks = [
        stop_task("default", room_id=ROOM_ID, job_id="job-tls-0"),
        stop_task("other CA", room_id=ROOM_ID, job_id="job-tls-0", ca_path=other_ca),
        stop_task("plain http to the TLS port", room_id=ROOM_ID, job_id="job-tls-0", endpoint=tls_lab.url.replace("https://", "http://")),
        stop_task("https to a plain port", room_id=ROOM_ID, job_id="job-plain", endpoint=plain_url.replace("http://", "https://")),
        stop_task("with ca_path", room_id=ROOM_ID, job_id="job-tls-1", ca_path=tls_lab.ca_cert),
        stop_task("with ca_path and localhost", room_id=ROOM_ID, job_id="job-tls-2", ca_path=tls_lab.ca_cert,
                  endpoint=tls_lab.url.replace("127.0.0.1", "localhost")),
        stop_task("without validation", room_id=ROOM_ID, job_id="job-tls-3", validate_certs=False),
    ]
    defaults = dict(lab_defaults(lab, retries=1, timeout=5), endpoint=tls_lab.url)
    run = run_playbook(workdir, collections, tasks, defaults=defaults)
    assert_no_traceback(run.stdout, run.stderr)
    results = dict((task["name"], run.result(task["name"])) for task in tasks)
    for name, result in results.items():
        assert_clean_result(result)
    calls = tls_lab.calls()

    refused = results["default"]
    assert refused["failed"] is True and refused["changed"] is False
    assert "TLS verification of %s failed" % tls_lab.url in refused["msg"]
    assert "CERTIFICATE_VERIFY_FAILED" in refused["msg"] and "ca_path" in refused["msg"]
    assert refused["request_ids"] == [] and refused["status_code"] is None
    assert results["other CA"]["failed"] is True and "CERTIFICATE_VERIFY_FAILED" in results["other CA"]["msg"]
    for name in ("plain http to the TLS port", "https to a plain port"):
        assert results[name]["failed"] is True and results[name]["changed"] is False
        assert results[name]["msg"].startswith("ShowSmartLive: ")
    assert lab.calls() == [], "a TLS handshake reached the plain emulator's API"
    assert lab.job("job-plain")["state"] == "PROCESSING"

    for name, job_id in (("with ca_path", "job-tls-1"), ("with ca_path and localhost", "job-tls-2"), ("without validation", "job-tls-3")):
        assert results[name]["failed"] is False, results[name]["msg"]
        assert results[name]["changed"] is True and results[name]["state"] == "SUCCEED"
        assert tls_lab.job(job_id)["state"] == "SUCCEED"
    # Only the three accepted tasks reached the API: read, stop, read again each.
    assert sorted(set(call["job_id"] for call in calls)) == ["job-tls-1", "job-tls-2", "job-tls-3"]
    assert len([call for call in calls if call["effect"] == "stopped"]) == 3
    assert tls_lab.job("job-tls-0")["state"] == "PROCESSING"


def test_explicit_ca_path_wins_over_the_environment(tls_lab, lab, collections, other_ca):
    """REQUESTS_CA_BUNDLE is honoured with the default trust, but an explicit ca_path is what counts."""
    tls_lab.prepare([job_spec("job-env-0"), job_spec("job-env-1")])
    env = dict(REQUESTS_CA_BUNDLE=tls_lab.ca_cert)
    trusted = run_module(collections, module_args(lab, endpoint=tls_lab.url, room_id=ROOM_ID, job_id="job-env-0"), env=env)
    assert_clean_result(trusted.result)
    assert trusted.result["changed"] is True
    pinned = run_module(collections, module_args(lab, endpoint=tls_lab.url, room_id=ROOM_ID, job_id="job-env-1", ca_path=other_ca),
                        env=env)
    assert_clean_result(pinned.result)
    assert pinned.result["failed"] is True and "CERTIFICATE_VERIFY_FAILED" in pinned.msg
    assert tls_lab.job("job-env-1")["state"] == "PROCESSING"


@pytest.mark.parametrize("ca_path", ["missing", "directory-without-certs", "not-a-certificate"])
def test_unusable_ca_path_fails_cleanly(tls_lab, lab, collections, tmp_path, ca_path):
    tls_lab.prepare([job_spec("job-ca-0")])
    paths = {"missing": str(tmp_path / "no-such-ca.pem"), "directory-without-certs": str(tmp_path),
             "not-a-certificate": str(tmp_path / "garbage.pem")}
    with open(paths["not-a-certificate"], "w") as stream:
        stream.write("not a certificate\n")
    run = run_module(collections, module_args(lab, endpoint=tls_lab.url, room_id=ROOM_ID, job_id="job-ca-0", ca_path=paths[ca_path]))
    assert_no_traceback(run.stderr, run.stdout)
    assert_clean_result(run.result)
    assert run.result["failed"] is True and "ca_path" in run.msg
    assert tls_lab.calls() == []
