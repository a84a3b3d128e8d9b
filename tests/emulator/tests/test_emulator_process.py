# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The command-line launcher and TLS mode."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import contextlib
import json
import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from emulator_testlib import JOB, PROJECT, ROOM, ApiClient
from metastudio_emulator import Emulator

LAUNCHER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "run_emulator.py")


@contextlib.contextmanager
def launched(command, directory):
    """Run the launcher; whatever happens in the test, it does not outlive it."""
    with subprocess.Popen(command, cwd=str(directory), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True) as process:
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()


def wait_for_file(path, process, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if os.path.exists(path):
            return
        if process.poll() is not None:
            raise AssertionError("launcher exited with %s: %s" % (process.returncode, process.stderr.read()))
        time.sleep(0.05)
    raise AssertionError("no address file after %d s" % seconds)


def test_launcher_runs_and_stops_on_sigterm(tmp_path):
    address_file = tmp_path / "address.json"
    pid_file = tmp_path / "emulator.pid"
    seed_file = tmp_path / "seed.json"
    address_file.write_text('{"stale": true}')
    seed_file.write_text(json.dumps({"credentials": [{"access_key": "LAUNCHAK", "secret_key": "LAUNCHSK"}],
                                     "jobs": [{"project_id": PROJECT, "room_id": ROOM, "job_id": JOB}]}))
    command = [sys.executable, LAUNCHER, "--address-file", str(address_file), "--pid-file", str(pid_file),
               "--seed", str(seed_file), "--behaviour", "stop_final_state=CANCELED", "stop_delay_seconds=0", "--quiet"]
    with launched(command, tmp_path) as process:
        url = process.stdout.readline().strip()
        wait_for_file(str(pid_file), process)
        address = json.loads(address_file.read_text())
        assert address["url"] == url and address["pid"] == process.pid and address["tls"] is False
        assert address["host"] == "127.0.0.1" and address["ca_cert"] is None
        assert url == "http://127.0.0.1:%d" % address["port"]
        assert int(pid_file.read_text()) == process.pid
        assert requests.get(url + "/_emulator/health", timeout=10).json() == {"ok": True}
        client = ApiClient(url, "LAUNCHAK", "LAUNCHSK")
        assert client.stop().status_code == 200
        assert client.show().json()["state"] == "CANCELED"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
        assert not pid_file.exists()


def test_launcher_seeds_rooms_and_lifecycle_behaviours(tmp_path):
    address_file = tmp_path / "address.json"
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(json.dumps({
        "projects": [{"project_id": PROJECT, "rate_limits": "reference"}],
        "credentials": [{"access_key": "LAUNCHAK", "secret_key": "LAUNCHSK"}],
        "rooms": [{"project_id": PROJECT, "room_id": ROOM, "room_name": "seeded", "output_urls": ["rtmp://a"],
                   "stream_keys": ["seeded-key"]}]}))
    command = [sys.executable, LAUNCHER, "--address-file", str(address_file), "--seed", str(seed_file), "--quiet",
               "--behaviour", "room_secrets=masked", "create_room_status=201",
               'rate_limits={"CreateSmartLiveRoom": 1}']
    with launched(command, tmp_path) as process:
        url = process.stdout.readline().strip()
        wait_for_file(str(address_file), process)
        client = ApiClient(url, "LAUNCHAK", "LAUNCHSK")
        assert client.show_room().json()["stream_keys"] == ["******"]
        # The project's own limits win: "reference" allows 5 creates a second.
        assert [client.create_room({"room_name": "x"}).status_code for count in range(5)] == [201] * 5
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0


def test_launcher_rejects_bad_behaviour(tmp_path):
    result = subprocess.run([sys.executable, LAUNCHER, "--behaviour", "stop_final_state=DONE"], cwd=str(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=30,
                            check=False)
    assert result.returncode == 2 and "stop_final_state" in result.stderr


def test_launcher_tls_address_file(tmp_path):
    address_file = tmp_path / "address.json"
    command = [sys.executable, LAUNCHER, "--tls", "--cert-dir", str(tmp_path / "certs"),
               "--address-file", str(address_file), "--quiet"]
    with launched(command, tmp_path) as process:
        wait_for_file(str(address_file), process)
        address = json.loads(address_file.read_text())
        assert address["tls"] is True and address["url"].startswith("https://127.0.0.1:")
        assert address["ca_cert"] == str(tmp_path / "certs" / "ca.pem")
        assert requests.get(address["url"] + "/_emulator/health", verify=address["ca_cert"], timeout=10).ok
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0


def test_tls_in_process(tmp_path):
    with Emulator(tls=True, cert_dir=str(tmp_path)) as emulator:
        assert emulator.url.startswith("https://127.0.0.1:")
        requests.post(emulator.url + "/_emulator/seed", verify=emulator.ca_cert, timeout=10, json={
            "credentials": [{"access_key": "TLSAK", "secret_key": "TLSSK"}],
            "jobs": [{"project_id": PROJECT, "room_id": ROOM, "job_id": JOB}]}).raise_for_status()
        client = ApiClient(emulator.url, "TLSAK", "TLSSK", verify=emulator.ca_cert)
        assert client.show().json()["job_id"] == JOB
        localhost = ApiClient(emulator.url.replace("127.0.0.1", "localhost"), "TLSAK", "TLSSK", verify=emulator.ca_cert)
        assert localhost.show().status_code == 200
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(emulator.url + "/_emulator/health", timeout=10)
        # The refused handshake must not disturb later clients.
        assert client.show().status_code == 200
